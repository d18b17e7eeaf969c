package render

import (
	"net/http"
	"testing"

	"github.com/tokensim/tokensim/sim"
)

// TestNesting: the API's first call fetches the AS's keys while it is
// being answered (Event.End), so the fetch has depth 1, the call is
// answered before the next step's events, and nothing is left open.
func TestNesting(t *testing.T) {
	w, err := sim.New(sim.Config{Seed: 1, Preset: "tokensim"})
	if err != nil {
		t.Fatal(err)
	}
	if o := w.App().Login(sim.DemoUser, sim.DemoPassword, ""); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	n := w.Log().Len()
	w.App().Call(http.MethodGet, "/api/orders")
	var nest Nesting
	var depths []int
	var paths []string
	for _, e := range w.Log().Since(n) {
		if e.Kind != sim.KindExchange {
			continue
		}
		_, d := nest.Next(e)
		depths, paths = append(depths, d), append(paths, e.Path)
	}
	if len(paths) != 2 || paths[0] != "/api/orders" || paths[1] != "/jwks.json" || depths[0] != 0 || depths[1] != 1 {
		t.Fatalf("exchanges %v at depths %v, want /api/orders at 0 and /jwks.json inside it", paths, depths)
	}
	rest := nest.Rest()
	if len(rest) != 2 || rest[0].Path != "/jwks.json" || rest[1].Path != "/api/orders" {
		t.Fatalf("open at the end, innermost first: %v", rest)
	}
	// A later event closes both, innermost first.
	var again Nesting
	evs := w.Log().Since(n)
	for _, e := range evs {
		again.Next(e)
	}
	answered, depth := again.Next(sim.Event{Seq: evs[len(evs)-1].Seq + 1, Kind: sim.KindClock})
	if depth != 0 || len(answered) != 2 || answered[0].Path != "/jwks.json" {
		t.Fatalf("after the step: answered %v, depth %d", answered, depth)
	}
}
