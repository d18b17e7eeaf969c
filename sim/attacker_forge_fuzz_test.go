package sim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

// FuzzAPIValidationProfiles feeds arbitrary tokens (seeded with every
// forgery) to the API under three profiles: hardened, vulnerable, and
// no-signature-check. Whatever the token says in its headers (jku, x5u,
// jwk, kid), the API must not panic and must answer 200, 401 or 403; and
// the hardened API must never fetch a URL the token names, never read kid
// as a path or query, and never contact the attacker's server (RFC 8725
// §3.10; checklist items 53, 83, 84), and its 200 means the token verifies
// under the AS's own key and algorithm (RFC 8725 §3.1, §3.2: no alg none,
// no HS256 keyed with the public key), as golang-jwt alone judges it.
func FuzzAPIValidationProfiles(f *testing.F) {
	w := forgeWorld(f, "hardened")
	for _, fg := range Forgeries() {
		if raw, _, _ := w.Attacker().forge(fg); raw != "" {
			for p := range uint8(3) {
				f.Add(raw, p)
			}
		}
	}
	f.Add("eyJhbGciOiJIUzI1NiIsImprdSI6Imh0dHA6Ly8xMjcuMC4wLjE6MS94In0.e30.", uint8(1))
	f.Add("eyJhbGciOiJFZERTQSIsImp3ayI6eyJrdHkiOiJPS1AifX0.e30.", uint8(1))
	profiles := []Flaws{0, vulnerableFlaws(), Flaws(FlawNoSignatureCheck)}
	f.Fuzz(func(t *testing.T, raw string, profile uint8) {
		fs := profiles[int(profile)%len(profiles)]
		pol := w.Policy()
		pol.Validation = fs
		w.env.setPolicy(pol)
		before := w.Counts()
		n := w.Log().Len()
		req := &http.Request{
			Method: http.MethodGet,
			URL:    &url.URL{Scheme: "https", Host: HostAPI, Path: "/api/orders"},
			Host:   HostAPI,
			Header: http.Header{"Authorization": {"Bearer " + raw}},
			Proto:  "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Body: http.NoBody,
		}
		rec := httptest.NewRecorder()
		w.API().ServeHTTP(rec, req)
		if !slices.Contains([]int{200, 400, 401, 403}, rec.Code) {
			t.Fatalf("profile %s: status %d for %q", fs, rec.Code, raw)
		}
		if fs.Hardened() {
			if rec.Code == http.StatusOK && !signedByAS(t, w, raw) {
				t.Fatalf("the hardened API accepted %q, which the AS's key does not verify", raw)
			}
			after := w.Counts()
			if after.HeaderKeyFetches != before.HeaderKeyFetches || after.KidStoreReads != before.KidStoreReads {
				t.Fatalf("the hardened API followed the token's headers for %q", raw)
			}
			for _, e := range w.Log().Since(n) {
				if e.Kind == KindExchange && e.To == ActorAttacker {
					t.Fatalf("the hardened API contacted the attacker for %q", raw)
				}
			}
		}
	})
}
