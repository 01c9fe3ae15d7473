//go:build !linux

package npm

import "testing"

// interruptWatch needs process groups; TestPackage runs on linux only.
func interruptWatch(*testing.T, string) {}
