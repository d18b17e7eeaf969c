package serve_test

import (
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// TestRPReadmeWalkthrough runs the README's "A curl walk-through" (Serve
// mode, steps 1-8 and 3b) with the strict certified RP of rp_zitadel_test.go in
// the place of the person with curl, at --clock real and at --clock x60
// (two seconds after start, that is two virtual minutes), both through
// step 4's advance of 16 minutes: issue 17's "Done when". The client is
// the README's: web, with its secret in a Basic header (curl -u, RFC 6749
// §2.3.1), redirecting to the server's own /callback page. The strict RP
// adds what the README's step-1 URL leaves out: an S256 code challenge
// (RFC 7636) and a nonce, which it then checks.
func TestRPReadmeWalkthrough(t *testing.T) {
	for _, tc := range []struct {
		name  string
		speed int
		ago   time.Duration // how long ago the server started
		sets  []string
	}{
		{"clock=real", 1, 0, nil},
		// The README's own x60 line sets code_ttl=1h so that a code lives
		// a minute of wall time (the default lives one second).
		{"clock=x60", 60, 2 * time.Second, []string{"code_ttl=1h"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One more second behind, for the person between steps 3 and 4.
			e, wall := rpStart(t, tc.speed, tc.ago+time.Second, tc.sets...)
			wall.pass(t, tc.ago)
			rpWalkthrough(t, e, wall)
		})
	}
}

func rpWalkthrough(t *testing.T, e *serveTestEnv, wall *rpWall) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	callback := e.origin + serve.CallbackPath
	party, err := rp.NewRelyingPartyOIDC(ctx, e.origin, sim.ClientWeb, sim.DemoWebSecret, callback,
		[]string{oidc.ScopeOpenID, oidc.ScopeProfile, "orders:read", oidc.ScopeOfflineAccess},
		rpStrictOptions(rpCookies(), &http.Client{Timeout: 10 * time.Second}, oauth2.AuthStyleInHeader)...)
	if err != nil {
		t.Fatalf("rp.NewRelyingPartyOIDC: %v", err)
	}
	authURL := func(t *testing.T) (string, string, string) {
		verifier, nonce := oauth2.GenerateVerifier(), rand.Text()
		u := rp.AuthURL("xyz", party, rp.WithCodeChallenge(oidc.NewSHACodeChallenge(verifier)), rp.AuthURLOpt(rp.WithURLParam("nonce", nonce)))
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		// The README's step 1 parameters, byte for byte where it has them.
		q := pu.Query()
		if !strings.HasPrefix(u, e.origin+"/authorize?") || q.Get("response_type") != "code" || q.Get("client_id") != sim.ClientWeb ||
			q.Get("redirect_uri") != callback || q.Get("scope") != "openid profile orders:read offline_access" || q.Get("state") != "xyz" {
			t.Fatalf("the RP's step-1 URL differs from the README's: %s", u)
		}
		return u, verifier, nonce
	}
	orders := func(at string) int {
		st, _ := serveTestCall(t, e, at)
		return st
	}

	// 1. Sign in in the browser; the callback page shows the code.
	u, verifier, nonce := authURL(t)
	loc, page := serveTestLogin(t, e, u, sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("step 1: sign-in did not redirect:\n%s", page)
	}
	code := loc.Query().Get("code")
	resp, err := e.plain.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(loc.String(), callback+"?") || code == "" || resp.StatusCode != http.StatusOK || !strings.Contains(string(cb), code) {
		t.Fatalf("step 1: the callback page %s (%d) does not show the code:\n%s", loc, resp.StatusCode, cb)
	}

	// 2. Exchange the code: the RP verifies the ID token at zero skew.
	tok, err := rp.CodeExchange[*oidc.IDTokenClaims](rpWithNonce(ctx, nonce), code, party, rp.WithCodeVerifier(verifier))
	if err != nil {
		t.Fatalf("step 2: code exchange, ID token checked with zero skew: %v", err)
	}
	if tok.IDTokenClaims.Subject != sim.DemoUser || tok.IDTokenClaims.Nonce != nonce || tok.RefreshToken == "" {
		t.Fatalf("step 2: sub %q nonce %q, refresh token %t", tok.IDTokenClaims.Subject, tok.IDTokenClaims.Nonce, tok.RefreshToken != "")
	}

	// 3. Call the API.
	if st := orders(tok.AccessToken); st != http.StatusOK {
		t.Fatalf("step 3: GET /api/orders: %d", st)
	}

	// 3b. Ask the AS who signed in: userinfo (OIDC Core §5.3), sub equal to
	// the ID token's (§5.3.4, which rp.Userinfo checks) and, with the
	// profile scope, name (§5.4).
	info, err := rp.Userinfo[*oidc.UserInfo](ctx, tok.AccessToken, tok.TokenType, tok.IDTokenClaims.Subject, party)
	if err != nil {
		t.Fatalf("step 3b: userinfo: %v", err)
	}
	if info.Name == "" {
		t.Fatal("step 3b: userinfo has no name for the profile scope")
	}

	// 4. Expire the access token without waiting: move the virtual clock
	// (a second of wall time after step 2, the least a person takes).
	wall.pass(t, time.Second)
	e.advance(t, "16m")
	if st := orders(tok.AccessToken); st != http.StatusUnauthorized {
		t.Fatalf("step 4: GET /api/orders with the access token after advancing 16m: %d, want 401", st)
	}

	// 5. Refresh (rotation): the new ID token passes at zero skew.
	tok2 := rpRefresh(t, party, tok.RefreshToken)
	if st := orders(tok2.AccessToken); st != http.StatusOK {
		t.Fatalf("step 5: GET /api/orders after refresh: %d", st)
	}

	// 6. Replay the old refresh token: invalid_grant, and the family is
	// revoked, so the newest refresh token dies with it (RFC 9700 §4.14.2).
	_, err = rp.RefreshTokens[*oidc.IDTokenClaims](ctx, party, tok.RefreshToken, "", "")
	if c := rpOAuthError(t, err); c != "invalid_grant" {
		t.Fatalf("step 6: replay: %s, want invalid_grant", c)
	}
	_, err = rp.RefreshTokens[*oidc.IDTokenClaims](ctx, party, tok2.RefreshToken, "", "")
	if c := rpOAuthError(t, err); c != "invalid_grant" {
		t.Fatalf("step 6: the newest refresh token after reuse: %s, want invalid_grant", c)
	}

	// 7. Log out: revoke the refresh token (RFC 7009 §2.2: 200 even for a
	// token that is already invalid).
	if err := rp.RevokeToken(ctx, party, tok2.RefreshToken, "refresh_token"); err != nil {
		t.Fatalf("step 7: revoke: %v", err)
	}

	// 8. The browser is still signed in at the AS: step 1's URL gives a
	// code without the form. RP-initiated logout ends the AS session; the
	// request goes with the browser's cookies (see TestRPStrictEndSession).
	u, _, _ = authURL(t)
	resp, err = e.plain.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if l, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || l == nil || l.Query().Get("code") == "" {
		t.Fatalf("step 8: step 1's URL with an AS session: %d %q, want a redirect with a code", resp.StatusCode, resp.Header.Get("Location"))
	}
	browserRP, err := rp.NewRelyingPartyOIDC(ctx, e.origin, sim.ClientWeb, sim.DemoWebSecret, callback, nil,
		rpStrictOptions(rpCookies(), e.plain, oauth2.AuthStyleInHeader)...)
	if err != nil {
		t.Fatal(err)
	}
	back, err := rp.EndSession(ctx, browserRP, tok2.IDToken, e.origin+"/", "xyz", "", nil)
	if err != nil {
		t.Fatalf("step 8: end session: %v", err)
	}
	if back == nil || back.String() != e.origin+"/?state=xyz" {
		t.Fatalf("step 8: end session redirected to %v, want %s/?state=xyz", back, e.origin)
	}
	u, _, _ = authURL(t)
	if loc, page := serveTestLogin(t, e, u, sim.DemoUser, sim.DemoPassword); loc == nil {
		t.Fatalf("step 8: sign-in after logout:\n%s", page)
	}
}
