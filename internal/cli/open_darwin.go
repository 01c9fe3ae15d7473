package cli

import "os/exec"

// openBrowser starts the default browser with macOS's open.
func openBrowser(url string) error {
	cmd := exec.Command("open", url)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
