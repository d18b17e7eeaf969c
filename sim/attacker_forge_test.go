package sim

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// forgeWorld is a logged-in world whose attacker stole the access token
// (tampering needs one), under the validation profile given.
func forgeWorld(t testing.TB, profile string) *World {
	t.Helper()
	w := lifeWorld(t, "tokensim")
	lifeSet(t, w, "api_validation", profile)
	lifeLogin(t, w, "")
	if o := w.Attacker().Steal(SourceScript, TokenAccess); o.Error != "" {
		t.Fatalf("steal: %+v", o)
	}
	return w
}

// forgeAttackerRequests counts exchanges that reached the attacker's server.
func forgeAttackerRequests(w *World) int {
	n := 0
	for _, e := range w.Log().Events() {
		if e.Kind == KindExchange && e.To == ActorAttacker {
			n++
		}
	}
	return n
}

// TestForgeriesHardened: checklist items 81–84 and 89. The hardened API
// refuses every forgery with 401 invalid_token and a reason (RFC 6750
// §3.1), follows no URL a token names and reads no file or database for a
// kid (RFC 8725 §3.10).
func TestForgeriesHardened(t *testing.T) {
	words := map[Forgery]string{
		ForgeAlgNone:      "not on the API's allowlist",
		ForgeKeyConfusion: "not on the API's allowlist",
		ForgeTampered:     "signature does not verify",
		ForgeKidPath:      "not on the API's allowlist",
		ForgeKidSQL:       "not on the API's allowlist",
		ForgeKidUnknown:   "not in the AS's key set",
		ForgeJKU:          "not in the AS's key set",
		ForgeX5U:          "not in the AS's key set",
		ForgeJWK:          "not in the AS's key set",
	}
	for _, f := range Forgeries() {
		t.Run(string(f), func(t *testing.T) {
			w := forgeWorld(t, "hardened")
			o := w.Attacker().Forge(f, http.MethodPost, "/api/orders")
			lifeFail(t, string(f), o, http.StatusUnauthorized, CodeInvalidToken, "forged-1", words[f])
			c := w.Counts()
			if c.HeaderKeyFetches != 0 || c.KidStoreReads != 0 || forgeAttackerRequests(w) != 0 {
				t.Fatalf("the hardened API fetched a key a token named or read kid as a path/query: %+v, %d requests to the attacker", c, forgeAttackerRequests(w))
			}
			if ev := lifeEvents(w, 0, KindForged); len(ev) != 1 || ev[0].Token != "forged-1" || ev[0].Reason == "" {
				t.Fatalf("forged event: %+v", ev)
			}
		})
	}
}

// TestForgeriesFlawed: each forgery gets in exactly when the API has every
// flaw it needs (Forgery.Needs), and any one of those flaws missing keeps it
// out: defence in depth. The acceptance names the flaw that let it in.
func TestForgeriesFlawed(t *testing.T) {
	for _, f := range Forgeries() {
		need := f.Needs()
		var fs Flaws
		for _, fl := range need {
			fs |= Flaws(fl)
		}
		t.Run(string(f)+"/needs", func(t *testing.T) {
			w := forgeWorld(t, fs.String())
			o := w.Attacker().Forge(f, http.MethodPost, "/api/orders")
			lifeOK(t, string(f), o, http.StatusCreated)
			for _, fl := range need {
				if !strings.Contains(o.Reason, fl.String()) {
					t.Fatalf("acceptance reason %q does not name flaw %s", o.Reason, fl)
				}
			}
		})
		t.Run(string(f)+"/vulnerable", func(t *testing.T) {
			// The vulnerable profile verifies signatures (it lacks only
			// no-signature-check): tampered and kid-unknown stay out.
			w := forgeWorld(t, "vulnerable")
			o := w.Attacker().Forge(f, http.MethodGet, "/api/orders")
			if in := !slices.Equal(need, []Flaw{FlawNoSignatureCheck}); in != o.OK() {
				t.Fatalf("vulnerable profile: %+v, want accepted=%v", o, in)
			}
		})
		for _, missing := range need {
			if len(need) == 1 {
				break
			}
			t.Run(string(f)+"/without-"+missing.String(), func(t *testing.T) {
				w := forgeWorld(t, (fs &^ Flaws(missing)).String())
				if o := w.Attacker().Forge(f, http.MethodGet, "/api/orders"); o.Status != http.StatusUnauthorized || o.Error != CodeInvalidToken {
					t.Fatalf("with %s missing: %+v", missing, o)
				}
			})
		}
	}
}

// TestForgeryNoSignatureCheck: an API that decodes without verifying takes
// every forgery (jwt.ParseUnverified's own warning).
func TestForgeryNoSignatureCheck(t *testing.T) {
	for _, f := range Forgeries() {
		w := forgeWorld(t, FlawNoSignatureCheck.String())
		lifeOK(t, string(f), w.Attacker().Forge(f, http.MethodGet, "/api/orders"), http.StatusOK)
	}
}

