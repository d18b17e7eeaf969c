package jose

import "strings"

// The JWT typ values the world writes and checks.
const (
	// TypAccessToken is the JWT typ of an access token (RFC 9068 §2.1); resource
	// servers must refuse any other, which is what stops an ID token being used
	// as an access token (RFC 8725 §3.11).
	TypAccessToken = "at+jwt"
	// TypDPoP is the typ of a DPoP proof (RFC 9449 §4.2).
	TypDPoP = "dpop+jwt"
)

// TypIs reports whether the typ header typ names the media type want. typ
// is a media type (RFC 7515 §4.1.9): compared case-insensitively, with the
// "application/" prefix optional, so at+jwt and application/at+jwt are the
// same type. Every typ check goes through it.
func TypIs(typ, want string) bool {
	const prefix = "application/"
	if len(typ) > len(prefix) && strings.EqualFold(typ[:len(prefix)], prefix) {
		typ = typ[len(prefix):]
	}
	return strings.EqualFold(typ, want)
}
