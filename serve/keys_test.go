package serve_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/sim/jose"
)

// serveTestKids is the kids the JWKS publishes now.
func serveTestKids(t *testing.T, e *serveTestEnv) []string {
	t.Helper()
	resp, err := e.plain.Get(e.origin + "/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Keys []jose.JWK `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range doc.Keys {
		kids = append(kids, k.KID)
	}
	return kids
}

// serveTestCall calls GET /api/orders with at and returns the status and
// the exchange's reason in the log.
func serveTestCall(t *testing.T, e *serveTestEnv, at string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.origin+"/api/orders", nil)
	req.Header.Set("Authorization", "Bearer "+at)
	resp, err := e.plain.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	evs := e.world.Log().Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == sim.KindExchange && evs[i].Path == "/api/orders" {
			return resp.StatusCode, evs[i].Reason
		}
	}
	return resp.StatusCode, ""
}

// serveTestRefresh refreshes rt as the public client cli and returns the
// status, the body and the exchange's reason.
func serveTestRefresh(t *testing.T, e *serveTestEnv, rt string) (int, map[string]any, string) {
	t.Helper()
	status, _, body := serveTestPost(t, e, "/token", "", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"cli"}})
	return status, body, serveTestLastReason(e, "/token")
}

func serveTestLastReason(e *serveTestEnv, path string) string {
	evs := e.world.Log().Events()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == sim.KindExchange && evs[i].Path == path {
			return evs[i].Reason
		}
	}
	return ""
}

func serveTestKid(t *testing.T, raw string) string {
	t.Helper()
	hdr, _ := jose.Parts(raw)
	kid, _ := hdr["kid"].(string)
	if kid == "" {
		t.Fatalf("no kid in %q", raw)
	}
	return kid
}

// RFC 7517 §4.5, OpenID Connect Core 1.0 §10.1.1, protocol.md G.112 over
// serve's HTTP: rotate publishes a new kid beside the old one and signs
// with it; the API verifies tokens under both; retire drops the old kid,
// and the API then refuses a token signed with it, naming the kid.
func TestServeKeyRotation_OIDC10_1_1(t *testing.T) {
	e := serveTestStart(t)
	at1, rt := serveTestTokens(t, e)
	old := serveTestKid(t, at1)
	if st, why := serveTestCall(t, e, at1); st != http.StatusOK {
		t.Fatalf("before rotation: %d %s", st, why)
	}

	status, _, body := serveTestPost(t, e, serve.KeysRotatePath, "", "", nil)
	kid, _ := body["kid"].(string)
	if status != http.StatusOK || body["previous"] != old || kid == "" || kid == old {
		t.Fatalf("rotate: %d %v", status, body)
	}
	if kids := serveTestKids(t, e); !slices.Contains(kids, kid) || !slices.Contains(kids, old) || kids[0] != kid {
		t.Fatalf("after rotate the JWKS lists %v: want %s first and %s beside it", kids, kid, old)
	}
	st, b, why := serveTestRefresh(t, e, rt)
	if st != http.StatusOK {
		t.Fatalf("refresh after rotate: %d %v %s", st, b, why)
	}
	at2 := b["access_token"].(string)
	if got := serveTestKid(t, at2); got != kid {
		t.Fatalf("a token issued after the rotation has kid %s, want %s", got, kid)
	}
	// The API meets the new kid at once (the AS told it to re-fetch), and
	// the old kid still verifies while it is published.
	for _, at := range []string{at2, at1} {
		if st, why := serveTestCall(t, e, at); st != http.StatusOK {
			t.Errorf("after rotate, kid %s: %d %s", serveTestKid(t, at), st, why)
		}
	}

	status, _, body = serveTestPost(t, e, serve.KeysRetirePath, "", "", nil)
	if status != http.StatusOK || body["stranded_access_tokens"] != float64(1) {
		t.Fatalf("retire: %d %v, want 1 stranded token (at1)", status, body)
	}
	if kids := serveTestKids(t, e); slices.Contains(kids, old) || !slices.Contains(kids, kid) {
		t.Fatalf("after retire the JWKS lists %v", kids)
	}
	if st, why := serveTestCall(t, e, at1); st != http.StatusUnauthorized || !strings.Contains(why, old) {
		t.Errorf("a token signed with the retired kid: %d %q, want 401 naming %s", st, why, old)
	}
	if st, why := serveTestCall(t, e, at2); st != http.StatusOK {
		t.Errorf("a token signed with the key in use after retire: %d %s", st, why)
	}
	var reasons []string
	for _, ev := range e.world.Log().Events() {
		if ev.Kind == sim.KindKeys {
			reasons = append(reasons, ev.Reason)
		}
	}
	if len(reasons) != 2 || !strings.Contains(reasons[0], "10.1.1") || !strings.Contains(reasons[1], old) || !strings.Contains(reasons[1], "1 unexpired access token was signed with them and now fails") {
		t.Errorf("key events: %q", reasons)
	}
	// Nothing left to retire: 409, and the JWKS keeps its keys.
	if status, _, _ := serveTestPost(t, e, serve.KeysRetirePath, "", "", nil); status != http.StatusConflict {
		t.Errorf("a second retire: %d, want 409", status)
	}
}