// TestForgeryHeaderKeysFetchAttacker: the flawed API really goes to the
// attacker's server for jku and x5u, over the wire: the learner sees it.
func TestForgeryHeaderKeysFetchAttacker(t *testing.T) {
	for _, tc := range []struct {
		f    Forgery
		path string
	}{{ForgeJKU, "/jwks.json"}, {ForgeX5U, "/cert.pem"}} {
		w := forgeWorld(t, "vulnerable")
		n := w.Log().Len()
		lifeOK(t, string(tc.f), w.Attacker().Forge(tc.f, http.MethodGet, "/api/profile"), http.StatusOK)
		var got []string
		for _, e := range w.Log().Events()[n:] {
			if e.Kind == KindExchange && e.To == ActorAttacker {
				if e.From != ActorAPI {
					t.Fatalf("%s: %s fetched from the attacker", tc.f, e.From)
				}
				got = append(got, e.Path)
			}
		}
		if !slices.Equal(got, []string{tc.path}) || w.Counts().HeaderKeyFetches != 1 {
			t.Fatalf("%s: API fetched %v from the attacker (counts %+v)", tc.f, got, w.Counts())
		}
	}
}

// TestForgeryTamperedNeedsToken: tampering edits a real token; without one
// the attacker says so and nothing is sent.
func TestForgeryTamperedNeedsToken(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	lifeLogin(t, w, "")
	n := w.Log().Len()
	o := w.Attacker().Forge(ForgeTampered, http.MethodGet, "/api/orders")
	if o.Error != CodeNoToken || o.Status != 0 || !strings.Contains(o.Reason, "no access token") {
		t.Fatalf("got %+v", o)
	}
	if len(lifeExchanges(w, n, ActorAttacker, "")) != 0 || len(lifeEvents(w, n, KindForgeFailed)) != 1 {
		t.Fatal("a failed forgery sent a request or was not recorded")
	}
}

// TestForgeryIntrospectionImmune: an API that introspects asks the AS,
// which knows what it issued, so even a flawed local validator is moot
// (RFC 7662 §2.2: active is false for a token the AS did not issue).
func TestForgeryIntrospectionImmune(t *testing.T) {
	w := forgeWorld(t, "vulnerable")
	lifeSet(t, w, "api_mode", "introspect")
	lifeFail(t, "alg none at an introspecting API", w.Attacker().Forge(ForgeAlgNone, http.MethodGet, "/api/orders"),
		http.StatusUnauthorized, CodeInvalidToken, "not active")
}

// TestFlawedAPIStillAcceptsRealTokens: flaws add doors; the front door
// still works, and the reason notes the flaw a real token went through.
func TestFlawedAPIStillAcceptsRealTokens(t *testing.T) {
	w := forgeWorld(t, "vulnerable")
	lifeOK(t, "app call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	w = forgeWorld(t, "skip-aud")
	lifeOK(t, "app call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	// skip-aud: a token for the API works at billing (item 86, inverted).
	o := w.App().Present(APIBAudience, http.MethodGet, "/api/orders", TokenAccess)
	if o.Status != http.StatusOK || !strings.Contains(o.Reason, "skip-aud") {
		t.Fatalf("skip-aud at billing: %+v", o)
	}
}

// TestParseFlaws: the knob's syntax round-trips and refuses typos.
func TestParseFlaws(t *testing.T) {
	for _, s := range []string{"hardened", "vulnerable", "no-alg-allowlist", "no-alg-allowlist,key-as-bytes", "trust-jku,skip-typ"} {
		fs, err := parseFlaws(s)
		if err != nil || fs.String() != s {
			t.Errorf("parseFlaws(%q) = %v, %v; String %q", s, fs, err, fs.String())
		}
	}
	if fs, _ := parseFlaws("key-as-bytes, no-alg-allowlist"); fs.String() != "no-alg-allowlist,key-as-bytes" {
		t.Errorf("order/space: %q", fs.String())
	}
	if _, err := parseFlaws("trust-jkw"); err == nil || !strings.Contains(err.Error(), "trust-jku") {
		t.Errorf("typo: %v", err)
	}
	if vulnerableFlaws().Len() != len(FlawList())-1 || vulnerableFlaws().Has(FlawNoSignatureCheck) {
		t.Error("the vulnerable profile is every flaw but no-signature-check")
	}
}

// TestForgeryIgnoresDPoP: a forger leaves the victim's cnf out, so DPoP on
// the API does not stop a forgery; only the signature check does. With
// dpop on, the hardened API still refuses every forgery, and one that
// skips the signature check takes them, DPoP or not.
func TestForgeryIgnoresDPoP(t *testing.T) {
	w := lifeWorld(t, "tokensim")
	lifeSet(t, w, "dpop", "true")
	lifeLogin(t, w, "")
	w.App().Call(http.MethodGet, "/api/orders")
	if o := w.Attacker().Steal(SourceLog, TokenAccess); o.Error != "" {
		t.Fatalf("steal: %+v", o)
	}
	for _, f := range Forgeries() {
		lifeSet(t, w, "api_validation", "hardened")
		if o := w.Attacker().Forge(f, http.MethodGet, "/api/orders"); o.Status != http.StatusUnauthorized || strings.Contains(o.Reason, "DPoP") {
			t.Fatalf("%s at the hardened API with dpop on: %+v (a forgery must fail on its signature, not on DPoP)", f, o)
		}
		lifeSet(t, w, "api_validation", "no-signature-check")
		lifeOK(t, string(f)+" without a signature check, dpop on", w.Attacker().Forge(f, http.MethodGet, "/api/orders"), http.StatusOK)
	}
}
