package inspector

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// listeningAddrs returns the bound host:port (boundAddr) of every TCP
// socket pid listens on, found by matching the socket inodes of /proc/PID/fd against
// the listening sockets of /proc/PID/net/tcp{,6}. This is what ties a port
// to the pid: the socket is in that process's file table.
func listeningAddrs(pid int) ([]string, error) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNoProcess
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("cannot read its sockets (%v): run as the same user as the target, or give host:port", err)
		}
		return nil, err
	}
	inodes := map[string]bool{}
	for _, e := range ents {
		l, err := os.Readlink(filepath.Join(dir, e.Name()))
		if err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	var out []string
	for _, f := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f))
		if err != nil {
			continue
		}
		for _, a := range parseProcNetTCP(string(b), inodes) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}
