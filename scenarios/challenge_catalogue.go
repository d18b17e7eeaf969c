package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sync"

	"github.com/tokensim/tokensim/internal/text"
)

//go:embed challenges/*.yaml
var challengesFS embed.FS

// challengeIDs fixes the course order of the built-in challenges, and
// their IDs, which are part of the command-line interface: keep them.
// A file not listed here comes after them, by ID.
var challengeIDs = []string{
	"no-second-login", "service-token", "billing-token", "two-tabs", "tab-left-open", "stop-the-thief",
	"outrun-the-thief", "silent-login", "laptop-stolen", "revoke-cheaply", "late-event", "bind-the-token",
}

// ErrUnknownChallenge is returned by ChallengeByID.
var ErrUnknownChallenge = errors.New("unknown challenge")

// challenges loads the embedded challenges once per process; they are
// immutable afterwards (an Attempt never modifies its Challenge).
var challenges = sync.OnceValues(func() ([]*Challenge, error) {
	entries, err := fs.ReadDir(challengesFS, "challenges")
	if err != nil {
		return nil, err
	}
	byID := map[string]*Challenge{}
	var ids []string
	var errs []error
	for _, e := range entries {
		name := path.Join("challenges", e.Name())
		data, err := challengesFS.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c, err := LoadChallenge(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if path.Base(name) != c.ID+".yaml" {
			errs = append(errs, fmt.Errorf("%s: id %q does not match the file name", name, c.ID))
		}
		byID[c.ID] = c
		ids = append(ids, c.ID) // file order: sorted by name
	}
	var out []*Challenge
	for _, id := range challengeIDs {
		if c, ok := byID[id]; ok {
			out = append(out, c)
			delete(byID, id)
		}
	}
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, errors.Join(errs...)
})

// Challenges returns the built-in challenges, in course order.
func Challenges() ([]*Challenge, error) { return challenges() }

// ChallengeByID returns the built-in challenge with id.
func ChallengeByID(id string) (*Challenge, error) {
	all, err := challenges()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range all {
		if c.ID == id {
			return c, nil
		}
		ids = append(ids, c.ID)
	}
	return nil, fmt.Errorf("%w %q%s", ErrUnknownChallenge, id, text.DidYouMean(id, ids))
}
