package sim

import (
	"strings"
	"testing"
)

// TestAddClientRefuses: each registration mistake is refused with what is
// wrong, before a server starts.
func TestAddClientRefuses(t *testing.T) {
	for _, c := range []struct {
		id, secret string
		uris       []string
		why        string
	}{
		{"", "", []string{"http://127.0.0.1:3000/cb"}, "1 to 255 characters"},
		{"my app", "", []string{"http://127.0.0.1:3000/cb"}, "without spaces"},
		{"a,b", "", []string{"http://127.0.0.1:3000/cb"}, "commas"},
		{"web", "longenough", []string{"http://127.0.0.1:3000/cb"}, `"web" is taken`},
		{"service", "", []string{"http://127.0.0.1:3000/cb"}, "is taken"},
		{"api", "", []string{"http://127.0.0.1:3000/cb"}, "is taken"},
		{"cli", "", []string{"http://127.0.0.1:3000/cb"}, "is taken"}, // LoopbackClient
		{"mine", "short", []string{"http://127.0.0.1:3000/cb"}, "at least 8"},
		{"mine", "", nil, "at least one redirect URI"},
		{"mine", "", []string{"http://127.0.0.1:3000/cb#x"}, "no fragment (RFC 6749 section 3.1.2)"},
		{"mine", "", []string{"http://localhost:3000/cb"}, "RFC 8252 section 8.3"},
		{"mine", "", []string{"/cb"}, "absolute http or https"},
		{"mine", "", []string{"myapp://cb"}, "absolute http or https"},
		{"mine", "", []string{"http://u:p@127.0.0.1:3000/cb"}, "user information"},
		{"mine", "", []string{"http://127.0.0.1:99999/cb"}, "not 1 to 65535"},
		{"mine", "", []string{"http://127.0.0.1:0/cb"}, "not 1 to 65535"},
		{"mine", "", []string{"https://127.0.0.1:*/cb"}, "loopback redirect URIs only"},
		{"mine", "", []string{"http://app.example:*/cb"}, "loopback redirect URIs only"},
		{"mine", "", []string{"http://127.0.0.1:3000/cb", "http://127.0.0.1:3000/cb"}, "given twice"},
	} {
		h := &Hosting{LoopbackClient: "cli"}
		err := h.AddClient(c.id, c.secret, c.uris...)
		if err == nil || !strings.Contains(err.Error(), c.why) {
			t.Errorf("AddClient(%q, %q, %q) = %v, want %q", c.id, c.secret, c.uris, err, c.why)
		}
	}
	h := &Hosting{LoopbackClient: "cli"}
	if err := h.AddClient("spa", "", "http://127.0.0.1:5173/"); err != nil {
		t.Errorf("spa is free in a hosted world (its lesson registration is dropped): %v", err)
	}
	if err := h.AddClient("spa", "", "http://127.0.0.1:5174/"); err == nil || !strings.Contains(err.Error(), "registered twice") {
		t.Errorf("a duplicate id: %v", err)
	}
}

// TestAnyPortRedirect: a loopback redirect URI registered with port *
// matches on every port, and nothing else: host, path and query stay exact
// (RFC 8252 §7.3; RFC 9700 §2.1). An exact registration stays exact.
func TestAnyPortRedirect(t *testing.T) {
	h := &Hosting{}
	if err := h.AddClient("mine", "s3cret-pass", "http://127.0.0.1:*/cb", "http://[::1]:*/cb?x=1", "http://127.0.0.1:3000/exact"); err != nil {
		t.Fatal(err)
	}
	clients := map[string]*clientReg{}
	registerHosted(clients, h.clients)
	c := clients["mine"]
	for uri, want := range map[string]bool{
		"http://127.0.0.1:49152/cb":      true,
		"http://127.0.0.1:1/cb":          true,
		"http://127.0.0.1/cb":            true, // port 80
		"http://[::1]:61000/cb?x=1":      true,
		"http://127.0.0.1:3000/exact":    true,
		"http://127.0.0.1:3001/exact":    false, // registered with its port: exact
		"http://[::1]:61000/cb":          false, // [::1] registered with ?x=1 only
		"http://127.0.0.1:49152/cb/":     false,
		"http://127.0.0.1:49152/cb?x=1":  false,
		"http://127.0.0.1:49152/CB":      false,
		"http://localhost:49152/cb":      false,
		"https://127.0.0.1:49152/cb":     false,
		"http://127.0.0.1:99999/cb":      false,
		"http://127.0.0.1:0/cb":          false,
		"http://127.0.0.1:0049152/cb":    false,
		"http://127.0.0.1:*/cb":          false, // the pattern itself is no URI
		"http://127.0.0.1:49152/cb#frag": false,
		"http://127.0.0.2:49152/cb":      false,
	} {
		if got := c.allowsRedirect(uri); got != want {
			t.Errorf("allowsRedirect(%q) = %v, want %v", uri, got, want)
		}
	}
	if c.public || !c.checkSecret("s3cret-pass") || c.checkSecret("s3cret-pas") {
		t.Error("a client with a secret is confidential and checks it")
	}
}
