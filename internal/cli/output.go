package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/leakhound/leakhound/internal/inspector"
	rpt "github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/ui"
)

// Files a command writes besides its output (gc --svg, --html): rendered
// in memory, then written atomically after a free-disk check.

// htmlMaxRows caps the class tables of an HTML report when --top is not
// given: the terminal's default of 30 is too few for a page one can sort,
// all of a big heap's classes too many for one file.
const htmlMaxRows = 1000

// errDiskSpace: the file does not fit on its disk.
var errDiskSpace = errors.New("not enough free disk space")

// freeDisk is inspector.FreeDisk, replaceable by tests.
var freeDisk = inspector.FreeDisk

// diskHeadroom is left free beyond the file itself, so that writing a
// report never fills the disk a service is logging to.
const diskHeadroom = 16 << 20

// writeFileAtomic renders a file with render and writes it to path through
// a temporary file in the same folder, renamed into place once complete:
// a reader never sees half a file, and a failure leaves path untouched.
func writeFileAtomic(path string, render func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if free, err := freeDisk(dir); err == nil && free < int64(buf.Len())+diskHeadroom {
		return fmt.Errorf("writing %s: %w in %s: %s free, the file needs %s and leakhound keeps %s spare",
			path, errDiskSpace, dir, ui.Bytes(free), ui.Bytes(int64(buf.Len())), ui.Bytes(diskHeadroom))
	}
	return writeFileAtomicAt(path, func(f *os.File) error { _, err := f.Write(buf.Bytes()); return err })
}

// writeFileAtomicAt writes path through a temporary file in the same
// folder, renamed into place once complete; render writes the temporary
// file itself, as a stream or at offsets (a snapshot's index, too big to
// hold in memory, writes its header last). The caller checks free disk
// space first.
func writeFileAtomicAt(path string, render func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := render(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}

// checkOutputPath refuses, before any work, a --html or --svg path whose
// folder does not exist or that names a folder.
func checkOutputPath(flagName, path string) error {
	if path == "" {
		return nil
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return BadInputf("--%s %s is a folder; give a file name", flagName, path)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return BadInputf("--%s %s: folder %s does not exist", flagName, path, dir)
	}
	return nil
}

// htmlMeta says which command wrote an HTML report.
func htmlMeta(command string) rpt.HTMLMeta {
	return rpt.HTMLMeta{Command: command, Version: versionString()}
}

// flagGiven reports whether the flag name was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// htmlWritten tells a person reading text where the HTML report went.
func htmlWritten(w io.Writer, path string) {
	fmt.Fprintf(w, "HTML report written to %s\n", path)
}
