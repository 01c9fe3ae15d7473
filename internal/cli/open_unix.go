//go:build !darwin && !windows

package cli

import "os/exec"

// openBrowser starts the desktop's URL handler.
func openBrowser(url string) error {
	cmd := exec.Command("xdg-open", url)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
