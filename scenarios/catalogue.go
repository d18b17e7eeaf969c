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
	"login", "bearer-calls", "expiry", "silent-refresh", "session-end", "lifetimes",
	"access-token-theft", "one-token", "refresh-theft-no-rotation", "refresh-theft-rotation",
	"refresh-theft-victim-first", "browser-architectures", "persistent-xss", "confidential-client-theft", "refresh-token-at-api", "logout", "logout-layers", "revocation-modes", "pushed-revocation",
	"refresh-checkpoint",
	"wrong-audience", "client-credentials", "second-api", "clock-skew", "first-party",
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
	// The files are parsed and validated side by side: the picker's first
	// frame waits for the whole catalogue, and the lessons share nothing
	// (each Load is its own decoder and validator). Results are kept in
	// file order, so errors read the same on every run.
	type loaded struct {
		sc  *Scenario
		err error // of Load, or the id that does not match the file name
	}
	res := make([]loaded, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Go(func() {
			name := path.Join("catalogue", e.Name())
			data, err := catalogueFS.ReadFile(name)
			if err != nil {
				res[i].err = err
				return
			}
			sc, err := Load(name, data)
			if err != nil {
				res[i].err = err
				return
			}
			res[i].sc = sc
			if path.Base(name) != sc.ID+".yaml" {
				res[i].err = fmt.Errorf("%s: id %q does not match the file name", name, sc.ID)
			}
		})
	}
	wg.Wait()
	byID := map[string]*Scenario{}
	var errs []error
	for _, r := range res {
		if r.err != nil {
			errs = append(errs, r.err)
		}
		if r.sc != nil { // loaded, if perhaps misnamed
			byID[r.sc.ID] = r.sc
		}
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