// A script rotating in a loop does not grow the JWKS without end: after ten
// rotations' keys are published beside the ones in use, a rotate is refused
// until a retire.
func TestServeKeyRotationBounded(t *testing.T) {
	e := serveTestStart(t)
	for i := range 10 {
		if status, _, b := serveTestPost(t, e, serve.KeysRotatePath, "", "", nil); status != http.StatusOK {
			t.Fatalf("rotation %d: %d %v", i+1, status, b)
		}
	}
	kids := len(serveTestKids(t, e))
	status, _, b := serveTestPost(t, e, serve.KeysRotatePath, "", "", nil)
	if desc, _ := b["error_description"].(string); status != http.StatusBadRequest || !strings.Contains(desc, "retire") {
		t.Errorf("an 11th rotation: %d %v, want 400 saying to retire first", status, b)
	}
	if n := len(serveTestKids(t, e)); n != kids {
		t.Errorf("the refused rotation changed the JWKS: %d kids, then %d", kids, n)
	}
	if status, _, _ := serveTestPost(t, e, serve.KeysRetirePath, "", "", nil); status != http.StatusOK {
		t.Fatalf("retire: %d", status)
	}
	if status, _, b := serveTestPost(t, e, serve.KeysRotatePath, "", "", nil); status != http.StatusOK {
		t.Errorf("a rotation after the retire: %d %v", status, b)
	}
}

// The operator endpoints answer loopback POSTs from no other site, like the
// clock: a remote caller, a cross-origin page, a cross-site fetch and a GET
// are refused, and nothing changes.
func TestServeOperatorEndpointsGuarded(t *testing.T) {
	w, srv := serveTestWorld(t, serve.Options{})
	paths := []string{serve.KeysRotatePath, serve.KeysRetirePath, serve.FaultExpirePath, serve.FaultRevokeUserPath, serve.FaultTokenPath, serve.FaultReplayPath}
	for _, p := range paths {
		for _, c := range []struct {
			name, method, remote string
			hdr                  map[string]string
			want                 int
		}{
			{"remote", http.MethodPost, "192.0.2.7:5000", nil, http.StatusForbidden},
			{"cross-origin", http.MethodPost, serveTestLoopback, map[string]string{"Origin": "http://127.0.0.1:9999"}, http.StatusForbidden},
			{"cross-site fetch", http.MethodPost, serveTestLoopback, map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
			{"GET", http.MethodGet, serveTestLoopback, nil, http.StatusMethodNotAllowed},
		} {
			r := httpTestRequest(c.method, "http://127.0.0.1:8080"+p+"?user=alice&error=500", c.remote, c.hdr)
			rec := httptestRecorder()
			srv.ServeHTTP(rec, r)
			if rec.Code != c.want {
				t.Errorf("%s %s: %d, want %d: %s", c.name, p, rec.Code, c.want, rec.Body)
			}
		}
	}
	for _, ev := range w.Log().Events() {
		if ev.Kind == sim.KindKeys || ev.Kind == sim.KindFault {
			t.Errorf("a refused request changed the world: %+v", ev)
		}
	}
	listed := map[string]bool{}
	for _, ep := range serve.Endpoints() {
		listed[ep.Path] = true
	}
	for _, p := range paths {
		if !listed[p] {
			t.Errorf("%s is not in serve.Endpoints", p)
		}
	}
}

func httpTestRequest(method, target, remote string, hdr map[string]string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	return r
}

func httptestRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// Rotations in parallel cannot overrun the cap: each checks again, under
// the lock, before it publishes (found by review: 12 parallel rotations
// after 9 made 18 in all).
func TestServeKeyRotationBoundedInParallel(t *testing.T) {
	e := serveTestStart(t)
	for i := range 9 {
		if status, _, b := serveTestPost(t, e, serve.KeysRotatePath, "", "", nil); status != http.StatusOK {
			t.Fatalf("rotation %d: %d %v", i+1, status, b)
		}
	}
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 6 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, e.origin+serve.KeysRotatePath, nil)
			resp, err := e.plain.Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if n := ok.Load(); n != 1 {
		t.Errorf("%d of 6 parallel rotations after 9 succeeded, want 1 (the cap is 10)", n)
	}
}
