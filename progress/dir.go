package progress

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// EnvDisable is the environment variable that turns progress off, as
// --no-progress does, when set to 1 (or true).
const EnvDisable = "TOKENSIM_NO_PROGRESS"

// Disabled reports whether getenv turns progress off.
func Disabled(getenv func(string) string) bool {
	switch getenv(EnvDisable) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// FileName is the progress file's name in its directory.
const FileName = "progress.json"

// DefaultPath is where the progress file lives: on Linux and the other
// Unixes but macOS, $XDG_STATE_HOME/tokensim, else ~/.local/state/tokensim
// (the XDG Base Directory Specification 0.8, section 3,
// https://specifications.freedesktop.org/basedir-spec/0.8/ar01s03.html:
// state data "that should persist between (application) restarts", such
// as the "current state of the application that can be reused on a
// restart"); elsewhere the
// user configuration directory's tokensim (os.UserConfigDir: Application
// Support on macOS, %AppData% on Windows). getenv is os.Getenv outside
// tests.
func DefaultPath(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "darwin", "windows", "ios", "android", "plan9", "js", "wasip1":
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(dir, "tokensim", FileName), nil
	}
	// The specification, section 2: "All paths set in these environment
	// variables must be absolute"; a relative one is to be ignored.
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "tokensim", FileName), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither $XDG_STATE_HOME nor $HOME is set")
	}
	return filepath.Join(home, ".local", "state", "tokensim", FileName), nil
}
