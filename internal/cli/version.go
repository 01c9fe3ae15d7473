package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3";
// otherwise the module version from the build info is used.
var Version = ""

func init() {
	Register(&Command{
		Name:    "version",
		Summary: "print leakhound's version",
		Usage:   "leakhound version [--json]",
		Run:     runVersion,
	})
}

func versionString() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		rev := ""
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = s.Value[:12]
			}
		}
		if v == "" || v == "(devel)" {
			v = "devel"
		}
		if rev != "" {
			v += " (" + rev + ")"
		}
		return v
	}
	return "devel"
}

func runVersion(_ context.Context, env *Env, args []string) error {
	c := commands["version"]
	fs := NewFlags(env, c)
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := ParseFlags(fs, args); err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(map[string]string{
			"version": versionString(), "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH})
	}
	fmt.Fprintf(env.Stdout, "leakhound %s %s %s/%s\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
