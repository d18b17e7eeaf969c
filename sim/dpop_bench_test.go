package sim

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// The cost of DPoP: making a proof (the client, per request), checking one
// (the server, per request), and an API request with and without it.
//
//	go test ./sim -run '^$' -bench DPoP -benchmem

func BenchmarkDPoPProofCreate(b *testing.B) {
	k := dpopTestKey(b, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.proof("GET", dpopTestURI, "access-token-value", "", "jti-1", dpopTestNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDPoPProofVerify(b *testing.B) {
	k := dpopTestKey(b, 1)
	p, err := k.proof("GET", dpopTestURI, "access-token-value", "", "jti-1", dpopTestNow)
	if err != nil {
		b.Fatal(err)
	}
	req := dpopRequest{method: "GET", uri: dpopTestURI, accessToken: "access-token-value", now: dpopTestNow, leeway: 30 * time.Second}
	values := []string{p}
	b.ReportAllocs()
	for b.Loop() {
		if _, f := checkDPoP(values, req); f != nil {
			b.Fatal(f.reason)
		}
	}
}

// dpopBenchAPI serves one authorized GET /api/orders through the API's
// http.Handler (no wire, no event log), with a fresh proof per request when
// dpop is on: the request cost a resource server adds with DPoP, proof
// making included.
func dpopBenchAPI(b *testing.B, dpop bool) {
	w := newTestWorld(b)
	dpopTestSet(b, w, "dpop", "false")
	if dpop {
		dpopTestSet(b, w, "dpop", "true")
	}
	at, _ := login(b, w)
	h := w.App().dpop(false)
	api := w.API()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, dpopTestURI, nil)
		req.Host = HostAPI
		if dpop {
			i++
			p, err := h.key.proof("GET", dpopTestURI, at, "", "jti-"+strconv.Itoa(i), w.Clock().Now())
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "DPoP "+at)
			req.Header.Set("DPoP", p)
		} else {
			req.Header.Set("Authorization", "Bearer "+at)
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
	}
}

func BenchmarkDPoPAPIRequestBearer(b *testing.B) { dpopBenchAPI(b, false) }
func BenchmarkDPoPAPIRequestDPoP(b *testing.B)   { dpopBenchAPI(b, true) }
