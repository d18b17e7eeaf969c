package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// Determinism (package doc): the same Config, seed included, gives
// byte-identical events and tokens; ES256 signatures are randomized by Go's
// crypto, so ES256 worlds agree on everything but signatures (and at_hash,
// which hashes the signed access token, OIDC Core §3.1.3.6).

// lifeScript plays a lifecycle touching every part of the engine and returns
// the token values it saw along the way.
func lifeScript(t testing.TB, w *World) []string {
	t.Helper()
	var toks []string
	keep := func() {
		a, r := lifeHeld(w)
		b, c := lifeAttackerHolds(w)
		toks = append(toks, a, r, b, c)
	}
	lifeLogin(t, w, "")
	keep()
	w.App().Call(http.MethodGet, "/api/orders")
	w.App().Call(http.MethodPost, "/api/orders") // 403: no orders:write
	w.Attacker().Steal(SourceLog, TokenAccess)
	w.Attacker().Steal(SourceScript, TokenRefresh)
	lifeAdvance(t, w, 14*time.Minute+45*time.Second)
	w.App().Call(http.MethodGet, "/api/profile") // proactive refresh
	keep()
	w.Attacker().Steal(SourceNetwork, TokenRefresh)
	w.Attacker().Refresh()
	w.Attacker().CallAPI(http.MethodGet, "/api/orders")
	keep()
	lifeSet(t, w, "refresh_skew", "0")
	lifeAdvance(t, w, 20*time.Minute)
	w.App().Call(http.MethodGet, "/api/orders") // 401 → refresh → reuse detected
	keep()
	lifeLogin(t, w, "openid profile orders:read offline_access")
	w.NewTab().Refresh()
	keep()
	lifeSet(t, w, "api_mode", "introspect")
	w.AdminRevoke(DemoUser)
	w.App().Call(http.MethodGet, "/api/orders")
	lifeLogin(t, w, "")
	w.App().Logout()
	keep()
	// The attack lab: the attacker's key and certificate come from the
	// world's entropy, and a race runs in tab order.
	lifeSet(t, w, "api_mode", "stateless")
	lifeSet(t, w, "api_validation", "vulnerable")
	for _, f := range Forgeries() {
		w.Attacker().Forge(f, http.MethodGet, "/api/orders")
	}
	lifeLogin(t, w, "")
	lifeAdvance(t, w, time.Hour)
	if _, err := w.RaceRefresh(3); err != nil {
		t.Fatal(err)
	}
	keep()
	return toks
}

func lifeEventsJSON(t testing.TB, w *World) []byte {
	t.Helper()
	b, err := json.Marshal(w.Log().Events())
	if err != nil {
		t.Fatalf("Marshal events: %v", err)
	}
	return b
}

func lifeSnapJSON(t testing.TB, w *World) []byte {
	t.Helper()
	b, err := json.Marshal(w.Inspect())
	if err != nil {
		t.Fatalf("Marshal snapshot: %v", err)
	}
	return b
}

func lifeSeedWorld(t testing.TB, seed uint64, alg jose.Alg) *World {
	t.Helper()
	p := DefaultPolicy()
	p.Alg = alg
	w, err := New(Config{Seed: seed, Policy: &p})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return w
}

