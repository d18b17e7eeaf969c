package render

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
