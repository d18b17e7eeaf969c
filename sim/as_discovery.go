package sim

import (
	"net/http"
	"slices"

	"github.com/tokensim/tokensim/sim/jose"
)

// discovery is the metadata document of OIDC Discovery §3 and RFC 8414 §2.
type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
	RevocationEndpoint    string `json:"revocation_endpoint"`
	IntrospectionEndpoint string `json:"introspection_endpoint"`
	// OIDC Core §5.3, Discovery §3: where an RP reads the claims the
	// granted scopes allow (as_userinfo.go).
	UserinfoEndpoint string `json:"userinfo_endpoint"`
	// RP-Initiated Logout 1.0 §2.1: where an RP sends the browser to log
	// the user out of the AS.
	EndSessionEndpoint     string   `json:"end_session_endpoint"`
	ResponseTypesSupported []string `json:"response_types_supported"`
	// Discovery §3, RFC 8414 §2: omitted means ["query","fragment"], and
	// this AS answers in the query only, so the list is explicit.
	ResponseModesSupported []string `json:"response_modes_supported"`
	// Discovery §3: request_uri_parameter_supported defaults to true when
	// omitted, so both are sent as false (no omitempty): this AS takes no
	// request objects (OIDC Core §6; as_authorize.go refuses them).
	RequestParameterSupported        bool     `json:"request_parameter_supported"`
	RequestURIParameterSupported     bool     `json:"request_uri_parameter_supported"`
	SubjectTypesSupported            []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                  []string `json:"scopes_supported"`
	ClaimsSupported                  []string `json:"claims_supported"`
	GrantTypesSupported              []string `json:"grant_types_supported"`
	TokenEndpointAuthMethods         []string `json:"token_endpoint_auth_methods_supported"`
	// RFC 8414 §2: omitted means client_secret_basic only. /revoke takes
	// what /token takes (authenticateClient, RFC 7009 §2.1); /introspect
	// refuses public callers (tokenCall with confidential set, RFC 7662
	// §2.1), so "none" is not among its methods.
	RevocationEndpointAuthMethods    []string `json:"revocation_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethods []string `json:"introspection_endpoint_auth_methods_supported"`
	CodeChallengeMethodsSupported    []string `json:"code_challenge_methods_supported"`
	// RFC 9449 §5.1: present only when the AS supports DPoP (policy dpop).
	DPoPSigningAlgValuesSupported []string `json:"dpop_signing_alg_values_supported,omitempty"`
	// RFC 9207 §2.3, §3: an AS that puts iss in its authorization
	// responses MUST say so here; omitted means false.
	AuthorizationResponseISSSupported bool `json:"authorization_response_iss_parameter_supported"`
}

// serveDiscovery serves the same document at both well-known paths
// (checklist item 40). issuer has no trailing slash and equals, byte for
// byte, the URL clients are given (OIDC Discovery §4.3, RFC 8414 §3.3).
func (as *AuthServer) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	if !getOnly(w, r) {
		return
	}
	iss := as.issuer
	var dpopAlgsAdvertised []string
	if as.env.policy().DPoP {
		// RFC 9449 §5.1: advertising the algorithms tells clients the AS
		// binds tokens to DPoP keys; with dpop off it does not, and a
		// client that sent proofs would get bearer tokens it took for bound.
		dpopAlgsAdvertised = slices.Clone(dpopAlgs)
	}
	writeJSON(w, http.StatusOK, discovery{
		Issuer:                            iss,
		AuthorizationEndpoint:             iss + "/authorize",
		TokenEndpoint:                     iss + "/token",
		JWKSURI:                           iss + "/jwks.json",
		RevocationEndpoint:                iss + "/revoke",
		IntrospectionEndpoint:             iss + "/introspect",
		UserinfoEndpoint:                  iss + userinfoPath,
		EndSessionEndpoint:                iss + "/end_session",
		ResponseTypesSupported:            []string{"code"},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  []string{string(jose.RS256), string(jose.ES256), string(jose.EdDSA)}, // must include RS256
		ScopesSupported:                   scopesSupported(),
		ClaimsSupported:                   claimsSupported(),
		GrantTypesSupported:               []string{"authorization_code", "refresh_token", grantClientCredentials},
		TokenEndpointAuthMethods:          []string{"client_secret_basic", "client_secret_post", "none"},
		RevocationEndpointAuthMethods:     []string{"client_secret_basic", "client_secret_post", "none"},
		IntrospectionEndpointAuthMethods:  []string{"client_secret_basic", "client_secret_post"},
		ResponseModesSupported:            []string{responseModeQuery},
		CodeChallengeMethodsSupported:     []string{"S256"},
		DPoPSigningAlgValuesSupported:     dpopAlgsAdvertised,
		AuthorizationResponseISSSupported: true,
	})
}

// claimsSupported lists every claim the AS may put in an ID token (OIDC
// Core §2, mintID) or a userinfo response (§5.1, as_userinfo.go): Discovery
// §3's claims_supported. A fresh slice each call.
func claimsSupported() []string {
	return append([]string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash"}, userinfoScopeClaims()...)
}

// serveJWKS publishes every public key the AS may sign with, the one in
// use first (RFC 7517). Publishing a key before signing with it, and keeping
// it while tokens it signed live, is how key rotation avoids stranding
// tokens (OIDC Core §10.1.1, checklist item 43): switching the alg knob
// needs no re-fetch by the API. Only public members are written: JWK has
// no field for d, p, q and the rest.
func (as *AuthServer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	if !getOnly(w, r) {
		return
	}
	cur := as.env.policy().Alg
	keys := make([]jose.JWK, 0, len(jose.Algs()))
	for _, alg := range append([]jose.Alg{cur}, jose.Algs()...) {
		k, err := as.env.key(alg)
		if err != nil || (alg == cur && len(keys) > 0) || (alg != cur && slices.ContainsFunc(keys, func(j jose.JWK) bool { return j.KID == k.KID })) {
			continue
		}
		keys = append(keys, k.JWK())
	}
	keys = append(keys, as.env.oldJWKs()...) // rotated out, not yet retired (as_keys.go)
	w.Header().Set("Cache-Control", "max-age=300")
	writeJSON(w, http.StatusOK, struct {
		Keys []jose.JWK `json:"keys"`
	}{keys})
}

func getOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	noteOf(r).reason = r.Method + " is not allowed here"
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}
