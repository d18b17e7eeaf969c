// Command tokensim is an interactive simulator for learning how access
// tokens and refresh tokens really work.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const usage = `tokensim — see how access tokens and refresh tokens really work.

Usage:
  tokensim [command]

Commands:
  presets     list the policy presets and their figures
  version     print the version
  help        show this help

Flags:
  -h, --help      show this help
  -v, --version   print the version

The interactive player and the scenario catalogue arrive with the next
releases; today tokensim ships its simulation engine (package sim).
`

// run is main without the process: it returns the exit status (0 ok,
// 2 bad usage) so that tests can drive it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return 0
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "-v", "--version":
		fmt.Fprintf(stdout, "tokensim %s\n", version)
		return 0
	case "presets":
		return presets(stdout)
	}
	fmt.Fprintf(stderr, "tokensim: unknown command %q\nRun 'tokensim --help' for usage.\n", args[0])
	return 2
}
