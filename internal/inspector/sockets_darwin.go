package inspector

// listeningAddrs returns the bound host:port (boundAddr) of every TCP
// socket pid listens on. macOS has no /proc; lsof (shipped with it) lists the
// sockets in pid's file table, and parseLsof keeps only those it
// attributes to pid.
func listeningAddrs(pid int) ([]string, error) {
	if !processAlive(pid) {
		return nil, ErrNoProcess
	}
	return lsofListening(pid)
}
