package serve_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim"
)

// serveTestPost posts form to origin+path over the socket, with Basic
// credentials when user is not "", and returns the status, the headers and
// the decoded JSON body.
func serveTestPost(t *testing.T, e *serveTestEnv, path, user, pass string, form url.Values) (int, http.Header, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.origin+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(url.QueryEscape(user), url.QueryEscape(pass))
	}
	resp, err := e.plain.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, resp.Header, m
}

// RFC 6749 §4.4.2, §4.4.3 over serve's real HTTP: the confidential service
// client gets an access token for itself (sub = its client_id, RFC 9068
// §2.2) and no refresh token; the token.issued event says why none; the
// API accepts the token; a public client is refused with invalid_client,
// since §4.4.2 requires client authentication, which a public client
// cannot perform (§5.2: "no client authentication included").
func TestServeClientCredentials_RFC6749_4_4(t *testing.T) {
	e := serveTestStart(t)
	status, _, body := serveTestPost(t, e, "/token", sim.ClientService, sim.DemoServiceSecret,
		url.Values{"grant_type": {"client_credentials"}, "scope": {"orders:read"}})
	if status != http.StatusOK {
		t.Fatalf("client_credentials: %d %v", status, body)
	}
	if _, ok := body["refresh_token"]; ok {
		t.Errorf("a refresh token came with a client credentials token (RFC 6749 section 4.4.3 says SHOULD NOT): %v", body)
	}
	if _, ok := body["id_token"]; ok {
		t.Errorf("an ID token came with a client credentials token, which has no user: %v", body)
	}
	at, _ := body["access_token"].(string)
	var claims jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(at, &claims); err != nil {
		t.Fatalf("access token: %v", err)
	}
	if claims["sub"] != sim.ClientService || claims["client_id"] != sim.ClientService {
		t.Errorf("sub %v, client_id %v: want both %s (RFC 9068 section 2.2)", claims["sub"], claims["client_id"], sim.ClientService)
	}
	var issued *sim.Event
	for _, ev := range e.world.Log().Events() {
		if ev.Kind == sim.KindIssued && strings.Contains(ev.Summary, "client "+sim.ClientService+" itself") {
			issued = &ev
		}
	}
	if issued == nil || !strings.Contains(issued.Reason, "asks again") || !strings.Contains(issued.Reason, "4.4.3") {
		t.Errorf("the token.issued event does not say why there is no refresh token (RFC 6749 section 4.4.3): %+v", issued)
	}
	req, _ := http.NewRequest(http.MethodGet, e.origin+"/api/orders", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	resp, err := e.plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the API refused the service's own token: %d", resp.StatusCode)
	}

	// A public client: no authentication, so invalid_client (§4.4.2, §5.2).
	status, hdr, body := serveTestPost(t, e, "/token", "", "",
		url.Values{"grant_type": {"client_credentials"}, "client_id": {"cli"}, "scope": {"orders:read"}})
	if status != http.StatusUnauthorized || body["error"] != sim.CodeInvalidClient {
		t.Errorf("public client: %d %v, want 401 invalid_client", status, body)
	}
	if hdr.Get("WWW-Authenticate") != "" {
		t.Errorf("a challenge without Basic credentials sent: %q", hdr.Get("WWW-Authenticate"))
	}
	// And a wrong secret: invalid_client with the Basic challenge (§5.2).
	status, hdr, _ = serveTestPost(t, e, "/token", sim.ClientService, "nope",
		url.Values{"grant_type": {"client_credentials"}})
	if status != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("wrong secret: %d %q, want 401 with a Basic challenge", status, hdr.Get("WWW-Authenticate"))
	}
}
