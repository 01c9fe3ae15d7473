// Package npm holds the npm packages' sources (leakhound/) and the test that
// builds, installs and uses them the way a Node developer would.
package npm

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// need skips when a tool is missing, except in CI, where it must be there.
func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not on the PATH (CI must install it)", tool)
			}
			t.Skipf("%s is not on the PATH", tool)
		}
	}
}

func run(t *testing.T, dir string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "npm_config_update_notifier=false", "npm_config_fund=false", "npm_config_audit=false")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func mustRun(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	out, err := run(t, dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// TestPackage packs the main and linux-x64 packages with scripts/npm-pack.sh,
// installs them offline from the tarballs into a scratch project, and uses
// them: npx leakhound, and assertNoLeak under node:test, Mocha, Jest and
// Vitest (those installed from the npm registry).
func TestPackage(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the test installs the linux-x64 package")
	}
	need(t, "node", "npm", "npx")
	if testing.Short() {
		t.Skip("builds and installs npm packages")
	}
	root, _ := filepath.Abs("..")
	out := t.TempDir()
	mustRun(t, root, "scripts/npm-pack.sh", out, "linux-x64")
	proj := t.TempDir()
	if err := os.WriteFile(filepath.Join(proj, "package.json"), []byte(`{"name":"scratch","version":"1.0.0","private":true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tarballs, _ := filepath.Glob(filepath.Join(out, "*.tgz"))
	if len(tarballs) != 2 {
		t.Fatalf("npm-pack wrote %v, want the main and the linux-x64 tarball", tarballs)
	}
	mustRun(t, proj, "npm", append([]string{"install", "--offline"}, tarballs...)...)

	if v := mustRun(t, proj, "npx", "--no-install", "leakhound", "version"); !strings.Contains(v, "leakhound v") {
		t.Errorf("npx leakhound version: %s", v)
	}
	demo := mustRun(t, proj, "npx", "--no-install", "leakhound", "demo", "--requests", "150")
	for _, want := range []string{"event-listener", "RequestContext", "fix:"} {
		if !strings.Contains(demo, want) {
			t.Errorf("npx leakhound demo lacks %q:\n%s", want, demo)
		}
	}
	// Bad usage keeps the binary's exit code.
	if _, err := run(t, proj, "npx", "--no-install", "leakhound", "nosuch"); err == nil {
		t.Error("npx leakhound nosuch exited 0")
	} else if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("npx leakhound nosuch: %v, want exit 2", err)
	}

	for _, f := range []string{"app.js", "node-test.test.js", "mocha.test.js", "jest.test.js", "vitest.test.mjs", "esm-types.mjs"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proj, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if o := mustRun(t, proj, "node", "esm-types.mjs"); !strings.Contains(o, "esm ok") {
		t.Errorf("ESM: %s", o)
	}
	// A function that throws leaves no snapshots behind; a bad option is
	// said before the first call.
	failures, err := os.ReadFile(filepath.Join("testdata", "failures.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(proj, "failures.js"), failures, 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cmd := exec.Command("node", "failures.js")
	cmd.Dir, cmd.Env = proj, append(os.Environ(), "TMPDIR="+tmp)
	if o, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(o), `{"threw":true,"early":true,"left":0}`) {
		t.Errorf("failures.js: %v\n%s", err, o)
	}
	interruptWatch(t, proj)

	// checkRun: the clean test passes, the leaky one fails with leakhound's
	// report as its message.
	checkRun := func(t *testing.T, o string, err error, passed string) {
		t.Helper()
		if err == nil {
			t.Fatalf("the run passed, but one test leaks:\n%s", o)
		}
		for _, want := range []string{passed, "LeakError", "memory leak: RequestContext (event-listener)",
			"listeners for 'response' pile up", "app.js:", "snapshots kept in"} {
			if !strings.Contains(o, want) {
				t.Errorf("output lacks %q:\n%s", want, o)
			}
		}
	}
	t.Run("node:test", func(t *testing.T) {
		o, err := run(t, proj, "node", "--test", "--test-reporter=spec", "node-test.test.js")
		checkRun(t, o, err, "✔ fixed processor does not leak")
	})
	if _, err := run(t, proj, "npm", "install", "--prefer-offline", "--no-save", "mocha@12", "jest@30", "vitest@4"); err != nil {
		// The frameworks come from the npm registry: offline, only CI must have them.
		if os.Getenv("CI") != "" {
			t.Fatalf("npm install mocha jest vitest: %v", err)
		}
		t.Skip("mocha, jest and vitest could not be installed from the npm registry")
	}
	t.Run("mocha", func(t *testing.T) {
		o, err := run(t, proj, "npx", "--no-install", "mocha", "mocha.test.js")
		checkRun(t, o, err, "✔ should not leak memory when processing many requests (fixed)")
	})
	t.Run("jest", func(t *testing.T) {
		o, err := run(t, proj, "npx", "--no-install", "jest", "--ci", "jest.test.js")
		checkRun(t, o, err, "✓ fixed processor does not leak")
	})
	t.Run("vitest", func(t *testing.T) {
		o, err := run(t, proj, "npx", "--no-install", "vitest", "run", "vitest.test.mjs")
		checkRun(t, o, err, "fixed processor does not leak")
	})
}
