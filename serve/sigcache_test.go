package serve_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// sigCacheTestCall calls GET /api/orders with auth and returns the status.
func sigCacheTestCall(t *testing.T, e *serveTestEnv, auth string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.origin+"/api/orders", nil)
	req.Header.Set("Authorization", auth)
	resp, err := e.plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServeSignatureCache: serve mode verifies an access token's signature
// once and remembers it; every other check still runs on every request
// (RFC 9068 §4): an expired token is refused, a token edited by one byte
// is verified afresh and refused. Lesson worlds verify on every call.
func TestServeSignatureCache(t *testing.T) {
	e := serveTestStart(t)
	at, _ := serveTestTokens(t, e)
	before := e.world.Counts().Verifications
	for range 3 {
		if got := sigCacheTestCall(t, e, "Bearer "+at); got != http.StatusOK {
			t.Fatalf("call: %d", got)
		}
	}
	if n := e.world.Counts().Verifications - before; n != 1 {
		t.Fatalf("%d signature verifications for three calls with one token, want 1", n)
	}
	// Tampered: same header and signature, another payload.
	parts := strings.Split(at, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || !strings.Contains(string(payload), `"sub":"alice"`) {
		t.Fatalf("payload %s: %v", payload, err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"sub":"alice"`, `"sub":"mallory"`, 1)))
	if got := sigCacheTestCall(t, e, "Bearer "+strings.Join(parts, ".")); got != http.StatusUnauthorized {
		t.Fatalf("a tampered token after its original was cached: %d", got)
	}
	// Expiry is checked on every request, cached signature or not.
	e.time.Advance(16 * time.Minute)
	if got := sigCacheTestCall(t, e, "Bearer "+at); got != http.StatusUnauthorized {
		t.Fatalf("an expired token with a cached signature: %d", got)
	}

	// With the cache off, each request verifies.
	e = serveTestStartWith(t, serve.Options{VerifyEveryRequest: true})
	at, _ = serveTestTokens(t, e)
	before = e.world.Counts().Verifications
	for range 3 {
		sigCacheTestCall(t, e, "Bearer "+at)
	}
	if n := e.world.Counts().Verifications - before; n != 3 {
		t.Fatalf("VerifyEveryRequest: %d verifications for three calls, want 3", n)
	}

	// A lesson world has no cache: each call the learner watches verifies.
	w, err := sim.New(sim.Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	w.App().Login(sim.DemoUser, sim.DemoPassword, "")
	before = w.Counts().Verifications
	for range 3 {
		w.App().Call(http.MethodGet, "/api/orders")
	}
	if n := w.Counts().Verifications - before; n != 3 {
		t.Fatalf("a lesson world verified %d times for three calls, want 3", n)
	}
}
