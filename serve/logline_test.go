package serve_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/serve"
)

// The live log says what happened, as a line a person reads and as the
// JSON lines of `run --format json` (scenario "serve", step 0): an API call
// without a token is one exchange, 401, with its challenge's reason.
func TestServeLogLine(t *testing.T) {
	start := time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
	w, srv := serveTestWorld(t, serve.Options{Now: func() time.Time { return start }})
	n := w.Log().Len()
	if rec := serveTestDo(srv, http.MethodGet, "http://127.0.0.1:8080/api/orders", serveTestLoopback, "", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("GET /api/orders without a token: %d", rec.Code)
	}
	evs := w.Log().Since(n)
	if len(evs) != 1 {
		t.Fatalf("%d events for one request", len(evs))
	}

	var text strings.Builder
	(&serve.LogLine{W: &text}).Print(evs)
	if got, want := text.String(), "15:00:00  app  → api  GET /api/orders 401  - the request carries no bearer token"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "\n") || strings.Count(got, "\n") != 1 {
		t.Fatalf("text line %q, want one line starting %q", got, want)
	}

	var js strings.Builder
	(&serve.LogLine{W: &js, JSON: true}).Print(evs)
	var e struct {
		Scenario, Kind, Method, Path string
		Step, Status                 int
	}
	if err := json.Unmarshal([]byte(js.String()), &e); err != nil || strings.Count(js.String(), "\n") != 1 {
		t.Fatalf("JSON line %q: %v", js.String(), err)
	}
	if e.Scenario != "serve" || e.Step != 0 || e.Kind != "exchange" || e.Method != "GET" || e.Path != "/api/orders" || e.Status != 401 {
		t.Fatalf("JSON line %s", js.String())
	}
}
