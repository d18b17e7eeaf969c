package serve_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

// serveTestIntrospect introspects at as the API (RFC 7662 §2.1) and
// returns active.
func serveTestIntrospect(t *testing.T, e *serveTestEnv, at string) bool {
	t.Helper()
	status, _, body := serveTestPost(t, e, "/introspect", sim.ClientAPI, sim.DemoAPISecret, url.Values{"token": {at}})
	if status != http.StatusOK {
		t.Fatalf("introspect: %d %v", status, body)
	}
	return body["active"] == true
}

// The expire-access fault: every live access token ends now at the AS
// (introspection, RFC 7662 §2.2) and at this server's own API, which
// validates JWTs locally (api_mode stateless) yet is told; the refresh
// token is untouched, so a refresh recovers (RFC 6749 §6).
func TestServeFaultExpireAccess_RFC7662_2_2(t *testing.T) {
	e := serveTestStart(t)
	at, rt := serveTestTokens(t, e)
	status, _, body := serveTestPost(t, e, serve.FaultExpirePath, "", "", nil)
	if status != http.StatusOK || body["expired"] != float64(1) || !strings.Contains(body["reason"].(string), "external API") {
		t.Fatalf("expire: %d %v", status, body)
	}
	if st, why := serveTestCall(t, e, at); st != http.StatusUnauthorized || !strings.Contains(why, "operator expired every access token") {
		t.Errorf("the API after expire-access: %d %q", st, why)
	}
	if serveTestIntrospect(t, e, at) {
		t.Errorf("introspection says an expired-by-fault token is active")
	}
	st, b, why := serveTestRefresh(t, e, rt)
	if st != http.StatusOK {
		t.Fatalf("refresh after expire-access: %d %v %s", st, b, why)
	}
	if st, why := serveTestCall(t, e, b["access_token"].(string)); st != http.StatusOK {
		t.Errorf("a token issued after the fault: %d %s", st, why)
	}
}

// The revoke-user fault, an administrator's revocation (RFC 9700
// §4.14.2; RFC 7009 covers only a client's own tokens): the next refresh
// is invalid_grant with a reason naming the administrator; the access
// token lives on at the stateless API until exp (protocol.md G.113) but is
// inactive at introspection.
func TestServeFaultRevokeUser_RFC9700_4_14_2(t *testing.T) {
	e := serveTestStart(t)
	at, rt := serveTestTokens(t, e)
	status, _, body := serveTestPost(t, e, serve.FaultRevokeUserPath, "", "", url.Values{"user": {sim.DemoUser}})
	if status != http.StatusOK || body["families_revoked"] != float64(1) {
		t.Fatalf("revoke-user: %d %v", status, body)
	}
	st, b, why := serveTestRefresh(t, e, rt)
	if st != http.StatusBadRequest || b["error"] != sim.CodeInvalidGrant || !strings.Contains(why, "administrator") {
		t.Errorf("refresh after revoke-user: %d %v %q, want invalid_grant naming the administrator", st, b, why)
	}
	if st, why := serveTestCall(t, e, at); st != http.StatusOK {
		t.Errorf("the stateless API refused the access token before its exp: %d %s (G.113: it lives until exp)", st, why)
	}
	if serveTestIntrospect(t, e, at) {
		t.Errorf("introspection says a revoked family's access token is active")
	}
	if status, _, _ := serveTestPost(t, e, serve.FaultRevokeUserPath, "", "", url.Values{"user": {"mallory"}}); status != http.StatusNotFound {
		t.Errorf("an unknown user: %d, want 404", status)
	}
}

