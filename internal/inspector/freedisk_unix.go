//go:build unix

package inspector

import "syscall"

// FreeDisk returns the bytes available to us on the filesystem holding dir
// (statfs's blocks available to unprivileged users; Linux and macOS alike).
func FreeDisk(dir string) (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil
}
