package sim

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// claimMeanings explains registered JWT header parameters and claims in
// words, for the inspector and `tokensim decode`.
var claimMeanings = map[string]string{
	// header (RFC 7515 §4.1, RFC 9068 §2.1)
	"alg": "signing algorithm; a verifier accepts only the asymmetric ones it expects, never none (RFC 8725 §3.1)",
	"typ": "token type: at+jwt marks an access token (RFC 9068 §2.1), dpop+jwt a DPoP proof (RFC 9449 §4.2); OIDC defines none for ID tokens",
	"kid": "key id: which of the issuer's published keys signed it; only a lookup key, never a path or URL",
	"jku": "a URL of keys; a safe API ignores it and uses the issuer's jwks_uri (RFC 8725 §3.10)",
	"x5u": "a URL of certificates; ignored by a safe API (RFC 8725 §3.10)",
	"jwk": "an embedded key; never trusted for verifying a token (RFC 8725 §3.10); in a DPoP proof, the sender's public key, which the proof's signature and the token's cnf.jkt must both match (RFC 9449 §4.2)",
	// claims (RFC 7519 §4.1, RFC 9068 §2.2, OIDC Core §2)
	"iss":       "issuer: who minted the token; must equal the trusted issuer exactly",
	"sub":       "subject: the user (or the client, for client credentials)",
	"aud":       "audience: who the token is for, one name or an array of them (RFC 7519 §4.1.3); an API refuses a token not addressed to it",
	"exp":       "expiry: refused at or after this instant (plus a small leeway)",
	"nbf":       "not before: refused before this instant (minus leeway)",
	"iat":       "issued at",
	"jti":       "unique token id: what revocation lists and denylists refer to",
	"client_id": "the application the token was issued to",
	"scope":     "what the token allows, space-separated; the API checks it per endpoint",
	"auth_time": "when the user actually authenticated; refreshes do not change it",
	"cnf":       "confirmation: the key the token is bound to; jkt is its RFC 7638 thumbprint (DPoP, RFC 9449 §6.1)",
	"htm":       "DPoP proof: the HTTP method of the one request it was made for (RFC 9449 §4.2)",
	"htu":       "DPoP proof: the URL of that request, without query or fragment (RFC 9449 §4.2)",
	"ath":       "DPoP proof: hash of the access token it travels with, so it cannot ride along with another (RFC 9449 §4.2)",
	"nonce":     "in an ID token, the echo of the app's login nonce (OIDC Core §3.1.2.1); in a DPoP proof, the server's DPoP-Nonce (RFC 9449 §8)",
	"at_hash":   "half a hash of the access token issued alongside this ID token",
	"azp":       "authorized party: the client, when an ID token has several audiences",
	"name":      "the user's display name",
	"acr":       "authentication context class",
	"amr":       "authentication methods used",
}

// claimMeaningsByKind are the meanings that depend on what the JWT is: the
// same name means different things in an access token, an ID token and a
// DPoP proof. Kinds are TokenView's ("access", "id") and "dpop" for a proof.
var claimMeaningsByKind = map[string]map[string]string{
	"access": {
		// RFC 9068 §4: the resource server checks alg against what it
		// expects; this API's list is in validate.go.
		"alg": "signing algorithm; the API accepts only asymmetric ones from its allowlist (RFC 8725 §3.1, RFC 9068 §4)",
		"typ": "token type: at+jwt marks an access token (RFC 9068 §2.1); the API refuses any other typ",
	},
	"id": {
		// The app, not the API, verifies an ID token: OIDC Core §3.1.3.7
		// step 7 says alg SHOULD be RS256 or the client's registered
		// id_token_signed_response_alg. The API's allowlist never sees it.
		"alg": "signing algorithm; the app checks it is the one it expects for ID tokens, RS256 by default (OIDC Core §3.1.3.7)",
		// OIDC Core defines no typ for ID tokens; this AS writes JWT, the
		// JWS default (RFC 7519 §5.1). What keeps an ID token out of an
		// API is the API's demand for at+jwt (RFC 9068 §4).
		"typ":   "token type: OIDC defines none for ID tokens (this auth server writes JWT); an API refuses it because it is not at+jwt (RFC 9068 §4)",
		"nonce": "echo of the app's login nonce: ties an ID token to one login (OIDC Core §3.1.2.1)",
	},
	"dpop": {
		"alg":   "signing algorithm of the proof: asymmetric, never none (RFC 9449 §4.3)",
		"typ":   "token type: dpop+jwt marks a DPoP proof (RFC 9449 §4.2)",
		"nonce": "DPoP proof: the server's current DPoP-Nonce, so that a proof cannot be made ahead of time (RFC 9449 §8, §9)",
	},
}

// ClaimMeaning explains a JWT header parameter or claim in words that hold
// for any JWT, or returns "".
func ClaimMeaning(name string) string { return claimMeanings[name] }

// ClaimMeaningFor explains name in a JWT of the given kind ("access", "id",
// or "dpop" for a DPoP proof), falling back to ClaimMeaning when the kind
// does not change the meaning or is unknown.
func ClaimMeaningFor(kind, name string) string {
	if m, ok := claimMeaningsByKind[kind][name]; ok {
		return m
	}
	return claimMeanings[name]
}

// JWTKind guesses a decoded JWT's kind from its header and claims for
// ClaimMeaningFor: "access" for typ at+jwt, "dpop" for dpop+jwt, "id" for a
// JWT carrying OIDC's at_hash, nonce or auth_time without a scope, else "".
func JWTKind(d Decoded) string {
	typ, _ := d.Header["typ"].(string)
	switch {
	case strings.EqualFold(typ, "at+jwt") || strings.EqualFold(typ, "application/at+jwt"):
		return "access"
	case isDPoPTyp(typ):
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

// timeClaims are the NumericDate claims shown as times.
var timeClaims = map[string]bool{"exp": true, "nbf": true, "iat": true, "auth_time": true}

// Decoded is a JWT split into its parts, unverified.
type Decoded struct {
	Header    map[string]any
	Claims    map[string]any
	Signature string // base64url, as sent
}

// ErrNotJWT is wrapped by every Decode error.
var ErrNotJWT = errors.New("not a JWT")

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
	h, c := decodeJWT(raw)
	if h == nil {
		return Decoded{}, fmt.Errorf("%w: the header (part 1) %s", ErrNotJWT, whyNotObject(parts[0]))
	}
	if c == nil {
		return Decoded{}, fmt.Errorf("%w: the payload (part 2) %s", ErrNotJWT, whyNotObject(parts[1]))
	}
	return Decoded{Header: h, Claims: c, Signature: parts[2]}, nil
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

// maxTime is the last NumericDate a person can read (9999-12-31).
const maxTime = 253402300799

// ClaimValue renders a decoded value for people: NumericDate claims as UTC
// times, lists joined, numbers without exponents.
func ClaimValue(name string, v any) string {
	switch x := v.(type) {
	case float64:
		if timeClaims[name] {
			if x < 0 || x > maxTime {
				return fmt.Sprintf("%v (not a plausible time)", x)
			}
			return fmt.Sprintf("%.0f (%s)", x, time.Unix(int64(x), 0).UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf("%v", x)
	case []any:
		var s []string
		for _, e := range x {
			s = append(s, fmt.Sprint(e))
		}
		return strings.Join(s, ", ")
	case map[string]any:
		var s []string
		for _, k := range SortedKeys(x) {
			s = append(s, k+"="+fmt.Sprint(x[k]))
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	return fmt.Sprint(v)
}
