package sim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Authorization endpoint tests (RFC 6749 §4.1.1–4.1.2.1; RFC 7636;
// RFC 9207): checklist items 1, 3–9.

// asAuthzQuery is a valid authorization request for client, without user
// credentials.
func asAuthzQuery(client string) url.Values {
	return url.Values{
		"response_type": {"code"}, "client_id": {client}, "redirect_uri": {RedirectURI},
		"scope": {DefaultScope}, "state": {"st-1"}, "code_challenge": {s256Challenge(testVerifier)},
		"code_challenge_method": {"S256"}, "nonce": {"n-1"},
	}
}

// asAuthzGet sends the authorization request as a browser GET.
func asAuthzGet(t testing.TB, w *World, q string) reply {
	t.Helper()
	return send(t, w, ActorUser, http.MethodGet, Issuer+"/authorize?"+q, "", nil)
}

// asAuthzPost sends the sign-in form.
func asAuthzPost(t testing.TB, w *World, q url.Values) reply {
	t.Helper()
	return send(t, w, ActorUser, http.MethodPost, Issuer+"/authorize", q.Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
}

func asWithLogin(q url.Values) url.Values {
	q.Set("username", DemoUser)
	q.Set("password", DemoPassword)
	return q
}

// asRedirectParams asserts a 302 back to the registered redirect URI and
// returns its query.
func asRedirectParams(t testing.TB, r reply) url.Values {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("status %d, want 302 (body %q)", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatalf("bad Location %q: %v", r.header.Get("Location"), err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != RedirectURI {
		t.Fatalf("redirected to %s, want %s", got, RedirectURI)
	}
	return loc.Query()
}

// RFC 6749 §4.1.2.1, §3.1.2.3; RFC 9700 §2.1: an unknown client or an
// unregistered redirect_uri gets a 400 page, never a redirect.
func TestAuthorizeNoRedirectForBadClientOrRedirectURI_RFC6749_4_1_2_1(t *testing.T) {
	cases := []struct {
		name string
		mod  func(url.Values)
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "mallory") }},
		{"missing client_id", func(q url.Values) { q.Del("client_id") }},
		{"resource server is not a client", func(q url.Values) { q.Set("client_id", ClientAPI) }},
		{"client with no registered redirect URI", func(q url.Values) { q.Set("client_id", ClientFirstParty) }},
		{"unregistered redirect_uri", func(q url.Values) { q.Set("redirect_uri", "https://evil.test/callback") }},
		{"redirect_uri with a trailing slash", func(q url.Values) { q.Set("redirect_uri", RedirectURI+"/") }},
		{"redirect_uri with an extra query", func(q url.Values) { q.Set("redirect_uri", RedirectURI+"?next=/") }},
		{"redirect_uri differing in case", func(q url.Values) { q.Set("redirect_uri", strings.ToUpper(RedirectURI)) }},
		{"repeated client_id", func(q url.Values) { q.Add("client_id", ClientSPA) }},
		{"repeated redirect_uri", func(q url.Values) { q.Add("redirect_uri", RedirectURI) }},
		// Errors that would otherwise redirect still do not when the
		// redirect URI is bad.
		{"bad redirect_uri and bad response_type", func(q url.Values) {
			q.Set("redirect_uri", "https://evil.test/cb")
			q.Set("response_type", "token")
		}},
	}
	for _, tc := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				w := newTestWorld(t)
				q := asAuthzQuery(ClientSPA)
				tc.mod(q)
				var r reply
				if method == http.MethodGet {
					r = asAuthzGet(t, w, q.Encode())
				} else {
					r = asAuthzPost(t, w, asWithLogin(q))
				}
				if r.status != http.StatusBadRequest {
					t.Errorf("status %d, want 400", r.status)
				}
				if loc := r.header.Get("Location"); loc != "" {
					t.Errorf("Location %q: the AS must not redirect", loc)
				}
				if strings.Contains(r.body, "evil.test") && strings.Contains(r.body, "<a") {
					t.Errorf("the error page links to the unregistered URI: %s", r.body)
				}
				if e := asLastExchange(t, w, "/authorize"); e.Reason == "" {
					t.Error("no reason recorded for the error page")
				}
				if len(w.as.codes) != 0 {
					t.Error("a code was issued")
				}
			})
		}
	}
}

