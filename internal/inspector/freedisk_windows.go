package inspector

import "golang.org/x/sys/windows"

// FreeDisk returns the bytes available to us on the volume holding dir
// (GetDiskFreeSpaceEx's bytes available to the caller, which honours
// quotas).
func FreeDisk(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, err
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, err
	}
	return int64(avail), nil
}
