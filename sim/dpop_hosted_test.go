package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/internal/testclock"
)

// DPoP in hosted worlds (Config.Hosting), where real clients stamp proofs
// with their own wall clock and reach the AS and the API at one configured
// origin.

const dpopServeTestOrigin = "http://127.0.0.1:8080"

// dpopServeTestWorld is a hosted world at x60 with DPoP on and knobs set,
// and its one origin as a handler: the API under /api/, the AS elsewhere,
// each recorded as a host records it (World.Record).
func dpopServeTestWorld(t *testing.T, knobs ...string) (*World, http.Handler, *testclock.Clock) {
	t.Helper()
	src := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	w, err := New(Config{Hosting: &Hosting{Origin: dpopServeTestOrigin, Now: src.Now, Speed: 60}})
	if err != nil {
		t.Fatal(err)
	}
	dpopTestSet(t, w, append([]string{"dpop", "true"}, knobs...)...)
	mux := http.NewServeMux()
	mux.Handle("/", w.Record(ActorApp, ActorAS, w.AuthServer()))
	mux.Handle("/api/", w.Record(ActorApp, ActorAPI, w.API()))
	return w, mux, src
}

// dpopServeTestCall sends GET /api/orders with `Authorization: DPoP tok`
// and proof, to Host host, and returns the response.
func dpopServeTestCall(srv http.Handler, host, tok, proof string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "http://"+host+"/api/orders", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("Authorization", "DPoP "+tok)
	r.Header.Set("DPoP", proof)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// dpopServeTestToken sends a refresh_token grant as client web with proof:
// the AS checks the proof (RFC 9449 §5) before it looks at the grant.
func dpopServeTestToken(srv http.Handler, proof string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, dpopServeTestOrigin+"/token", strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"bogus"}}.Encode()))
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(ClientWeb, DemoWebSecret)
	r.Header.Set("DPoP", proof)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// dpopServeTestAPI checks an API answer exactly: its status, a DPoP
// challenge (RFC 9449 §7.1) and its error code.
func dpopServeTestAPI(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	scheme, params := apiChallenge(t, rec.Header())
	if rec.Code != status || scheme != "DPoP" || params["error"] != code {
		t.Fatalf("%s: %d %s error=%q, want %d DPoP error=%q (%s)", what, rec.Code, scheme, params["error"], status, code, rec.Header().Get("WWW-Authenticate"))
	}
}

// dpopServeTestAS checks a token-endpoint answer exactly: its status and
// the error code of its JSON body (RFC 6749 §5.2, RFC 9449 §5, §8).
func dpopServeTestAS(t *testing.T, what string, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	var body struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != status || body.Error != code {
		t.Fatalf("%s: %d %s, want %d error %q", what, rec.Code, rec.Body, status, code)
	}
}