// RFC 6749 §4.1.2.1, RFC 7636 §4.3–4.4.1, RFC 9207 §2: errors go back to
// the client by redirect with the error code, the exact state and iss.
func TestAuthorizeErrorRedirects_RFC6749_4_1_2_1(t *testing.T) {
	cases := []struct {
		name  string
		mod   func(url.Values)
		login bool // the error shows only after the user signs in
		code  string
	}{
		{"response_type token", func(q url.Values) { q.Set("response_type", "token") }, false, CodeUnsupportedResponseType},
		{"response_type id_token", func(q url.Values) { q.Set("response_type", "code id_token") }, false, CodeUnsupportedResponseType},
		{"response_type missing", func(q url.Values) { q.Del("response_type") }, false, CodeInvalidRequest},
		{"PKCE required: no challenge (RFC 7636 4.4.1)", func(q url.Values) { q.Del("code_challenge"); q.Del("code_challenge_method") }, false, CodeInvalidRequest},
		{"missing method means plain (RFC 7636 4.3)", func(q url.Values) { q.Del("code_challenge_method") }, false, CodeInvalidRequest},
		{"plain method", func(q url.Values) { q.Set("code_challenge_method", "plain") }, false, CodeInvalidRequest},
		{"unknown method", func(q url.Values) { q.Set("code_challenge_method", "S512") }, false, CodeInvalidRequest},
		{"lowercase s256", func(q url.Values) { q.Set("code_challenge_method", "s256") }, false, CodeInvalidRequest},
		{"challenge of 42 characters (RFC 7636 4.2)", func(q url.Values) { q.Set("code_challenge", strings.Repeat("a", 42)) }, false, CodeInvalidRequest},
		{"challenge of 129 characters", func(q url.Values) { q.Set("code_challenge", strings.Repeat("a", 129)) }, false, CodeInvalidRequest},
		{"challenge with an illegal character", func(q url.Values) { q.Set("code_challenge", strings.Repeat("a", 42)+"=") }, false, CodeInvalidRequest},
		{"challenge with padding", func(q url.Values) { q.Set("code_challenge", s256Challenge(testVerifier)+"=") }, false, CodeInvalidRequest},
		{"repeated parameter (3.1)", func(q url.Values) { q.Add("scope", "openid") }, false, CodeInvalidRequest},
		{"unknown scope", func(q url.Values) { q.Set("scope", "openid admin") }, false, CodeInvalidScope},
		{"user denies consent", func(q url.Values) { q.Set("consent", "deny") }, true, CodeAccessDenied},
	}
	states := []string{"st-1", "a b+c/d?e=f&g%h~é", strings.Repeat("x", 200)}
	for _, tc := range cases {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			if tc.login && method == http.MethodGet {
				continue // signing in takes a POST
			}
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				for _, state := range states {
					w := newTestWorld(t)
					q := asAuthzQuery(ClientSPA)
					q.Set("state", state)
					tc.mod(q)
					var r reply
					if method == http.MethodGet {
						r = asAuthzGet(t, w, q.Encode())
					} else {
						r = asAuthzPost(t, w, asWithLogin(q))
					}
					p := asRedirectParams(t, r)
					if got := p.Get("error"); got != tc.code {
						t.Errorf("error = %q, want %q", got, tc.code)
					}
					if got := p.Get("state"); got != state || len(p["state"]) != 1 {
						t.Errorf("state = %q, want exactly %q", p["state"], state)
					}
					if p.Get("iss") != Issuer {
						t.Errorf("iss = %q, want %q (RFC 9207 section 2: error responses too)", p.Get("iss"), Issuer)
					}
					if p.Get("code") != "" || len(w.as.codes) != 0 {
						t.Error("an error response carries or issued a code")
					}
					if desc := p.Get("error_description"); strings.ContainsAny(desc, "\"\\") {
						t.Errorf("error_description %q has characters RFC 6749 section 4.1.2.1 forbids", desc)
					}
					if e := asLastExchange(t, w, "/authorize"); e.Error != tc.code || e.Reason == "" {
						t.Errorf("event error %q reason %q", e.Error, e.Reason)
					}
				}
			})
		}
	}
	// Without a state in the request, none in the error response.
	w := newTestWorld(t)
	q := asAuthzQuery(ClientSPA)
	q.Del("state")
	q.Set("response_type", "token")
	if p := asRedirectParams(t, asAuthzGet(t, w, q.Encode())); p.Has("state") {
		t.Errorf("state %q appeared from nowhere", p.Get("state"))
	}
}

