package sim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// FuzzBearerHeader feeds arbitrary Authorization header values (several
// when the input holds newlines; none when it is empty) and query strings
// to the API, directly through its http.Handler. Whatever arrives, the API
// must not panic, must answer 200, 400, 401 or 403, and every refusal must
// carry one well-formed RFC 6750 §3 challenge: `Bearer realm="api"`, each
// attribute once, no '"' or '\' in a value, a bare challenge only on 401,
// and the error code matching the status (§3.1). A 200 means one of the
// tokens the request carries verifies under the AS's key (RFC 8725 §3.1).
func FuzzBearerHeader(f *testing.F) {
	w := forgeWorld(f, "hardened")
	at, _, _, _ := w.App().store.snapshot()
	for _, fg := range Forgeries() { // alg none, HS256 keyed with the public key, kid tricks, jku …
		if raw, _, _ := w.Attacker().forge(fg); raw != "" {
			f.Add("Bearer "+raw, "", false)
			f.Add("", "access_token="+raw, false)
		}
	}
	f.Add("Bearer "+at, "", false)
	f.Add("", "access_token="+at, false)
	f.Add("Bearer "+at, "", true)
	f.Add("bearer "+at+"==", "", false)
	f.Add("Basic YWxpY2U6d29uZGVybGFuZA==", "", false)
	f.Add("Bearer", "access_token=x&access_token=y", false)
	f.Add("Bearer a\nBearer b", "", false)
	f.Add("Bearer eyJhbGciOiJub25lIn0.e30.", "", false)
	api := w.API()
	f.Fuzz(func(t *testing.T, auth, query string, post bool) {
		method, path := http.MethodGet, "/api/profile"
		if post {
			method, path = http.MethodPost, "/api/orders"
		}
		req := &http.Request{
			Method: method,
			URL:    &url.URL{Scheme: "https", Host: HostAPI, Path: path, RawQuery: query},
			Host:   HostAPI,
			Header: http.Header{},
			Proto:  "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Body: http.NoBody,
		}
		if auth != "" {
			req.Header["Authorization"] = strings.Split(auth, "\n")
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		status := rec.Code
		if !slices.Contains([]int{200, 400, 401, 403}, status) {
			t.Fatalf("status %d for Authorization %q, query %q", status, auth, query)
		}
		if status == 200 {
			if rec.Header().Get("WWW-Authenticate") != "" {
				t.Fatalf("200 with a challenge")
			}
			// The token may come in the header or the query; whatever the
			// API picked, it must be one the AS signed.
			var carried []string
			for _, v := range req.Header["Authorization"] {
				carried = append(carried, strings.Fields(v)...)
			}
			if q, err := url.ParseQuery(query); err == nil {
				carried = append(carried, q["access_token"]...)
			}
			if !slices.ContainsFunc(carried, func(s string) bool { return signedByAS(t, w, s) }) {
				t.Fatalf("200 for Authorization %q, query %q: no token the AS signed", auth, query)
			}
			return
		}
		got := rec.Header().Values("WWW-Authenticate")
		if len(got) != 1 || !strings.HasPrefix(got[0], `Bearer realm="api"`) {
			t.Fatalf("%d with challenge %q", status, got)
		}
		_, params := apiChallenge(t, rec.Header())
		want := map[int]string{400: CodeInvalidRequest, 401: CodeInvalidToken, 403: CodeInsufficientScope}[status]
		switch e, ok := params["error"]; {
		case !ok && status == 401:
			if got[0] != `Bearer realm="api"` {
				t.Fatalf("bare 401 with extra attributes: %q", got[0])
			}
		case e != want:
			t.Fatalf("%d with error %q, want %q", status, e, want)
		}
	})
}
