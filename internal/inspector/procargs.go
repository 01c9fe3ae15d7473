package inspector

import (
	"bytes"
	"encoding/binary"
)

// parseProcArgs2 reads macOS's sysctl kern.procargs2 buffer: a 32-bit
// argc (host order; little-endian on every Mac Go targets), the executable
// path, NUL padding, then argc NUL-terminated arguments (the environment
// follows). It returns the path and the arguments, each followed by a NUL
// as in Linux's /proc/PID/cmdline. It lives outside the darwin build so
// its test and fuzz target run everywhere.
func parseProcArgs2(b []byte) (exe, args string) {
	if len(b) < 4 {
		return "", ""
	}
	argc := int(binary.LittleEndian.Uint32(b))
	rest := b[4:]
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		return string(rest), ""
	}
	exe, rest = string(rest[:i]), rest[i:]
	for len(rest) > 0 && rest[0] == 0 {
		rest = rest[1:]
	}
	var out []byte
	for n := 0; n < argc && len(rest) > 0; n++ {
		j := bytes.IndexByte(rest, 0)
		if j < 0 {
			j = len(rest)
		}
		out = append(out, rest[:j]...)
		out = append(out, 0)
		if j == len(rest) {
			break
		}
		rest = rest[j+1:]
	}
	return exe, string(out)
}