// RFC 6749 §4.1.2, RFC 9207 §2: success redirects with the code, the exact
// state and iss; the code carries the request's bindings.
func TestAuthorizeSuccessRedirect_RFC6749_4_1_2(t *testing.T) {
	for _, state := range []string{"st-1", "a b+c/d?e=f&g%h~é", ""} {
		t.Run("state="+state, func(t *testing.T) {
			w := newTestWorld(t)
			q := asWithLogin(asAuthzQuery(ClientSPA))
			q.Set("state", state)
			r := asAuthzPost(t, w, q)
			p := asRedirectParams(t, r)
			if p.Get("code") == "" || len(p["code"]) != 1 {
				t.Fatalf("no single code in %v", p)
			}
			if state == "" && p.Has("state") {
				t.Errorf("state %q in the response, none in the request", p.Get("state"))
			}
			if state != "" && p.Get("state") != state {
				t.Errorf("state = %q, want exactly %q", p.Get("state"), state)
			}
			if p.Get("iss") != Issuer {
				t.Errorf("iss = %q, want %q", p.Get("iss"), Issuer)
			}
			if p.Has("error") {
				t.Errorf("success carries error %q", p.Get("error"))
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			// RFC 6749 §4.1.2, §10.5: the code is bound to what was asked.
			rec := w.as.codes[hashToken(p.Get("code"))]
			if rec == nil {
				t.Fatal("the AS does not know its own code")
			}
			if rec.clientID != ClientSPA || rec.redirectURI != RedirectURI || rec.challenge != s256Challenge(testVerifier) ||
				rec.method != "S256" || rec.scope != DefaultScope || rec.nonce != "n-1" || rec.sub != DemoUser ||
				!rec.authTime.Equal(w.Clock().Now()) || rec.exp.Sub(rec.authTime) != w.Policy().CodeTTL {
				t.Errorf("code record %+v does not carry the request's bindings", *rec)
			}
		})
	}
}

// RFC 6749 §3.1: GET shows the sign-in page, POST signs in; other methods
// are refused.
func TestAuthorizeMethods_RFC6749_3_1(t *testing.T) {
	w := newTestWorld(t)
	q := asAuthzQuery(ClientSPA)
	r := asAuthzGet(t, w, q.Encode())
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || r.header.Get("Location") != "" {
		t.Fatalf("GET: %d %q, want the 200 sign-in page", r.status, r.header.Get("Content-Type"))
	}
	// The page carries the request, so its POST is self-contained.
	for _, v := range []string{`name="code_challenge" value="` + s256Challenge(testVerifier) + `"`, `name="state" value="st-1"`, `name="nonce" value="n-1"`} {
		if !strings.Contains(r.body, v) {
			t.Errorf("sign-in page lacks %s", v)
		}
	}
	// GET never signs in: credentials in the query are refused with the
	// error page (they come in a POST body only).
	if r := asAuthzGet(t, w, asWithLogin(q).Encode()); r.status != http.StatusBadRequest || r.header.Get("Location") != "" || !strings.Contains(r.body, "never in the URL") {
		t.Errorf("GET with credentials: %d %q, want the 400 error page", r.status, r.body)
	}
	// A POST without credentials shows the page too.
	q = asAuthzQuery(ClientSPA)
	if r := asAuthzPost(t, w, q); r.status != http.StatusOK {
		t.Errorf("POST without credentials: %d, want 200", r.status)
	}
	// Parameters in the query and credentials in the body.
	r = send(t, w, ActorUser, http.MethodPost, Issuer+"/authorize?"+q.Encode(),
		url.Values{"username": {DemoUser}, "password": {DemoPassword}}.Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if p := asRedirectParams(t, r); p.Get("code") == "" {
		t.Errorf("query+body POST: no code in %v", p)
	}
	// The same parameter in the query and the body is repeated.
	r = send(t, w, ActorUser, http.MethodPost, Issuer+"/authorize?"+q.Encode(),
		asWithLogin(url.Values{"scope": {"openid"}}).Encode(),
		http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if p := asRedirectParams(t, r); p.Get("error") != CodeInvalidRequest {
		t.Errorf("scope in query and body: error %q, want invalid_request", p.Get("error"))
	}
	r = send(t, w, ActorUser, http.MethodPut, Issuer+"/authorize?"+q.Encode(), "", nil)
	if r.status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d, want 405", r.status)
	}
}

// A wrong password re-shows the page: 200, no redirect, no code.
func TestAuthorizeWrongPasswordReshowsPage(t *testing.T) {
	for _, creds := range [][2]string{{DemoUser, "nope"}, {"bob", DemoPassword}, {DemoUser, ""}} {
		t.Run(creds[0]+":"+creds[1], func(t *testing.T) {
			w := newTestWorld(t)
			q := asAuthzQuery(ClientSPA)
			q.Set("username", creds[0])
			q.Set("password", creds[1])
			r := asAuthzPost(t, w, q)
			if r.status != http.StatusOK || r.header.Get("Location") != "" {
				t.Fatalf("status %d Location %q, want 200 and no redirect", r.status, r.header.Get("Location"))
			}
			if !strings.Contains(r.body, "Wrong username or password") {
				t.Error("the page does not say the credentials were wrong")
			}
			if len(w.as.codes) != 0 {
				t.Error("a code was issued")
			}
			// Denying consent with wrong credentials is still just the page.
			q.Set("consent", "deny")
			if r := asAuthzPost(t, w, q); r.status != http.StatusOK || r.header.Get("Location") != "" {
				t.Errorf("deny with wrong credentials: %d %q", r.status, r.header.Get("Location"))
			}
		})
	}
}

// RFC 6749 §3.1.2.3: with one registered URI, redirect_uri may be omitted;
// RFC 6749 §3.3: an omitted scope gets the default.
func TestAuthorizeDefaults_RFC6749_3_1_2_3(t *testing.T) {
	w := newTestWorld(t)
	q := asWithLogin(asAuthzQuery(ClientSPA))
	q.Del("redirect_uri")
	q.Del("scope")
	p := asRedirectParams(t, asAuthzPost(t, w, q))
	rec := w.as.codes[hashToken(p.Get("code"))]
	if rec == nil || rec.redirectSent || rec.scope == "" {
		t.Fatalf("code record %+v", rec)
	}
}

// The confidential client may skip PKCE (RFC 7636 is required of public
// clients), but a challenge it sends is checked all the same.
func TestAuthorizeConfidentialClientPKCE_RFC7636_4_4_1(t *testing.T) {
	w := newTestWorld(t)
	q := asWithLogin(asAuthzQuery(ClientWeb))
	q.Del("code_challenge")
	q.Del("code_challenge_method")
	if p := asRedirectParams(t, asAuthzPost(t, w, q)); p.Get("code") == "" {
		t.Errorf("web without PKCE: %v", p)
	}
	q = asWithLogin(asAuthzQuery(ClientWeb))
	q.Set("code_challenge_method", "plain")
	if p := asRedirectParams(t, asAuthzPost(t, w, q)); p.Get("error") != CodeInvalidRequest {
		t.Errorf("web with plain PKCE: %v", p)
	}
}

// RFC 6749 §10.12 (checklist item 2): a callback whose state the app did
// not issue is a forged login; the app aborts before any token request.
func TestClientAbortsOnStateMismatch_RFC6749_10_12(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil) // a real, unredeemed code
	start := w.Log().Len()
	r := send(t, w, ActorUser, http.MethodGet, RedirectURI+"?"+url.Values{"code": {code}, "state": {"forged"}, "iss": {Issuer}}.Encode(), "", nil)
	if r.status != http.StatusBadRequest {
		t.Errorf("callback with a forged state: %d, want 400", r.status)
	}
	for _, e := range w.Log().Since(start) {
		if e.Kind == KindExchange && e.Path == "/token" {
			t.Fatal("the app sent a token request despite the state mismatch")
		}
	}
	if e := asLastExchange(t, w, "/callback"); e.Error != CodeStateMismatch {
		t.Errorf("callback event error %q, want %q", e.Error, CodeStateMismatch)
	}
	if rec := w.as.codes[hashToken(code)]; rec == nil || !rec.usedAt.IsZero() {
		t.Error("the code was redeemed")
	}
	// The same app completes a login whose state it issued.
	if o := w.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Errorf("a genuine login failed: %+v", o)
	}
}

// RFC 9700 §4.16: the sign-in page may not be framed by another site
// (clickjacking), neither when shown nor when shown again after a failed
// sign-in.
func TestAuthorizeLoginPageNotFramable_RFC9700_4_16(t *testing.T) {
	w := newTestWorld(t)
	q := asAuthzQuery(ClientSPA)
	shown := asAuthzGet(t, w, q.Encode())
	bad := asWithLogin(asAuthzQuery(ClientSPA))
	bad.Set("password", "wrong")
	failed := send(t, w, ActorUser, http.MethodPost, Issuer+"/authorize", bad.Encode(), http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
	if !strings.Contains(failed.body, `name="password"`) {
		t.Fatalf("a failed sign-in did not show the page again: %d %s", failed.status, failed.body)
	}
	for name, h := range map[string]http.Header{"the page": shown.header, "the page after a failed sign-in": failed.header} {
		if got := h.Get("X-Frame-Options"); got != "DENY" {
			t.Errorf("%s: X-Frame-Options %q, want DENY", name, got)
		}
		if got := h.Get("Content-Security-Policy"); got != "frame-ancestors 'none'" {
			t.Errorf("%s: Content-Security-Policy %q, want frame-ancestors 'none'", name, got)
		}
	}
}
