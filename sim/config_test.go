package sim

import (
	"errors"
	"net/http"
	"testing"
)

// TestResolveDefaults: the configuration New runs with is the one Resolve
// returns, defaults filled in, so the validator that asks Resolve sees
// what the world will be.
func TestResolveDefaults(t *testing.T) {
	for _, tc := range []struct {
		in   Config
		want Config
	}{
		{Config{}, Config{Preset: DefaultPreset, Client: KindSPA, Storage: StorageLocal, Topology: TopologyOAuth}},
		{Config{Client: KindWeb}, Config{Preset: DefaultPreset, Client: KindWeb, Storage: StorageServer, Topology: TopologyOAuth}},
		{Config{Topology: TopologyFirstParty}, Config{Preset: DefaultPreset, Client: KindSPA, Storage: StorageCookie, Topology: TopologyFirstParty}},
	} {
		got, err := tc.in.Resolve()
		if err != nil {
			t.Fatalf("%+v: %v", tc.in, err)
		}
		if got.Policy == nil {
			t.Fatalf("%+v: no policy resolved", tc.in)
		}
		got.Policy = nil
		if got != tc.want {
			t.Errorf("Resolve(%+v) = %+v, want %+v", tc.in, got, tc.want)
		}
		w, err := New(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if w.App().Storage() != tc.want.Storage || w.Topology() != tc.want.Topology || w.PresetName() != tc.want.Preset {
			t.Errorf("New(%+v) runs %s/%s/%s, Resolve said %+v", tc.in, w.App().Storage(), w.Topology(), w.PresetName(), tc.want)
		}
	}
	for _, bad := range []Config{{Preset: "nope"}, {Client: KindWeb, Storage: StorageLocal}, {Topology: "bff"}, {Policy: &Policy{}}} {
		if _, err := bad.Resolve(); !errors.Is(err, ErrBadConfig) {
			t.Errorf("Resolve(%+v) = %v, want ErrBadConfig", bad, err)
		}
	}
}

// TestReachesIsTheStealRule: every position the rule says can never reach
// a token fails a steal with the rule's reason, even right after the app
// called the API and refreshed; every position it allows steals then.
func TestReachesIsTheStealRule(t *testing.T) {
	for _, cfg := range []Config{
		{Client: KindSPA, Storage: StorageLocal}, {Client: KindSPA, Storage: StorageMemory},
		{Client: KindSPA, Storage: StorageCookie}, {Client: KindWeb},
		{Topology: TopologyFirstParty},
	} {
		for _, src := range Sources() {
			for _, kind := range []TokenKind{TokenAccess, TokenRefresh} {
				w, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				login(t, w)
				w.App().Call(http.MethodGet, "/api/orders")
				w.App().Refresh()
				rc, _ := cfg.Resolve()
				ok, why := src.Reaches(kind, rc.Storage, rc.Topology)
				// Script injection reads storage, and only localStorage lists
				// tokens; API logs never see a refresh token; the wire sees
				// everything.
				want := src == SourceNetwork || (src == SourceScript && rc.Storage == StorageLocal) || (src == SourceLog && kind == TokenAccess)
				if ok != want {
					t.Errorf("%+v: %s reaches %s = %v, want %v", cfg, src, kind, ok, want)
				}
				o := w.Attacker().Steal(src, kind)
				switch {
				case !ok && (o.Error != CodeUnreachable || o.Reason != why):
					t.Errorf("%+v %s %s: rule says no (%q), steal gave %+v", cfg, src, kind, why, o)
				case ok && o.Error != "":
					t.Errorf("%+v %s %s: rule says yes, steal gave %+v", cfg, src, kind, o)
				}
			}
		}
	}
}
