// Command leakhound finds, explains and guards against memory leaks in
// Node.js services. All logic lives in internal/; this file only wires the
// process to the CLI.
package main

import (
	"os"

	"github.com/leakhound/leakhound/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
