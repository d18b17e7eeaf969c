package sim

import (
	"net/http"
	"strings"
	"testing"
)

// TestTextSpellsHeadersAsSpecified checks that a printed exchange names
// DPoP's headers as RFC 9449 does, not as Go canonicalises them ("Dpop").
func TestTextSpellsHeadersAsSpecified(t *testing.T) {
	req := Request{Method: "GET", Host: "api.example", Target: "/me", Header: http.Header{}}
	req.Header.Set("DPoP", "eyJ…")
	resp := Response{Status: 401, Header: http.Header{}}
	resp.Header.Set("DPoP-Nonce", "n-1")
	resp.Header.Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
	got := req.Text() + resp.Text()
	for _, want := range []string{"\nDPoP: eyJ…\n", "\nDPoP-Nonce: n-1\n", "\nWWW-Authenticate: DPoP"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Dpop") || strings.Contains(got, "Www-") {
		t.Errorf("Go's canonical spelling leaked:\n%s", got)
	}
}
