package sim

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Shared test helpers. Files add their own helpers with their own prefix.

// newTestWorld makes a world with seed 1 and the default preset, after
// applying mods to the config.
func newTestWorld(t testing.TB, mods ...func(*Config)) *World {
	t.Helper()
	cfg := Config{Seed: 1}
	for _, m := range mods {
		m(&cfg)
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return w
}

// reply is a recorded response.
type reply struct {
	status int
	header http.Header
	body   string
}

// send makes one raw request from actor through the wire. hdr may be nil.
func send(t testing.TB, w *World, from Actor, method, rawURL, body string, hdr http.Header) reply {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(body))
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	for k, vs := range hdr {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := w.wire.Client(from).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

// postForm posts a form body to the AS path (e.g. "/token") from the app.
func postForm(t testing.TB, w *World, path string, form url.Values, hdr http.Header) reply {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, vs := range hdr {
		h[k] = vs
	}
	return send(t, w, ActorApp, http.MethodPost, Issuer+path, form.Encode(), h)
}

// testVerifier is RFC 7636 Appendix B's code verifier.
const testVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

// authCode drives /authorize as the browser (GET the page, POST the
// credentials) for client with PKCE (testVerifier) and returns the code.
// extra overrides or adds authorization-request parameters.
func authCode(t testing.TB, w *World, client string, extra url.Values) string {
	t.Helper()
	q := url.Values{
		"response_type": {"code"}, "client_id": {client}, "redirect_uri": {RedirectURI},
		"scope": {DefaultScope}, "state": {"st-1"}, "code_challenge": {s256Challenge(testVerifier)},
		"code_challenge_method": {"S256"}, "nonce": {"n-1"}, "username": {DemoUser}, "password": {DemoPassword},
	}
	for k, v := range extra {
		q[k] = v
	}
	r := send(t, w, ActorUser, http.MethodPost, Issuer+"/authorize", q.Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if r.status != http.StatusFound {
		t.Fatalf("authorize: status %d, body %q", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatalf("authorize: bad Location: %v", err)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("authorize: no code in %s", loc)
	}
	return code
}

// login logs the app in and returns its access and refresh tokens.
func login(t testing.TB, w *World) (access, refresh string) {
	t.Helper()
	if o := w.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatalf("login: %+v", o)
	}
	at, _, rt, _ := w.App().store.snapshot()
	return at, rt
}
