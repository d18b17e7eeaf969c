package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"sync"

	"github.com/tokensim/tokensim/internal/text"
)

//go:embed catalogue/*.yaml
var catalogueFS embed.FS

// builtinIDs fixes the catalogue's order and its IDs, which are part of the
// command-line interface: keep them.
var builtinIDs = []string{
	"login", "bearer-calls", "expiry", "silent-refresh", "session-end",
	"access-token-theft", "one-token", "refresh-theft-no-rotation", "refresh-theft-rotation",
	"refresh-theft-victim-first", "refresh-token-at-api", "logout", "logout-layers", "revocation-modes",
	"wrong-audience", "clock-skew", "first-party",
	"forged-tokens", "multi-tab-race", "reuse-dos", "presets", "dpop-binding",
}

// ErrUnknownScenario is returned by Lookup.
var ErrUnknownScenario = errors.New("unknown scenario")

// catalogue loads the embedded scenarios once per process; they are
// immutable afterwards (Execute never modifies a Scenario).
var catalogue = sync.OnceValues(func() ([]*Scenario, error) {
	entries, err := fs.ReadDir(catalogueFS, "catalogue")
	if err != nil {
		return nil, err
	}
	byID := map[string]*Scenario{}
	var errs []error
	for _, e := range entries {
		name := path.Join("catalogue", e.Name())
		data, err := catalogueFS.ReadFile(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sc, err := Load(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if path.Base(name) != sc.ID+".yaml" {
			errs = append(errs, fmt.Errorf("%s: id %q does not match the file name", name, sc.ID))
		}
		byID[sc.ID] = sc
	}
	var out []*Scenario
	for _, id := range builtinIDs {
		if sc, ok := byID[id]; ok {
			out = append(out, sc)
			delete(byID, id)
		}
	}
	rest := make([]string, 0, len(byID))
	for id := range byID {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	for _, id := range rest {
		out = append(out, byID[id])
	}
	return out, errors.Join(errs...)
})

// Catalogue returns the built-in scenarios in teaching order.
func Catalogue() ([]*Scenario, error) { return catalogue() }

// Lookup returns the built-in scenario with id.
func Lookup(id string) (*Scenario, error) {
	all, err := catalogue()
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, sc := range all {
		if sc.ID == id {
			return sc, nil
		}
		ids = append(ids, sc.ID)
	}
	return nil, fmt.Errorf("%w %q%s", ErrUnknownScenario, id, text.DidYouMean(id, ids))
}

// BuiltinIDs lists the catalogue's IDs in teaching order.
func BuiltinIDs() []string { return slices.Clone(builtinIDs) }
