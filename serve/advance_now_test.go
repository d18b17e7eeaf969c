package serve_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/sim/jose"
)

// A script takes a token, advances the clock past its lifetime and calls
// the API at once, all within one wall second: the token's iat has whole
// seconds (RFC 7519 §2 NumericDate, as every strict RP reads it), so the
// server must still count the advance as made after the token, and its API
// must answer 401 invalid_token (RFC 6750 §3.1), as the walk-through's step
// 4 says. The server's clock is the real wall clock here (what a script
// meets); the advance waits for the token's second to end, at most a
// second, and nothing in the test sleeps.
func TestServeAdvanceAgesATokenOfTheSameSecond(t *testing.T) {
	e := serveTestStartWith(t, serve.Options{Now: time.Now})
	for i := range 3 {
		st, _, tok := serveTestPost(t, e, "/token", "service", "service-secret",
			url.Values{"grant_type": {"client_credentials"}, "scope": {"orders:read"}})
		at, _ := tok["access_token"].(string)
		if st != http.StatusOK || at == "" {
			t.Fatalf("client credentials: %d %v", st, tok)
		}
		start := time.Now()
		resp, err := e.plain.PostForm(e.origin+serve.ClockPath, url.Values{"by": {"16m"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("advance: %d %s", resp.StatusCode, body)
		}
		if took := time.Since(start); took > 1500*time.Millisecond {
			t.Errorf("the advance took %s: it waits for the rest of a second at most", took)
		}
		if st, why := serveTestCall(t, e, at); st != http.StatusUnauthorized || !strings.Contains(why, "expired") {
			t.Fatalf("round %d: the API answered %d %q for a token issued before a 16m advance, want 401, expired", i, st, why)
		}
	}
}

// The token.issued event names the lifetime the token was stamped with,
// exactly: at x1 and x60, on the real clock (which moves between two
// readings), an access token of 15m says "(15m)", not "(14m59.99…s)".
func TestServeIssuedLifetimeIsExact(t *testing.T) {
	for _, speed := range []int{1, 60} {
		e := serveTestStartWith(t, serve.Options{Now: time.Now, Speed: speed})
		for range 5 {
			n := e.world.Log().Len()
			if st, _, tok := serveTestPost(t, e, "/token", "service", "service-secret",
				url.Values{"grant_type": {"client_credentials"}, "scope": {"orders:read"}}); st != http.StatusOK {
				t.Fatalf("x%d: client credentials: %d %v", speed, st, tok)
			}
			for _, ev := range e.world.Log().Since(n) {
				if ev.Kind == "token.issued" && !strings.Contains(ev.Summary, "(15m)") {
					t.Fatalf("x%d: %s", speed, ev.Summary)
				}
			}
		}
	}
}

// Step 8 of the walk-through follows the lifetimes: step 4's jump ages the
// AS session too, so under the README's x60 settings (access_ttl=1h, a
// 1h1m jump, past session_idle=30m) the session has ended by step 8, and
// the guide says so instead of promising a code without the form.
func TestServeGuideStep8FollowsTheSession(t *testing.T) {
	for _, c := range []struct {
		sets []string
		want string
	}{
		{nil, "8. The browser is still signed in at the AS"},
		{[]string{"code_ttl=1h", "access_ttl=1h"}, "8. Step 4's jump of 1h1m also ended the browser's session at the AS"},
	} {
		e := serveTestStartWith(t, serve.Options{Speed: 60}, c.sets...)
		if g := e.srv.Guide(); !strings.Contains(g, c.want) {
			t.Errorf("%v: the guide lacks %q:\n%s", c.sets, c.want, g)
		}
	}
}

// Introspection's iat and exp are the token's own (RFC 7662 §2.2), at x60
// on the real clock too, where reading the record back from the stamps
// loses nanoseconds: it said a second less than the JWT 5 times in 6
// (found by review).
func TestServeIntrospectionTimesAreTheToken(t *testing.T) {
	e := serveTestStartWith(t, serve.Options{Now: time.Now, Speed: 60})
	for range 6 {
		_, _, tok := serveTestPost(t, e, "/token", "service", "service-secret",
			url.Values{"grant_type": {"client_credentials"}, "scope": {"orders:read"}})
		at, _ := tok["access_token"].(string)
		d, err := jose.Decode(at)
		if err != nil {
			t.Fatal(err)
		}
		st, _, in := serveTestPost(t, e, "/introspect", "api", sim.DemoAPISecret, url.Values{"token": {at}})
		if st != http.StatusOK || in["active"] != true {
			t.Fatalf("introspect: %d %v", st, in)
		}
		if in["iat"] != d.Claims["iat"] || in["exp"] != d.Claims["exp"] {
			t.Errorf("introspection says iat %v exp %v, the token %v %v", in["iat"], in["exp"], d.Claims["iat"], d.Claims["exp"])
		}
	}
}
