// Command tokensim is an interactive simulator for learning how access
// tokens and refresh tokens really work.
package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/tui"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.2.0-dev"

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // an expectation did not hold
	exitUsage  = 2 // bad usage or bad input
)

const usage = `tokensim — see how access tokens and refresh tokens really work.

Usage:
  tokensim <command> [arguments]

With no command, in a terminal, tokensim opens the lesson picker
(tokensim --no-progress: without remembering your progress).

Commands:
  play        open a lesson in the interactive player
  sandbox     free play on a fresh world
  list        list the built-in scenarios
  run         run a scenario headless and print its transcript
  validate    check scenario files
  challenges  list the challenges (challenge <id> --solution f.yaml checks one)
  compare     run one scenario under several presets, side by side
  decode      decode a JWT, claim by claim
  presets     list the policy presets and their figures
  progress    show your way through the lessons (--reset forgets it)
  serve       run the authorization server and API over real HTTP on loopback
  ssh         serve the player to a workshop room over SSH
  web         serve the player to a browser (a page and a WebSocket)
  version     print the version

Run 'tokensim <command> --help' for a command's flags and examples.

Examples:
  tokensim list
  tokensim run refresh-theft-rotation
  tokensim run logout --set api_mode=introspect --format markdown > logout.md
  tokensim compare refresh-theft-rotation --presets auth0,okta,keycloak
`

// env is what a command may touch: its streams and whether stdout is a
// terminal that wants colour.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	color          bool
	interactive    bool               // stdin and stdout are a terminal: the TUI may run
	stdinTerminal  bool               // stdin is a terminal: a person can be asked to type
	jsonOpts       render.JSONOptions // run --format json's options (--exchanges)
	width          int                // the terminal's columns for tables; 0: no limit (see outputWidth)
	noProgress     bool               // --no-progress: the player keeps no progress this time
}

// run is main without the process: it returns the exit status so that
// tests can drive every command.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, color: wantColor(stdout), width: outputWidth(stdout)}
	in, inOK := stdin.(*os.File)
	out, outOK := stdout.(*os.File)
	e.stdinTerminal = inOK && isTerminal(in)
	e.interactive = e.stdinTerminal && outOK && isTerminal(out)
	if len(args) == 0 {
		if e.interactive {
			return e.tui(tui.Options{})
		}
		fmt.Fprint(stdout, usage) // not a terminal: the plain answer is the help
		return exitOK
	}
	if len(args) == 1 && args[0] == "--no-progress" && e.interactive {
		e.noProgress = true // the picker, remembering nothing this time
		return e.tui(tui.Options{})
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		if len(rest) > 0 {
			return run([]string{rest[0], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	case "version", "-v", "--version":
		fmt.Fprintf(stdout, "tokensim %s\n", version)
		return exitOK
	case "list":
		return e.list(rest)
	case "play":
		return e.play(rest)
	case "sandbox":
		return e.sandbox(rest)
	case "run":
		return e.run(rest)
	case "validate":
		return e.validate(rest)
	case "compare":
		return e.compare(rest)
	case "decode":
		return e.decode(rest)
	case "presets":
		return e.presets(rest)
	case "progress":
		return e.progressCmd(rest)
	case "serve":
		return e.serve(rest)
	case "ssh":
		return e.ssh(rest)
	case "web":
		return e.web(rest)
	case "challenges":
		return e.challenges(rest)
	case "challenge":
		return e.challenge(rest)
	}
	if strings.HasPrefix(cmd, "-") {
		// A flag before any command: tokensim itself takes only --help and
		// --version; every other flag belongs to a command.
		fmt.Fprintf(stderr, "tokensim: unknown flag %s%s\nFlags go after a command: 'tokensim <command> --help' lists them.\n", cmd, text.DidYouMean(cmd, []string{"--help", "--version"}))
		return exitUsage
	}
	fmt.Fprintf(stderr, "tokensim: unknown command %q%s\nRun 'tokensim --help' for usage.\n", cmd, text.DidYouMean(cmd, commands))
	return exitUsage
}

var commands = []string{"play", "sandbox", "list", "run", "validate", "compare", "decode", "presets", "progress", "serve", "ssh", "web", "challenges", "challenge", "version", "help"}

// outputWidth is the width the tables of list and compare fit: $COLUMNS
// when set to a number (so that a pipe can ask for a width), else the
// terminal's columns, else 0 off a terminal: no limit, the wide table and
// full lines, the same whatever the window (documented in their --help).
func outputWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	f, ok := w.(*os.File)
	if !ok || !isTerminal(f) {
		return 0
	}
	if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
		return cols
	}
	return 0
}

// wantColor reports whether w is a terminal that should get colour:
// never with NO_COLOR set (https://no-color.org) or TERM=dumb.
func wantColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(f)
}