// TestLifeDeterminismSameSeed: two worlds, one seed, one script →
// byte-identical event logs, tokens and snapshots (RS256 and EdDSA sign
// deterministically).
func TestLifeDeterminismSameSeed(t *testing.T) {
	for _, alg := range []jose.Alg{jose.RS256, jose.EdDSA} {
		t.Run(string(alg), func(t *testing.T) {
			a, b := lifeSeedWorld(t, 42, alg), lifeSeedWorld(t, 42, alg)
			ta, tb := lifeScript(t, a), lifeScript(t, b)
			if len(ta) != len(tb) {
				t.Fatal("different token counts")
			}
			nonEmpty := 0
			for i := range ta {
				if ta[i] != tb[i] {
					t.Fatalf("token %d differs", i)
				}
				if ta[i] != "" {
					nonEmpty++
				}
			}
			if nonEmpty < 10 {
				t.Fatalf("the script saw only %d tokens", nonEmpty)
			}
			ea, eb := lifeEventsJSON(t, a), lifeEventsJSON(t, b)
			if !bytes.Equal(ea, eb) {
				t.Fatalf("event logs differ at byte %d", lifeFirstDiff(ea, eb))
			}
			if len(a.Log().Events()) < 50 {
				t.Fatalf("only %d events", len(a.Log().Events()))
			}
			// The script reaches every kind of event, so every kind is
			// compared.
			for _, k := range []EventKind{KindExchange, KindClock, KindPolicy, KindLogin, KindIssued, KindRotated, KindReuse,
				KindFamilyRevoked, KindStolen, KindClientNote, KindSessionEnded} {
				if len(lifeEvents(a, 0, k)) == 0 {
					t.Errorf("the script produced no %s event", k)
				}
			}
			if sa, sb := lifeSnapJSON(t, a), lifeSnapJSON(t, b); !bytes.Equal(sa, sb) {
				t.Fatalf("snapshots differ at byte %d", lifeFirstDiff(sa, sb))
			}
			if a.Counts() != b.Counts() {
				t.Fatalf("counts differ: %+v %+v", a.Counts(), b.Counts())
			}
		})
	}
}

// TestLifeDeterminismDifferentSeed: another seed gives other tokens and
// another log, though the same story.
func TestLifeDeterminismDifferentSeed(t *testing.T) {
	a, b := lifeSeedWorld(t, 42, jose.RS256), lifeSeedWorld(t, 43, jose.RS256)
	ta, tb := lifeScript(t, a), lifeScript(t, b)
	for i := range ta {
		if ta[i] != "" && ta[i] == tb[i] {
			t.Fatalf("token %d is the same under seeds 42 and 43", i)
		}
	}
	if bytes.Equal(lifeEventsJSON(t, a), lifeEventsJSON(t, b)) {
		t.Fatal("different seeds gave identical logs")
	}
	ea, eb := a.Log().Events(), b.Log().Events()
	if len(ea) != len(eb) {
		t.Fatalf("the same script told a different story: %d vs %d events", len(ea), len(eb))
	}
	for i := range ea {
		if ea[i].Kind != eb[i].Kind || ea[i].Status != eb[i].Status || ea[i].Token != eb[i].Token {
			t.Fatalf("event %d: %s %d %s vs %s %d %s", i+1, ea[i].Kind, ea[i].Status, ea[i].Token, eb[i].Kind, eb[i].Status, eb[i].Token)
		}
	}
}

// TestLifeDeterminismES256: ES256 worlds agree once signatures (and at_hash)
// are set aside, and differ before — the reason RS256 is the default.
func TestLifeDeterminismES256(t *testing.T) {
	a, b := lifeSeedWorld(t, 42, jose.ES256), lifeSeedWorld(t, 42, jose.ES256)
	lifeScript(t, a)
	lifeScript(t, b)
	ea, eb := lifeEventsJSON(t, a), lifeEventsJSON(t, b)
	if bytes.Equal(ea, eb) {
		t.Fatal("ES256 logs are byte-identical: signatures should be randomized")
	}
	na, nb := lifeNormalizeJWTs(t, ea), lifeNormalizeJWTs(t, eb)
	if !bytes.Equal(na, nb) {
		t.Fatalf("ES256 logs differ beyond signatures at byte %d", lifeFirstDiff(na, nb))
	}
	if bytes.Equal(na, ea) {
		t.Fatal("normalisation found no JWT")
	}
}

var lifeJWT = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+`)

// lifeNormalizeJWTs replaces every JWT in b by its header and claims without
// the signature and at_hash.
func lifeNormalizeJWTs(t testing.TB, b []byte) []byte {
	return lifeJWT.ReplaceAllFunc(b, func(m []byte) []byte {
		h, c := jose.Parts(string(m))
		if h == nil || c == nil {
			t.Fatalf("not a JWT: %s", m)
		}
		delete(c, "at_hash")
		out, _ := json.Marshal([]any{h, c})
		return []byte(base64.RawURLEncoding.EncodeToString(out))
	})
}

func lifeFirstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
