package inspector

import (
	"os"
	"strconv"
)

// nodePIDs lists the node processes on this host (or in this container or
// pod: whatever /proc shows) that we may signal.
func nodePIDs() ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid <= 0 {
			continue
		}
		if isNode(pid) && maySignal(pid) {
			out = append(out, pid)
		}
	}
	return out, nil
}