// RFC 9449 §4.3 step 11, §11.1: a serve world checks a proof's iat against
// the wall clock its clients use, not against the virtual clock, which runs
// x60 and jumps when a demo advances it.
func TestDPoPServeIatIsWallClock(t *testing.T) {
	w, srv, src := dpopServeTestWorld(t)
	k := dpopTestKey(t, 1)
	src.Advance(5 * time.Second) // 5 minutes of virtual time at x60
	if err := w.Advance(time.Hour); err != nil {
		t.Fatal(err)
	}
	p, err := k.proof("GET", dpopServeTestOrigin+"/api/orders", "tok", "", "jti-wall", src.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The proof passes, so the bogus token is what is refused.
	dpopServeTestAPI(t, "a fresh wall-clock proof after a clock jump", dpopServeTestCall(srv, "127.0.0.1:8080", "tok", p), http.StatusUnauthorized, CodeInvalidToken)
	// A proof that is old on the wall clock is still refused.
	old, err := k.proof("GET", dpopServeTestOrigin+"/api/orders", "tok", "", "jti-old", src.Now().Add(-DPoPWindow-w.Policy().Leeway-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	dpopServeTestAPI(t, "a proof older than the window on the wall clock", dpopServeTestCall(srv, "127.0.0.1:8080", "tok", old), http.StatusUnauthorized, CodeInvalidDPoPProof)
	// The AS too.
	tp, err := k.proof("POST", dpopServeTestOrigin+"/token", "", "", "jti-as", src.Now())
	if err != nil {
		t.Fatal(err)
	}
	// The proof passes, so the bogus refresh token is what is refused.
	dpopServeTestAS(t, "the AS, a fresh wall-clock proof", dpopServeTestToken(srv, tp), http.StatusBadRequest, CodeInvalidGrant)
}

// RFC 9449 §8, §9: a client keeps one nonce per origin, so serve mode's AS
// and API, on one origin, hand out the same nonce; lesson worlds, whose AS
// and API are separate origins, keep one each.
func TestDPoPServeSharedNonce(t *testing.T) {
	_, srv, src := dpopServeTestWorld(t, "dpop_nonce", "true")
	k := dpopTestKey(t, 1)
	tp, _ := k.proof("POST", dpopServeTestOrigin+"/token", "", "", "jti-1", src.Now())
	asRec := dpopServeTestToken(srv, tp)
	ap, _ := k.proof("GET", dpopServeTestOrigin+"/api/orders", "tok", "", "jti-2", src.Now())
	apiRec := dpopServeTestCall(srv, "127.0.0.1:8080", "tok", ap)
	dpopServeTestAS(t, "the AS without a nonce", asRec, http.StatusBadRequest, CodeUseDPoPNonce)
	dpopServeTestAPI(t, "the API without a nonce", apiRec, http.StatusUnauthorized, CodeUseDPoPNonce)
	asN, apiN := asRec.Header().Get("DPoP-Nonce"), apiRec.Header().Get("DPoP-Nonce")
	if asN == "" || apiN == "" || asN != apiN {
		t.Fatalf("AS nonce %q (%d), API nonce %q (%d): want one nonce for the one origin", asN, asRec.Code, apiN, apiRec.Code)
	}
	// With that nonce, a proof passes at both.
	tp, _ = k.proof("POST", dpopServeTestOrigin+"/token", "", asN, "jti-3", src.Now())
	dpopServeTestAS(t, "the AS with the shared nonce", dpopServeTestToken(srv, tp), http.StatusBadRequest, CodeInvalidGrant)
	ap, _ = k.proof("GET", dpopServeTestOrigin+"/api/orders", "tok", asN, "jti-4", src.Now())
	dpopServeTestAPI(t, "the API with the shared nonce", dpopServeTestCall(srv, "127.0.0.1:8080", "tok", ap), http.StatusUnauthorized, CodeInvalidToken)
	lesson := dpopTestWorld(t, "dpop_nonce", "true")
	if lesson.as.dpopNonce == lesson.api.dpopNonce {
		t.Fatal("a lesson world's AS and API share a nonce, yet they are separate origins")
	}
}

// RFC 9449 §4.3 step 9, §11.1: a serve world compares htu with its
// configured origin, not with the Host header the client wrote.
func TestDPoPServeHTUIsConfiguredOrigin(t *testing.T) {
	_, srv, src := dpopServeTestWorld(t)
	k := dpopTestKey(t, 1)
	evil, _ := k.proof("GET", "http://evil.example/api/orders", "tok", "", "jti-1", src.Now())
	dpopServeTestAPI(t, "a proof for another host, with a matching Host header", dpopServeTestCall(srv, "evil.example", "tok", evil), http.StatusUnauthorized, CodeInvalidDPoPProof)
	good, _ := k.proof("GET", dpopServeTestOrigin+"/api/orders", "tok", "", "jti-2", src.Now())
	dpopServeTestAPI(t, "a proof for the configured origin under another Host", dpopServeTestCall(srv, "evil.example", "tok", good), http.StatusUnauthorized, CodeInvalidToken)
}

// RFC 9449 §11.1: the replay cache is keyed by key and jti (two clients may
// pick the same jti) and remembers a proof for as long as it could pass
// under the largest leeway a policy may set, so that raising the leeway
// does not let a forgotten proof through again.
func TestDPoPReplayKeyAndWindow(t *testing.T) {
	var r dpopReplay
	iat := dpopTestNow
	if ok, _ := r.first("key-a", "j", iat, iat); !ok {
		t.Fatal("first proof refused")
	}
	if ok, _ := r.first("key-b", "j", iat, iat); !ok {
		t.Fatal("another key's proof with the same jti counted as a replay")
	}
	if ok, _ := r.first("key-a", "j", iat, iat); ok {
		t.Fatal("a replayed proof was accepted")
	}
	// Past the old memory (window + twice a 30s leeway) but inside the
	// window a 5m leeway gives: still remembered.
	later := iat.Add(DPoPWindow + 2*30*time.Second + time.Second)
	if ok, _ := r.first("key-a", "j", iat, later); ok {
		t.Fatal("the proof was forgotten while a raised leeway would still let it pass")
	}
	if ok, _ := r.first("key-a", "j", iat, iat.Add(DPoPWindow+maxLeeway+time.Second)); !ok {
		t.Fatal("the proof is remembered beyond any window it could pass in")
	}
	if n := r.size(); n != 1 {
		t.Fatalf("%d proofs remembered after the sweep, want 1", n)
	}
}
