package inspector

import "golang.org/x/sys/unix"

// nodePIDs lists the node processes on this host that we may signal, from
// sysctl kern.proc.all.
func nodePIDs() ([]int, error) {
	kps, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return nil, err
	}
	var out []int
	for _, kp := range kps {
		pid := int(kp.Proc.P_pid)
		if pid > 0 && isNode(pid) && maySignal(pid) {
			out = append(out, pid)
		}
	}
	return out, nil
}
