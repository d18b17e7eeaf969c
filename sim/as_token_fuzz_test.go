package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/sim/jose"
)

// FuzzTokenEndpoint posts arbitrary bodies, Content-Type and Authorization
// values to the AS's /token, /revoke and /introspect, through the wire or
// straight into the handler, and checks what every answer must satisfy:
// no panic; a status among 200, 400, 401, 405 and 413; every error a JSON
// object with a non-empty "error" member (RFC 6749 §5.2); Cache-Control:
// no-store on every token-endpoint response (§5.1); a Basic challenge on a
// 401 to a client that tried Basic (§5.2).
//
// sel picks the request's shape:
//
//	bits 0-1  endpoint: /token, /revoke, /introspect, /token
//	bit  2    straight into AuthServer.ServeHTTP instead of over the wire
//	bits 3-5  method: 6 PUT, 7 GET, anything else POST
//	bit  6    no Content-Type header at all (rather than an empty one)
//	bit  7    split authorization on "\n" into several header lines
//
// Placeholders in the body let the fuzzer reach the success paths, whose
// values it could never guess: {CODE} (an authorization code for client
// spa, PKCE verifier {VERIFIER}), {WCODE} (one for client web), {RT} and
// {AT} (the spa app's refresh and access tokens after a login), {HUGE}
// (MaxBodyBytes of filler, which pushes any body over the limit) and {BIG}
// (64 KiB of filler).
func FuzzTokenEndpoint(f *testing.F) {
	f.Add(byte(0), "application/x-www-form-urlencoded", "",
		[]byte("grant_type=authorization_code&code={CODE}&redirect_uri=https%3A%2F%2Fapp.tokensim.test%2Fcallback&code_verifier={VERIFIER}&client_id=spa"))
	f.Fuzz(func(t *testing.T, sel byte, contentType, authorization string, body []byte) {
		fzTokenEndpoint(t, sel, contentType, authorization, body)
	})
}

// fzTokenEndpoint makes the request sel describes in a fresh world, checks
// the invariants FuzzTokenEndpoint documents and returns the status and
// body.
func fzTokenEndpoint(t *testing.T, sel byte, contentType, authorization string, body []byte) (int, []byte) {
	t.Helper()
	w, err := New(Config{Seed: 1, Policy: fzFastPolicy()})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	body = fzExpand(t, w, body)
	path := [...]string{"/token", "/revoke", "/introspect", "/token"}[sel&3]
	direct := sel&4 != 0
	method := http.MethodPost
	switch (sel >> 3) & 7 {
	case 6:
		method = http.MethodPut
	case 7:
		method = http.MethodGet
	}
	hdr := http.Header{}
	if sel&64 == 0 {
		hdr["Content-Type"] = []string{contentType}
	}
	if authorization != "" {
		if sel&128 != 0 {
			hdr["Authorization"] = strings.Split(authorization, "\n")
		} else {
			hdr["Authorization"] = []string{authorization}
		}
	}

	var status int
	var respHdr http.Header
	var respBody []byte
	if direct {
		req := httptest.NewRequest(method, Issuer+path, bytes.NewReader(body))
		req.Header = hdr
		rec := httptest.NewRecorder()
		w.AuthServer().ServeHTTP(rec, req)
		status, respHdr, respBody = rec.Code, rec.Header(), rec.Body.Bytes()
	} else {
		req, err := http.NewRequest(method, Issuer+path, bytes.NewReader(body))
		if err != nil {
			t.Fatalf("NewRequest: %v", err)
		}
		req.Header = hdr
		resp, err := w.wire.Client(ActorApp).Do(req)
		if err != nil {
			t.Fatalf("wire: %v", err)
		}
		respBody, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		status, respHdr = resp.StatusCode, resp.Header
	}

	switch status {
	case 200, 400, 401, 405, 413:
	default:
		t.Fatalf("%s %s: status %d, want 200, 400, 401, 405 or 413; body %q", method, path, status, fzShort(respBody))
	}
	if path == "/token" && respHdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("%s /token: status %d without Cache-Control: no-store (headers %v)", method, status, respHdr)
	}
	if status == http.StatusMethodNotAllowed && respHdr.Get("Allow") != http.MethodPost {
		t.Fatalf("%s %s: 405 with Allow %q, want POST", method, path, respHdr.Get("Allow"))
	}
	if method != http.MethodPost && status != http.StatusMethodNotAllowed {
		t.Fatalf("%s %s: status %d, want 405", method, path, status)
	}
	if status != http.StatusOK {
		var e map[string]any
		if err := json.Unmarshal(respBody, &e); err != nil {
			t.Fatalf("%s %s: status %d with a body that is not a JSON object (%v): %q", method, path, status, err, fzShort(respBody))
		}
		if code, _ := e["error"].(string); code == "" {
			t.Fatalf("%s %s: status %d without a non-empty error member: %q", method, path, status, fzShort(respBody))
		}
	}
	if status == http.StatusUnauthorized && fzTriedBasic(hdr) && !strings.HasPrefix(respHdr.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("%s %s: 401 to a client that tried Basic, without a Basic challenge (headers %v)", method, path, respHdr)
	}
	if status == http.StatusOK && path == "/token" {
		var tr tokenResponse
		if err := json.Unmarshal(respBody, &tr); err != nil || tr.AccessToken == "" || tr.TokenType != "Bearer" || tr.ExpiresIn <= 0 {
			t.Fatalf("/token 200 is not a token response (%v): %q", err, fzShort(respBody))
		}
	}
	if status == http.StatusOK && path == "/introspect" {
		var in map[string]any
		if err := json.Unmarshal(respBody, &in); err != nil {
			t.Fatalf("/introspect 200 is not JSON (%v): %q", err, fzShort(respBody))
		}
		if _, ok := in["active"].(bool); !ok {
			t.Fatalf("/introspect 200 without a boolean active member: %q", fzShort(respBody))
		}
	}
	return status, respBody
}