// The token fault: the next n token requests fail as armed, then the
// endpoint serves again; a failure rotates nothing, so the same refresh
// token works afterwards. temporarily_unavailable comes as 503 with
// Retry-After (RFC 6749 §5.2 lists the code for no token-endpoint error;
// §4.1.2.1 defines it for the authorization redirect).
func TestServeFaultToken_RFC6749_5_2(t *testing.T) {
	e := serveTestStart(t)
	_, rt := serveTestTokens(t, e)
	arm := func(form url.Values) (int, map[string]any) {
		status, _, body := serveTestPost(t, e, serve.FaultTokenPath, "", "", form)
		return status, body
	}
	if st, b := arm(url.Values{"error": {"invalid_grant"}, "n": {"2"}}); st != http.StatusOK {
		t.Fatalf("arm: %d %v", st, b)
	}
	for i := range 2 {
		st, b, why := serveTestRefresh(t, e, rt)
		if st != http.StatusBadRequest || b["error"] != sim.CodeInvalidGrant || !strings.Contains(why, "operator's fault") {
			t.Errorf("faulted refresh %d: %d %v %q", i+1, st, b, why)
		}
	}
	st, b, why := serveTestRefresh(t, e, rt)
	if st != http.StatusOK {
		t.Fatalf("the third refresh, after the fault: %d %v %s", st, b, why)
	}
	rt = b["refresh_token"].(string)

	for _, c := range []struct {
		mode, code, ctype string
		status            int
		retry             bool
	}{
		{"temporarily_unavailable", "temporarily_unavailable", "application/json", 503, true},
		{"503", "", "text/plain", 503, true},
		{"500", "", "text/plain", 500, false},
	} {
		if st, b := arm(url.Values{"error": {c.mode}}); st != http.StatusOK {
			t.Fatalf("arm %s: %d %v", c.mode, st, b)
		}
		st, hdr, b := serveTestPost(t, e, "/token", "", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cli"}})
		if st != c.status || (hdr.Get("Retry-After") != "") != c.retry || !strings.HasPrefix(hdr.Get("Content-Type"), c.ctype) || (c.code != "" && b["error"] != c.code) {
			t.Errorf("%s: %d Retry-After %q %s %v", c.mode, st, hdr.Get("Retry-After"), hdr.Get("Content-Type"), b)
		}
	}
	for _, bad := range []url.Values{
		{"error": {"invalid_grant"}, "n": {"0"}},
		{"error": {"invalid_grant"}, "n": {"101"}},
		{"error": {"access_denied"}},
		{"delay": {"21s"}},
		{"error": {"500"}, "delay": {"1s"}},
		{},
	} {
		if st, b := arm(bad); st != http.StatusBadRequest {
			t.Errorf("arm %v: %d %v, want 400", bad, st, b)
		}
	}
	// Nothing armed by the refusals: the token endpoint serves.
	if st, b, why := serveTestRefresh(t, e, rt); st != http.StatusOK {
		t.Errorf("after refused arms: %d %v %s", st, b, why)
	}
}

// A delay holds the token request for its duration of wall time, then
// serves it; and shutting the server down ends a long delay at once.
func TestServeFaultTokenDelay(t *testing.T) {
	e := serveTestStart(t)
	_, rt := serveTestTokens(t, e)
	if st, _, b := serveTestPost(t, e, serve.FaultTokenPath, "", "", url.Values{"delay": {"150ms"}}); st != http.StatusOK {
		t.Fatalf("arm: %d %v", st, b)
	}
	start := time.Now()
	st, b, why := serveTestRefresh(t, e, rt)
	if took := time.Since(start); st != http.StatusOK || took < 150*time.Millisecond || !strings.Contains(why, "delayed 0.15s by an operator") {
		t.Errorf("delayed refresh: %d in %s, %v %q", st, took, b, why)
	}

	// Shutdown: a 20 s delay must not hold it up.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// The origin is the listener's: the Host allow-list refuses any other.
	srv, err := serve.New(serve.Options{Origin: "http://" + l.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	hs := srv.HTTPServer(nil)
	// Told when the token request is in the server's hands: from then on
	// Shutdown waits for it, so only the delay's end can release it.
	arrived := make(chan struct{})
	hs.Handler = http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			close(arrived)
		}
		srv.ServeHTTP(rw, r)
	})
	served := make(chan error, 1)
	go func() { served <- hs.Serve(l) }()
	if err := srv.World().FailTokenRequests(1, "delay", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 1)
	go func() {
		resp, err := http.PostForm("http://"+l.Addr().String()+"/token", url.Values{"grant_type": {"client_credentials"}})
		if err != nil {
			answered <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the token request never arrived")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start = time.Now()
	if err := hs.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown with a delayed request in flight: %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown took %s", took)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
	if st := <-answered; st == 0 {
		t.Errorf("the delayed request got no answer")
	}
}

// The replay fault (protocol.md A.78, RFC 9700 §4.14.2): the attacker
// presents the user's newest refresh token first and gets the rotated
// pair; the app's next refresh presents the rotated token, reuse is
// detected and the family revoked. For a confidential client the attacker
// lacks the secret (RFC 6749 §10.4): refused, nothing rotates, the app
// carries on.
func TestServeFaultReplay_RFC9700_4_14_2(t *testing.T) {
	e := serveTestStart(t)
	_, rt := serveTestTokens(t, e)
	status, _, body := serveTestPost(t, e, serve.FaultReplayPath, "", "", url.Values{"user": {sim.DemoUser}})
	att, _ := body["attacker"].(map[string]any)
	if status != http.StatusOK || att["status"] != float64(200) || !strings.Contains(body["next"].(string), "detects the reuse") {
		t.Fatalf("replay: %d %v", status, body)
	}
	st, b, why := serveTestRefresh(t, e, rt)
	if st != http.StatusBadRequest || b["error"] != sim.CodeInvalidGrant || !strings.Contains(why, "reuse detected") {
		t.Errorf("the app's refresh after the replay: %d %v %q", st, b, why)
	}
	reuse, revoked, attacker := false, false, false
	for _, ev := range e.world.Log().Events() {
		reuse = reuse || ev.Kind == sim.KindReuse
		revoked = revoked || ev.Kind == sim.KindFamilyRevoked
		attacker = attacker || (ev.Kind == sim.KindExchange && ev.From == sim.ActorAttacker && ev.Path == "/token" && ev.Status == http.StatusOK)
	}
	if !reuse || !revoked || !attacker {
		t.Errorf("events: attacker refreshed %v, reuse detected %v, family revoked %v", attacker, reuse, revoked)
	}
	// No live refresh token left: the replay is refused.
	if status, _, body := serveTestPost(t, e, serve.FaultReplayPath, "", "", url.Values{"user": {sim.DemoUser}}); status != http.StatusBadRequest {
		t.Errorf("a replay with no live family: %d %v", status, body)
	}

	// A confidential client: the web client's tokens, with its secret.
	q := url.Values{"response_type": {"code"}, "client_id": {"web"}, "redirect_uri": {e.origin + serve.CallbackPath},
		"scope": {"openid profile orders:read offline_access"}, "state": {"s"}, "nonce": {"n"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}}
	loc, page := serveTestLogin(t, e, e.origin+"/authorize?"+q.Encode(), sim.DemoUser, sim.DemoPassword)
	if loc == nil {
		t.Fatalf("web login: %s", page)
	}
	status, _, body = serveTestPost(t, e, "/token", "web", sim.DemoWebSecret, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {e.origin + serve.CallbackPath}, "code_verifier": {"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}})
	webRT, _ := body["refresh_token"].(string)
	if status != http.StatusOK || webRT == "" {
		t.Fatalf("web token: %d %v", status, body)
	}
	status, _, body = serveTestPost(t, e, serve.FaultReplayPath, "", "", url.Values{"user": {sim.DemoUser}})
	att, _ = body["attacker"].(map[string]any)
	if status != http.StatusOK || att["status"] != float64(401) || att["error"] != sim.CodeInvalidClient || !strings.Contains(body["next"].(string), "nothing rotated") {
		t.Fatalf("replay of a confidential client's token: %d %v", status, body)
	}
	status, _, body = serveTestPost(t, e, "/token", "web", sim.DemoWebSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {webRT}})
	if status != http.StatusOK {
		t.Errorf("the web app's refresh after a refused replay: %d %v", status, body)
	}
}
