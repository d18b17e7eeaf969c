package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// timeClaims are the time claims of a token, read without verifying.
type timeClaims struct {
	Iat      *jwt.NumericDate `json:"iat"`
	Exp      *jwt.NumericDate `json:"exp"`
	AuthTime *jwt.NumericDate `json:"auth_time"`
}

func readTimes(t *testing.T, raw string) timeClaims {
	t.Helper()
	var c timeClaims
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", raw)
	}
	b, err := jwt.NewParser().DecodeSegment(parts[1])
	if err != nil || json.Unmarshal(b, &c) != nil || c.Iat == nil || c.Exp == nil {
		t.Fatalf("claims of %q: %v", raw, err)
	}
	return c
}

// TestServeTimeTravelStrictRP: serve stamps every time a client reads in
// wall time, so that a strict relying party (zero skew, its own wall clock)
// accepts its tokens at x1 and x60, before and after an advance, while an
// advance still ages every grant at the server: its own API refuses the old
// access token (RFC 7519 §4.1.4) and introspection says it is inactive (RFC
// 7662 §2.2). iat is never in the RP's future (RFC 7519 §4.1.6, OIDC Core
// §3.1.3.7), exp - iat is expires_in, lifetime/N (RFC 6749 §5.1), and
// auth_time is the sign-in aged by the advance (OIDC Core §2, §3.1.3.7
// max_age).
func TestServeTimeTravelStrictRP(t *testing.T) {
	for _, speed := range []int{1, 60} {
		t.Run(fmt.Sprintf("x%d", speed), func(t *testing.T) {
			e := serveTestStartWith(t, serve.Options{Speed: speed})
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			wall := e.time.Now
			// The failure: at x60 a login two seconds after start;
			// half a second more, so that stamps are truncated.
			e.time.Advance(2500 * time.Millisecond)

			provider, err := oidc.NewProvider(ctx, e.origin)
			if err != nil {
				t.Fatal(err)
			}
			cfg := &oauth2.Config{ClientID: sim.ClientWeb, ClientSecret: sim.DemoWebSecret, Endpoint: provider.Endpoint(),
				RedirectURL: e.origin + serve.CallbackPath, Scopes: []string{oidc.ScopeOpenID, "profile", "offline_access"}}
			// go-oidc with the RP's wall clock; it allows no skew on exp
			// but does not check iat, which strictRP adds.
			idv := provider.Verifier(&oidc.Config{ClientID: sim.ClientWeb, Now: wall})
			strictRP := func(raw string) timeClaims {
				t.Helper()
				if _, err := idv.Verify(ctx, raw); err != nil {
					t.Fatalf("go-oidc at zero skew: %v", err)
				}
				return readTimes(t, raw)
			}
			verifier := oauth2.GenerateVerifier()
			signIn := wall()
			loc, page := serveTestLogin(t, e, cfg.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n")), sim.DemoUser, sim.DemoPassword)
			if loc == nil {
				t.Fatalf("login:\n%s", page)
			}
			tok, err := cfg.Exchange(ctx, loc.Query().Get("code"), oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}
			// The server's virtual expiry: from the iat stamp, the whole
			// second, N times 500 ms before the virtual now.
			tokenExpiry := e.world.Clock().Now().Add(15*time.Minute - time.Duration(speed)*500*time.Millisecond)
			life := 15 * time.Minute / time.Duration(speed) // access_ttl 15m in wall time
			expiresIn := time.Duration(tok.Extra("expires_in").(float64)) * time.Second
			if expiresIn != life {
				t.Errorf("expires_in %s, want %s", expiresIn, life)
			}
			checkStamps := func(what string, c timeClaims) {
				t.Helper()
				now := wall()
				if c.Iat.After(now) || c.Iat.Before(now.Add(-time.Second)) {
					t.Errorf("%s: iat %s, want within the second before the wall time %s", what, c.Iat, now)
				}
				if got := c.Exp.Sub(c.Iat.Time); got != life {
					t.Errorf("%s: exp - iat %s, want %s", what, got, life)
				}
			}
			id := strictRP(tok.Extra("id_token").(string))
			checkStamps("first ID token", id)
			checkStamps("first access token", readTimes(t, tok.AccessToken))
			if !id.AuthTime.Equal(signIn.Truncate(time.Second)) {
				t.Errorf("auth_time %s, want the sign-in %s", id.AuthTime, signIn)
			}
			if st, ch := serveTestAPI(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)), e.origin); st != http.StatusOK {
				t.Fatalf("API with a fresh token: %d %s", st, ch)
			}
			if in := introspect(t, e, tok.AccessToken); in.Active != true || in.Exp != readTimes(t, tok.AccessToken).Exp.Unix() {
				t.Errorf("introspection of a fresh token: %+v", in)
			}

			// The README's step 4, a few seconds later.
			e.time.Advance(3 * time.Second)
			e.advance(t, "16m") // one more wall second
			n := e.world.Log().Len()
			st, ch := serveTestAPI(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok)), e.origin)
			if st != http.StatusUnauthorized || !strings.Contains(ch, `error="invalid_token"`) || !strings.Contains(ch, "expired") {
				t.Fatalf("API with the access token after the advance: %d %q, want 401 invalid_token, expired", st, ch)
			}
			if in := introspect(t, e, tok.AccessToken); in.Active {
				t.Errorf("introspection after the advance: %+v, want active:false", in)
			}
			// Both reasons name the one virtual expiry, beside the virtual
			// clock: the API reads it from the stamps, the AS from its record.
			var reasons []string
			for _, ev := range e.world.Log().Since(n) {
				if ev.Reason != "" {
					reasons = append(reasons, ev.Reason)
				}
			}
			if want := "expired at " + text.FormatTime(tokenExpiry, sim.Epoch()); len(reasons) != 2 || !strings.Contains(reasons[0], want) || !strings.Contains(reasons[1], want) {
				t.Errorf("the reasons %q do not both say %q", reasons, want)
			}

			tok2, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			if err != nil {
				t.Fatalf("refresh after the advance: %v", err)
			}
			id2 := strictRP(tok2.Extra("id_token").(string))
			checkStamps("refreshed ID token", id2)
			checkStamps("refreshed access token", readTimes(t, tok2.AccessToken))
			// The session began 4 s of wall time and 16m of advance ago.
			if want := signIn.Add(-16 * time.Minute / time.Duration(speed)).Truncate(time.Second); !id2.AuthTime.Equal(want) {
				t.Errorf("auth_time after the advance %s, want %s: aged by the advance", id2.AuthTime, want)
			}
			if st, ch := serveTestAPI(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok2)), e.origin); st != http.StatusOK {
				t.Fatalf("API with the refreshed token: %d %s", st, ch)
			}

			// Without an advance the token lives its wall lifetime at the
			// API, no more.
			e.time.Advance(life - time.Second)
			if st, ch := serveTestAPI(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok2)), e.origin); st != http.StatusOK {
				t.Fatalf("API a second before exp: %d %s", st, ch)
			}
			// The API's leeway is virtual time too: leeway/N of wall time.
			e.time.Advance(time.Second + e.world.Policy().Leeway/time.Duration(speed))
			if st, ch := serveTestAPI(t, oauth2.NewClient(ctx, oauth2.StaticTokenSource(tok2)), e.origin); st != http.StatusUnauthorized || !strings.Contains(ch, "expired") {
				t.Fatalf("API at exp + leeway: %d %s, want 401 expired", st, ch)
			}
		})
	}
}

// introspection is the part of an RFC 7662 §2.2 answer the test reads.
type introspection struct {
	Active bool  `json:"active"`
	Exp    int64 `json:"exp"`
	Iat    int64 `json:"iat"`
}

// introspect asks the AS about tok as its client, web (RFC 7662 §2.1).
func introspect(t *testing.T, e *serveTestEnv, tok string) introspection {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.origin+"/introspect", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sim.ClientWeb, sim.DemoWebSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var in introspection
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &in) != nil {
		t.Fatalf("introspect: %d %s", resp.StatusCode, b)
	}
	return in
}