// fzFastPolicy is the default policy signing with EdDSA, so that the
// fuzzer's logins cost microseconds, not milliseconds.
func fzFastPolicy() *Policy {
	p := DefaultPolicy()
	p.Alg = jose.EdDSA
	return &p
}

// fzExpand replaces the placeholders documented on FuzzTokenEndpoint. Each
// one is looked up only when present, so plain inputs cost no login.
func fzExpand(t *testing.T, w *World, body []byte) []byte {
	if !bytes.Contains(body, []byte("{")) {
		return body
	}
	repl := func(ph string, v func() string) {
		if bytes.Contains(body, []byte(ph)) {
			body = bytes.ReplaceAll(body, []byte(ph), []byte(v()))
		}
	}
	repl("{VERIFIER}", func() string { return testVerifier })
	repl("{CODE}", func() string { return authCode(t, w, ClientSPA, nil) })
	repl("{WCODE}", func() string { return authCode(t, w, ClientWeb, nil) })
	var at, rt string
	tokens := func() {
		if at == "" {
			at, rt = login(t, w)
		}
	}
	repl("{RT}", func() string { tokens(); return rt })
	repl("{AT}", func() string { tokens(); return at })
	// Filler last, and at most once each, so that the body stays bounded.
	if i := bytes.Index(body, []byte("{HUGE}")); i >= 0 {
		body = append(body[:i:i], append(bytes.Repeat([]byte("a"), MaxBodyBytes), body[i+len("{HUGE}"):]...)...)
	}
	if i := bytes.Index(body, []byte("{BIG}")); i >= 0 {
		body = append(body[:i:i], append(bytes.Repeat([]byte("b"), 64<<10), body[i+len("{BIG}"):]...)...)
	}
	return body
}

// fzTriedBasic reports whether the request's (first) Authorization header
// uses the Basic scheme, which obliges the AS to answer a 401 with a Basic
// challenge (RFC 6749 §5.2).
func fzTriedBasic(h http.Header) bool {
	vs := h.Values("Authorization")
	if len(vs) == 0 {
		return false
	}
	scheme, _, _ := strings.Cut(vs[0], " ")
	return strings.EqualFold(scheme, "Basic")
}

