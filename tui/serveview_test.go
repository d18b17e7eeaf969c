package tui

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/testclock"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/serve"
	"github.com/tokensim/tokensim/sim"
)

const serveViewTestOrigin = "http://127.0.0.1:8080"

// serveViewTestWorld is a serve world with a stopped clock and its handler.
func serveViewTestWorld(t *testing.T) (*sim.World, *serve.Server) {
	t.Helper()
	clock := testclock.New(time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC))
	srv, err := serve.New(serve.Options{Origin: serveViewTestOrigin, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return srv.World(), srv
}

func serveViewTestPost(t *testing.T, srv http.Handler, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, serveViewTestOrigin+path, strings.NewReader(form.Encode()))
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// serveViewTestLogin logs alice in with cli and exchanges the code.
func serveViewTestLogin(t *testing.T, srv http.Handler) {
	t.Helper()
	verifier := strings.Repeat("k", 43)
	sum := sha256.Sum256([]byte(verifier))
	rec := serveViewTestPost(t, srv, "/authorize", url.Values{"response_type": {"code"}, "client_id": {"cli"},
		"redirect_uri": {"http://127.0.0.1:7/cb"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"}, "scope": {"openid offline_access"}, "username": {"alice"}, "password": {"wonderland"}})
	loc, err := url.Parse(rec.Header().Get("Location"))
	if rec.Code != http.StatusFound || err != nil {
		t.Fatalf("login: %d %v", rec.Code, err)
	}
	rec = serveViewTestPost(t, srv, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"http://127.0.0.1:7/cb"}, "client_id": {"cli"}, "code_verifier": {verifier}})
	var tr struct{ RefreshToken string }
	if err := json.Unmarshal(rec.Body.Bytes(), &tr); rec.Code != http.StatusOK || err != nil {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
}

// TestServeViewLive: served requests become steps of the player, each with
// the events its handler caused; the view follows the newest step unless
// the viewer stepped back; lesson-only keys are refused.
func TestServeViewLive(t *testing.T) {
	w, srv := serveViewTestWorld(t)
	sm, err := NewServe(w, serveViewTestOrigin, "")
	if err != nil {
		t.Fatal(err)
	}
	var m tea.Model = sm
	m, _ = m.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	screen := func() string { return ansi.Strip(m.View().Content) }
	if !strings.Contains(screen(), "waiting for requests at "+serveViewTestOrigin) {
		t.Fatalf("first frame:\n%s", screen())
	}
	// No lesson words: nothing to press to "take the first step", and the
	// footer offers only what the live view does.
	first := screen()
	foot := first[strings.LastIndex(first, "\n")+1:]
	if !strings.Contains(first, "Waiting for the first request") || strings.Contains(first, "take the first step") ||
		strings.Contains(foot, "what-if") || strings.Contains(foot, "esc") || !strings.Contains(foot, "q quit") {
		t.Fatalf("the empty live view reads like a lesson:\n%s", first)
	}

	serveViewTestLogin(t, srv)
	m, _ = m.Update(ServeEventsMsg{Events: w.Log().Events()})
	steps := m.(ServeModel).player.steps().tl.steps
	if len(steps) != 2 {
		t.Fatalf("%d steps, want 2 (authorize, token)", len(steps))
	}
	if steps[0].Step.Title != "User: POST /authorize" || steps[1].Step.Title != "App: POST /token" || steps[1].Outcome.Status != 200 {
		t.Fatalf("steps %q (%d), %q (%d)", steps[0].Step.Title, steps[0].Outcome.Status, steps[1].Step.Title, steps[1].Outcome.Status)
	}
	var issued int
	for _, e := range steps[1].Events {
		if e.Kind == sim.KindIssued {
			issued++
		}
	}
	if issued < 2 {
		t.Fatalf("the token step carries %d token.issued events, want its refresh, access and ID tokens", issued)
	}
	if cur := m.(ServeModel).player.steps().tl.cur; cur != 1 {
		t.Fatalf("the view is on step %d, want the newest (1)", cur)
	}
	frame := screen()
	for _, want := range []string{"POST /token", "Auth server", "step 2/2"} {
		if !strings.Contains(frame, want) {
			t.Errorf("frame lacks %q:\n%s", want, frame)
		}
	}

	// Looking back: new traffic does not pull the view forward.
	m, _ = m.Update(tuitest.Key("left"))
	n := w.Log().Len()
	serveViewTestPost(t, srv, serve.ClockPath, url.Values{"by": {"20m"}})
	m, _ = m.Update(ServeEventsMsg{Events: w.Log().Since(n)})
	p := m.(ServeModel).player.steps()
	if len(p.tl.steps) != 3 || p.tl.cur != 0 || p.tl.steps[2].Step.Title != string(sim.KindClock) {
		t.Fatalf("after a clock jump while looking back: %d steps, on %d", len(p.tl.steps), p.tl.cur)
	}
	m, _ = m.Update(tuitest.Key("end"))
	if p := m.(ServeModel).player.steps(); p.tl.cur != 2 {
		t.Fatalf("end: on step %d", p.tl.cur)
	}
	// The operator's other acts start steps of their own, drawn as a note
	// across the lanes: no request caused them, so they must not be
	// filed under the request before them.
	n = w.Log().Len()
	serveViewTestPost(t, srv, serve.KeysRotatePath, nil)
	serveViewTestPost(t, srv, serve.FaultExpirePath, nil)
	m, _ = m.Update(ServeEventsMsg{Events: w.Log().Since(n)})
	p = m.(ServeModel).player.steps()
	if len(p.tl.steps) != 5 || p.tl.steps[3].Step.Title != string(sim.KindKeys) || p.tl.steps[4].Step.Title != string(sim.KindFault) {
		t.Fatalf("after a key rotation and a fault: %d steps", len(p.tl.steps))
	}
	if f := screen(); !strings.Contains(f, "┊") || !strings.Contains(f, "fault: 0 access tokens expired") || !strings.Contains(f, "keys: new kid") {
		t.Fatalf("the fault is not drawn across the lanes:\n%s", f)
	}
	m, _ = m.Update(tuitest.Key("left"))
	m, _ = m.Update(tuitest.Key("left"))
	// The header counts time from the server's start, not from the lessons'
	// epoch, and a time on the server's first day needs no date.
	if f := screen(); !strings.Contains(f, "⏱ 15:20:00 (+20m)") {
		t.Fatalf("header after a 20m jump:\n%s", f)
	}

	for _, k := range []string{"w", "e", "esc"} {
		m, _ = m.Update(tuitest.Key(k))
		p := m.(ServeModel).player.steps()
		if p.menu() != nil || m.(ServeModel).screen != screenPlayer || !strings.Contains(p.status, "live view") {
			t.Fatalf("key %s: menu %v, screen %v, status %q", k, p.menu() != nil, m.(ServeModel).screen, p.status)
		}
	}
	if _, cmd := m.Update(tuitest.Key("q")); cmd == nil {
		t.Fatal("q does not quit")
	}
}

// TestServeViewGuide: the live view hides the banner, so its empty
// Narration tab shows the banner's essentials (the issuer and the guide:
// endpoints, clients, users, curl steps) until the first request.
func TestServeViewGuide(t *testing.T) {
	w, srv := serveViewTestWorld(t)
	guide := "Endpoints\n  POST  " + serveViewTestOrigin + "/token  tokens\n\nTry it with curl\n  2. curl -s -u web:web-secret " + serveViewTestOrigin + "/token -d grant_type=authorization_code\n"
	sm, err := NewServe(w, serveViewTestOrigin, guide)
	if err != nil {
		t.Fatal(err)
	}
	var m tea.Model = sm
	m, _ = m.Update(tea.WindowSizeMsg{Width: 160, Height: 60})
	first := ansi.Strip(m.View().Content)
	for _, want := range []string{"Issuer  " + serveViewTestOrigin, "POST  " + serveViewTestOrigin + "/token", "Try it with curl", "curl -s -u web:web-secret"} {
		if !strings.Contains(first, want) {
			t.Errorf("the empty live view lacks %q:\n%s", want, first)
		}
	}
	serveViewTestLogin(t, srv)
	m, _ = m.Update(ServeEventsMsg{Events: w.Log().Events()})
	if after := ansi.Strip(m.View().Content); strings.Contains(after, "Try it with curl") {
		t.Errorf("the guide stays after the first request:\n%s", after)
	}
}
