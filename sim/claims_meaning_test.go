package sim

import "testing"

// TestJWTKind: decode tells meanings by the token's kind.
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
