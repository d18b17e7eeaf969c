package jose

import (
	"testing"
)

// TestDecodedKind: decode tells meanings by the token's kind.
func TestDecodedKind(t *testing.T) {
	for _, tc := range []struct {
		d    Decoded
		want string
	}{
		{Decoded{Header: map[string]any{"typ": "at+jwt"}}, "access"},
		{Decoded{Header: map[string]any{"typ": "application/AT+JWT"}}, "access"},
		{Decoded{Header: map[string]any{"typ": "dpop+jwt"}, Claims: map[string]any{"nonce": "n"}}, "dpop"},
		{Decoded{Header: map[string]any{"typ": "JWT"}, Claims: map[string]any{"nonce": "n", "at_hash": "h"}}, "id"},
		{Decoded{Header: map[string]any{"typ": "JWT"}, Claims: map[string]any{"scope": "a", "auth_time": 1.0}}, ""},
		{Decoded{Header: map[string]any{}}, ""},
	} {
		if got := tc.d.Kind(); got != tc.want {
			t.Errorf("Kind(%v %v) = %q, want %q", tc.d.Header, tc.d.Claims, got, tc.want)
		}
	}
}

// TestTypIs: typ is a media type (RFC 7515 §4.1.9): case-insensitive, with
// "application/" optional, and nothing else matches.
func TestTypIs(t *testing.T) {
	for _, tc := range []struct {
		typ, want string
		ok        bool
	}{
		{"at+jwt", TypAccessToken, true},
		{"AT+JWT", TypAccessToken, true},
		{"application/at+jwt", TypAccessToken, true},
		{"Application/At+Jwt", TypAccessToken, true},
		{"dpop+jwt", TypDPoP, true},
		{"application/dpop+jwt", TypDPoP, true},
		{"JWT", TypAccessToken, false},
		{"application/", TypAccessToken, false},
		{"text/at+jwt", TypAccessToken, false},
		{"at+jwt ", TypAccessToken, false},
		{"", TypDPoP, false},
		{"at+jwt", TypDPoP, false},
	} {
		if got := TypIs(tc.typ, tc.want); got != tc.ok {
			t.Errorf("TypIs(%q, %q) = %v, want %v", tc.typ, tc.want, got, tc.ok)
		}
	}
}