func fzShort(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// fzSeedWant is what each committed seed must get: the seeds document the
// endpoint's behaviour on the shapes they name, and reaching 200 on the
// success-shaped ones proves the placeholders give the fuzzer the grant
// paths.
var fzSeedWant = map[string]struct {
	status int
	err    string
}{
	"bad-percent-encoding":     {400, CodeInvalidRequest},
	"basic-and-post-secret":    {400, CodeInvalidRequest},
	"basic-bad-percent":        {401, CodeInvalidClient},
	"basic-garbage-base64":     {401, CodeInvalidClient},
	"basic-no-colon":           {401, CodeInvalidClient},
	"basic-wrong-secret":       {401, CodeInvalidClient},
	"big-value":                {400, CodeInvalidGrant},
	"binary-body":              {400, CodeInvalidRequest},
	"code-exchange-spa":        {200, ""},
	"code-exchange-web-basic":  {200, ""},
	"code-wrong-verifier":      {400, CodeInvalidGrant},
	"empty-body":               {400, CodeInvalidRequest},
	"get-token":                {405, CodeInvalidRequest},
	"huge-body":                {413, CodeInvalidRequest},
	"introspect-as-api":        {200, ""}, // and active
	"introspect-public-client": {401, CodeInvalidClient},
	"json-body":                {400, CodeInvalidRequest},
	"malformed-content-type":   {400, CodeInvalidRequest},
	"no-content-type":          {400, CodeInvalidRequest},
	"put-revoke":               {405, CodeInvalidRequest},
	"refresh-access-token":     {400, CodeInvalidGrant},
	"refresh-spa-charset":      {200, ""},
	"repeated-client-id-empty": {200, ""}, // an empty value counts as omitted (§3.1), so client_id is not repeated
	"repeated-grant-type":      {400, CodeInvalidRequest},
	"revoke-missing-token":     {400, CodeInvalidRequest},
	"revoke-refresh":           {200, ""},
	"semicolon-separator":      {400, CodeInvalidRequest},
	"two-basic-headers":        {401, CodeInvalidClient},
	"unsupported-grant":        {400, CodeUnsupportedGrantType},
}

// TestTokenEndpointFuzzSeeds runs every seed of FuzzTokenEndpoint's corpus
// and checks its status and error code.
func TestTokenEndpointFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzTokenEndpoint")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("reading the seed corpus: %v", err)
	}
	if len(ents) < 10 {
		t.Fatalf("%d seeds in %s, want at least 10", len(ents), dir)
	}
	for _, ent := range ents {
		t.Run(ent.Name(), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, ent.Name()))
			if err != nil {
				t.Fatal(err)
			}
			sel, ct, auth, body := fzParseSeed(t, string(raw))
			status, resp := fzTokenEndpoint(t, sel, ct, auth, body)
			want, ok := fzSeedWant[ent.Name()]
			if !ok {
				t.Fatalf("seed %s has no expectation in fzSeedWant", ent.Name())
			}
			var e struct {
				Error  string `json:"error"`
				Active bool   `json:"active"`
			}
			_ = json.Unmarshal(resp, &e)
			if status != want.status || e.Error != want.err {
				t.Fatalf("status %d, error %q; want %d, %q (body %q)", status, e.Error, want.status, want.err, fzShort(resp))
			}
			if ent.Name() == "introspect-as-api" && !e.Active {
				t.Fatalf("the API's introspection of a live access token is not active: %q", fzShort(resp))
			}
		})
	}
}

// fzParseSeed reads a `go test fuzz v1` file of FuzzTokenEndpoint's four
// arguments.
func fzParseSeed(t *testing.T, raw string) (byte, string, string, []byte) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(raw, "\n"), "\n")
	if len(lines) != 5 || lines[0] != "go test fuzz v1" {
		t.Fatalf("not a four-argument fuzz v1 file: %q", raw)
	}
	arg := func(line, prefix string) string {
		lit, ok := strings.CutPrefix(line, prefix+"(")
		lit, ok2 := strings.CutSuffix(lit, ")")
		if !ok || !ok2 {
			t.Fatalf("%q is not %s(...)", line, prefix)
		}
		s, err := strconv.Unquote(lit)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		return s
	}
	// A byte is a rune literal: 'a', '\x9f' or '\u009f'.
	lit, ok := strings.CutPrefix(lines[1], "byte('")
	lit, ok2 := strings.CutSuffix(lit, "')")
	if !ok || !ok2 {
		t.Fatalf("%q is not byte(...)", lines[1])
	}
	sel, _, rest, err := strconv.UnquoteChar(lit, '\'')
	if err != nil || rest != "" || sel > 0xff {
		t.Fatalf("%q is not one byte", lines[1])
	}
	return byte(sel), arg(lines[2], "string"), arg(lines[3], "string"), []byte(arg(lines[4], "[]byte"))
}
