//go:build !windows

package ui

import "os"

// isTerminal: a character device is a terminal.
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// enableANSI: Unix terminals interpret ANSI escapes as they are.
func enableANSI(*os.File) bool { return true }
