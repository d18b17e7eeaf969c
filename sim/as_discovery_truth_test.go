package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Discovery that tells the truth (checklist items 106-108): each claim the
// metadata makes is checked against what the endpoints do, not against a
// copy of the list.

// TestDiscoveryResponseModesTruth_RFC8414_2_MultipleResponseTypes_2: every
// response mode listed is answered in that mode; every mode not listed is
// refused with invalid_request through the redirect (RFC 6749 §4.1.2.1),
// never silently answered in the query. The list is explicit, since an
// absent one means ["query","fragment"] (OIDC Discovery §3).
func TestDiscoveryResponseModesTruth_RFC8414_2_MultipleResponseTypes_2(t *testing.T) {
	w := newTestWorld(t)
	_, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration")
	raw, ok := doc["response_modes_supported"]
	if !ok {
		t.Fatal("response_modes_supported is absent: clients would assume query and fragment")
	}
	listed := asStrs(t, raw)
	for _, mode := range []string{"query", "fragment", "form_post", "query.jwt", "web_message"} {
		q := asWithLogin(asAuthzQuery(ClientSPA))
		q.Set("response_mode", mode)
		r := asAuthzPost(t, w, q)
		loc, err := url.Parse(r.header.Get("Location"))
		if r.status != http.StatusFound || err != nil {
			t.Fatalf("response_mode=%s: %d %q", mode, r.status, r.header.Get("Location"))
		}
		p := loc.Query()
		switch {
		case slices.Contains(listed, mode) && mode == "query":
			if p.Get("code") == "" || loc.Fragment != "" {
				t.Errorf("response_mode=query is listed, but the answer was %s", loc)
			}
		case slices.Contains(listed, mode):
			t.Errorf("response_mode %s is listed, and this test knows no way to check it is answered so", mode)
		default:
			if p.Get("error") != CodeInvalidRequest || p.Get("code") != "" || p.Get("state") != "st-1" || p.Get("iss") != Issuer {
				t.Errorf("response_mode=%s is not listed, yet the answer was %s: want invalid_request with state and iss, no code", mode, loc)
			}
		}
	}
}

// TestDiscoveryRequestObjectsTruth_OIDCCore_6: request_parameter_supported
// and request_uri_parameter_supported are false (sent, since
// request_uri_parameter_supported defaults to true, Discovery §3), and the
// parameters are answered with request_not_supported and
// request_uri_not_supported (OIDC Core §6.1, §6.2, §3.1.2.6), redirected
// with state and iss once client and redirect URI are verified; with an
// unverified redirect URI the page stays with the user.
func TestDiscoveryRequestObjectsTruth_OIDCCore_6(t *testing.T) {
	w := newTestWorld(t)
	_, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration")
	for _, m := range []string{"request_parameter_supported", "request_uri_parameter_supported"} {
		if string(doc[m]) != "false" {
			t.Errorf("%s = %s, want false", m, doc[m])
		}
	}
	for param, code := range map[string]string{"request": "request_not_supported", "request_uri": "request_uri_not_supported"} {
		q := asAuthzQuery(ClientSPA)
		q.Set(param, "eyJhbGciOiJub25lIn0.e30.")
		p := asRedirectParams(t, asAuthzGet(t, w, q.Encode()))
		if p.Get("error") != code || p.Get("state") != "st-1" || p.Get("iss") != Issuer || !strings.Contains(p.Get("error_description"), "OIDC Core") {
			t.Errorf("%s: %v, want error=%s with state, iss and a description", param, p, code)
		}
		q.Set("redirect_uri", "https://evil.example/cb")
		if r := asAuthzGet(t, w, q.Encode()); r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
			t.Errorf("%s with an unregistered redirect_uri: %d %q, want the error page", param, r.status, r.header.Get("Location"))
		}
		// RFC 6749 §3.1: a parameter sent without a value is omitted.
		q = asAuthzQuery(ClientSPA)
		q.Set(param, "")
		if r := asAuthzGet(t, w, q.Encode()); r.status != http.StatusOK {
			t.Errorf("%s= (empty): %d, want the login page", param, r.status)
		}
	}
}

// TestDiscoveryEndpointAuthMethodsTruth_RFC8414_2: the methods listed for
// /revoke and /introspect are exactly those each accepts, tried one by
// one: client_secret_basic, client_secret_post, and none (a public client
// naming itself).
func TestDiscoveryEndpointAuthMethodsTruth_RFC8414_2(t *testing.T) {
	w := newTestWorld(t)
	_, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration")
	for _, ep := range []struct{ member, path string }{
		{"revocation_endpoint_auth_methods_supported", "/revoke"},
		{"introspection_endpoint_auth_methods_supported", "/introspect"},
	} {
		listed := asStrs(t, doc[ep.member])
		for _, method := range []string{"client_secret_basic", "client_secret_post", "none"} {
			f := url.Values{"token": {"not-a-token"}}
			hdr := http.Header{}
			switch method {
			case "client_secret_basic":
				hdr.Set("Authorization", "Basic "+dpopTestBasic(ClientWeb, webSecret))
			case "client_secret_post":
				f.Set("client_id", ClientWeb)
				f.Set("client_secret", webSecret)
			case "none":
				f.Set("client_id", ClientSPA)
			}
			r := postForm(t, w, ep.path, f, hdr)
			if accepted := r.status == http.StatusOK; accepted != slices.Contains(listed, method) {
				t.Errorf("%s with %s: status %d (%s), but %s = %v", ep.path, method, r.status, r.body, ep.member, listed)
			}
		}
	}
}

// TestDiscoveryClaimsTruth_OIDCDiscovery_3: claims_supported lists every
// claim an issued ID token and a userinfo response carry, with every scope
// that adds claims granted; and userinfo_endpoint is where userinfo
// answers (OIDC Core §5.3).
func TestDiscoveryClaimsTruth_OIDCDiscovery_3(t *testing.T) {
	w := newTestWorld(t)
	_, doc := asGetJSON(t, w, Issuer+"/.well-known/openid-configuration")
	listed := asStrs(t, doc["claims_supported"])
	tr := uiTokens(t, w, "openid profile email", nil)
	ep := asStr(t, doc["userinfo_endpoint"])
	if ep != Issuer+"/userinfo" {
		t.Errorf("userinfo_endpoint %q", ep)
	}
	r := send(t, w, ActorApp, http.MethodGet, ep, "", http.Header{"Authorization": {"Bearer " + tr.AccessToken}})
	var info map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &info); err != nil || r.status != http.StatusOK {
		t.Fatalf("userinfo at the advertised endpoint: %d %s", r.status, r.body)
	}
	issued := map[string]bool{}
	for k := range info {
		issued[k] = true
	}
	for k := range decodeClaims(t, tr.IDToken) {
		issued[k] = true
	}
	for _, k := range []string{"email", "email_verified", "name", "at_hash", "nonce", "auth_time"} {
		if !issued[k] {
			t.Errorf("the ID token and userinfo did not carry %s: the test lost its reach", k)
		}
	}
	for k := range issued {
		if !slices.Contains(listed, k) {
			t.Errorf("claim %s is issued but not in claims_supported %v", k, listed)
		}
	}
}
