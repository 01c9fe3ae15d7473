package ui

import (
	"os"

	"golang.org/x/sys/windows"
)

// isTerminal: a console handle is one GetConsoleMode accepts. (NUL is a
// character device too, so the Unix test would take it for a terminal.)
func isTerminal(f *os.File) bool {
	var mode uint32
	return windows.GetConsoleMode(windows.Handle(f.Fd()), &mode) == nil
}

// enableANSI turns on the console's virtual-terminal processing (Windows
// 10 and later) so ANSI colour escapes show as colour, not as text. An
// older console refuses, and then gets no colour.
func enableANSI(f *os.File) bool {
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
