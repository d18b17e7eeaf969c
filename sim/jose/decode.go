package jose

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Kind guesses a decoded JWT's kind from its header and claims, for
// the meanings a front end gives each claim (render.ClaimMeaningFor): "access" for typ at+jwt, "dpop" for dpop+jwt, "id" for a
// JWT carrying OIDC's at_hash, nonce or auth_time without a scope, else "".
func (d Decoded) Kind() string {
	typ, _ := d.Header["typ"].(string)
	switch {
	case TypIs(typ, TypAccessToken):
		return "access"
	case TypIs(typ, TypDPoP):
		return "dpop"
	}
	if _, scoped := d.Claims["scope"]; !scoped {
		for _, k := range []string{"at_hash", "nonce", "auth_time"} {
			if _, ok := d.Claims[k]; ok {
				return "id"
			}
		}
	}
	return ""
}

// ErrNotJWT is wrapped by every Decode error.
var ErrNotJWT = errors.New("not a JWT")

// Decoded is a JWT split into its parts, unverified.
type Decoded struct {
	Header    map[string]any
	Claims    map[string]any
	Signature string // base64url, as sent
}

// Decode splits a compact JWS and decodes header and claims without
// verifying anything. Use it to look, never to trust.
func Decode(raw string) (Decoded, error) {
	raw = strings.TrimSpace(raw)
	if scheme, rest, ok := strings.Cut(raw, " "); ok && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP")) {
		raw = strings.TrimSpace(rest)
	}
	parts := strings.Split(raw, ".")
	switch {
	case raw == "":
		return Decoded{}, fmt.Errorf("%w: the input is empty", ErrNotJWT)
	case len(parts) == 5:
		return Decoded{}, fmt.Errorf("%w: it has five parts, so it is an encrypted JWE; only signed JWTs (three parts) can be read without the key", ErrNotJWT)
	case len(parts) != 3:
		return Decoded{}, fmt.Errorf("%w: a JWT has three dot-separated parts, this has %d (an opaque token, such as a refresh token, cannot be decoded)", ErrNotJWT, len(parts))
	}
	h, c := Parts(raw)
	if h == nil {
		return Decoded{}, fmt.Errorf("%w: the header (part 1) %s", ErrNotJWT, whyNotObject(parts[0]))
	}
	if c == nil {
		return Decoded{}, fmt.Errorf("%w: the payload (part 2) %s", ErrNotJWT, whyNotObject(parts[1]))
	}
	return Decoded{Header: h, Claims: c, Signature: parts[2]}, nil
}

// SignatureBytes decodes the signature part. A JWS signature is
// BASE64URL without padding (RFC 7515 section 2 and 7.1); an error means
// the part is not that, so no key could verify it.
func (d Decoded) SignatureBytes() ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(d.Signature)
	if err != nil {
		return nil, fmt.Errorf("the signature (part 3) is not base64url: %w", err)
	}
	return b, nil
}

// whyNotObject says why a JWT segment does not decode to a JSON object.
func whyNotObject(seg string) string {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	switch {
	case err != nil:
		return "is not base64url"
	case !json.Valid(b):
		return "is base64url but not JSON"
	}
	return "is JSON but not an object"
}

// Parts decodes a compact JWS's header and claims without verifying
// anything, for display: a part that is not a base64url JSON object, or a
// value that is not three dot-separated parts, decodes to nil.
func Parts(v string) (map[string]any, map[string]any) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return nil, nil
	}
	dec := func(s string) map[string]any {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			return nil
		}
		var m map[string]any
		if json.Unmarshal(b, &m) != nil {
			return nil
		}
		return m
	}
	return dec(parts[0]), dec(parts[1])
}
