package render

import (
	"strings"
	"testing"
)

// TestClaimMeaningByKind: a claim's meaning is told in the sense of the JWT
// it sits in (issue 12, section 2, nits).
//   - OIDC Core defines no typ for ID tokens (§2 lists the claims, §3.1.3.7
//     the checks; neither names a typ), so the ID token's typ row must not
//     say the spec has one; RFC 9068 §4 is what keeps it out of APIs.
//   - nonce means the login nonce in an ID token (OIDC Core §3.1.2.1) and
//     the server's DPoP-Nonce in a proof (RFC 9449 §8, §9).
//   - The app checks an ID token's alg (OIDC Core §3.1.3.7 step 7); the
//     API's allowlist (RFC 8725 §3.1, RFC 9068 §4) is for access tokens.
//   - aud may be one string or an array (RFC 7519 §4.1.3).
func TestClaimMeaningByKind(t *testing.T) {
	for _, tc := range []struct {
		kind, name   string
		want, absent []string
	}{
		{"id", "typ", []string{"OIDC defines none for ID tokens", "RFC 9068 §4"}, []string{"an ID token says JWT"}},
		{"", "typ", []string{"OIDC defines none for ID tokens"}, []string{"an ID token says JWT"}},
		{"access", "typ", []string{"at+jwt", "RFC 9068 §2.1"}, nil},
		{"dpop", "typ", []string{"dpop+jwt", "RFC 9449 §4.2"}, []string{"ID token"}},
		{"id", "nonce", []string{"login nonce", "OIDC Core §3.1.2.1"}, []string{"DPoP"}},
		{"dpop", "nonce", []string{"DPoP-Nonce", "RFC 9449 §8"}, []string{"ID token", "login"}},
		{"", "nonce", []string{"ID token", "DPoP proof"}, nil},
		{"id", "alg", []string{"the app checks", "OIDC Core §3.1.3.7"}, []string{"API", "allowlist"}},
		{"access", "alg", []string{"API", "allowlist"}, nil},
		{"dpop", "alg", []string{"RFC 9449 §4.3"}, []string{"allowlist"}},
		{"access", "aud", []string{"array", "RFC 7519 §4.1.3"}, nil},
		{"access", "exp", []string{"expiry"}, nil}, // falls back to the shared meaning
	} {
		m := ClaimMeaningFor(tc.kind, tc.name)
		for _, w := range tc.want {
			if !strings.Contains(m, w) {
				t.Errorf("%s %s: %q lacks %q", tc.kind, tc.name, m, w)
			}
		}
		for _, a := range tc.absent {
			if strings.Contains(m, a) {
				t.Errorf("%s %s: %q says %q", tc.kind, tc.name, m, a)
			}
		}
	}
}
