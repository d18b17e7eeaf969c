package sim

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// acctOne returns the one event of kind after the first n, failing unless
// there is exactly one.
func acctOne(t *testing.T, w *World, n int, kind EventKind) Event {
	t.Helper()
	got := lifeEvents(w, n, kind)
	if len(got) != 1 {
		t.Fatalf("want one %s event, got %+v", kind, got)
	}
	return got[0]
}

// TestAccountDisabledRefreshInvalidGrant_RFC6749Sec5_2_OAuth21Sec4_3_1: an
// administrator disables the user. Nothing is revoked then; the next
// refresh is where the AS checks that the grant is still active (OAuth 2.1
// draft §4.3.1) and refuses with invalid_grant (RFC 6749 §5.2), naming the
// cause, revoking the family as it does. Meanwhile the access token keeps
// working at a stateless API until exp (RFC 9068 §4: validation is local),
// the user's AS session ends and a new sign-in is refused.
func TestAccountDisabledRefreshInvalidGrant_RFC6749Sec5_2_OAuth21Sec4_3_1(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)

	n := w.Log().Len()
	if err := w.DisableUser(DemoUser); err != nil {
		t.Fatal(err)
	}
	if e := acctOne(t, w, n, KindAccount); !strings.Contains(e.Reason, "disabled") {
		t.Fatalf("account event: %+v", e)
	}
	if e := acctOne(t, w, n, KindASSessionEnded); !strings.Contains(e.Reason, "disabled") {
		t.Fatalf("AS session event: %+v", e)
	}
	if got := lifeEvents(w, n, KindFamilyRevoked); len(got) != 0 {
		t.Fatalf("disabling revoked at once: %+v", got)
	}
	if s := w.Inspect().ASSession; s == nil || s.State != SessionEnded {
		t.Fatalf("AS session after disable: %+v", s)
	}

	// The access token still works at the stateless API, with no call to the AS.
	n = w.Log().Len()
	lifeOK(t, "call after disable", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
	if len(lifeExchanges(w, n, ActorAPI, "")) != 0 {
		t.Fatal("the stateless API contacted the AS")
	}

	// The refresh is the checkpoint.
	n = w.Log().Len()
	lifeFail(t, "refresh after disable", w.App().Refresh(), 400, CodeInvalidGrant, "disabled", "f-1")
	if e := acctOne(t, w, n, KindFamilyRevoked); !strings.Contains(e.Reason, "disabled") {
		t.Fatalf("family.revoked: %+v", e)
	}
	f := lifeFamily(t, w, "f-1")
	if lifeRT(t, f, "rt-1").State != StateRevoked || f.Access[0].State != StateRevoked {
		t.Fatalf("after the refused refresh: %+v", f)
	}

	// No way back in: the form refuses the right password, and no code is
	// issued for the app to redeem.
	n = w.Log().Len()
	o := w.App().Login(DemoUser, DemoPassword, "")
	if o.OK() || w.App().LoggedIn() || !strings.Contains(o.Reason, "disabled") {
		t.Fatalf("login after disable: %+v", o)
	}
	if got := lifeExchanges(w, n, ActorApp, "/token"); len(got) != 0 {
		t.Fatalf("a code was issued to a disabled user: %+v", got)
	}
}

// TestAccountDisabledIntrospectionInactive_RFC7662Sec2_2: the same disabled
// user, at an API that introspects: the AS answers active=false at once,
// before any refresh (RFC 7662 §2.2: active is the AS's judgement now), so
// the API refuses the token; at a stateless API the same token is accepted.
func TestAccountDisabledIntrospectionInactive_RFC7662Sec2_2(t *testing.T) {
	for _, mode := range []string{"stateless", "introspect"} {
		t.Run(mode, func(t *testing.T) {
			w := lifeWorld(t, "")
			lifeSet(t, w, "api_mode", mode)
			lifeLogin(t, w, "")
			lifeOK(t, "call", w.App().Call(http.MethodGet, "/api/orders"), http.StatusOK)
			lifeOK(t, "steal", w.Attacker().Steal(SourceLog, TokenAccess), 0)
			if err := w.DisableUser(DemoUser); err != nil {
				t.Fatal(err)
			}
			n := w.Log().Len()
			o := w.Attacker().CallAPI(http.MethodGet, "/api/orders")
			if mode == "stateless" {
				lifeOK(t, "stateless call after disable", o, http.StatusOK)
				return
			}
			lifeFail(t, "introspected call after disable", o, 401, CodeInvalidToken)
			in := lifeExchanges(w, n, ActorAPI, "/introspect")
			if len(in) != 1 || strings.TrimSpace(in[0].Exchange.Response.Body) != `{"active":false}` ||
				!strings.Contains(in[0].Reason, "disabled") {
				t.Fatalf("introspection: %+v", in)
			}
		})
	}
}

// TestAccountPasswordChange_OAuth21Sec4_3_3: a password change is a
// security event on which an AS may revoke refresh tokens (OAuth 2.1 draft
// §4.3.3, RFC 9700 §4.14.2). Grants from the sign-in before it fail at
// their next refresh; the old password no longer signs in; the new one
// does, and its grant refreshes.
func TestAccountPasswordChange_OAuth21Sec4_3_3(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	lifeAdvance(t, w, time.Minute)
	if err := w.ChangePassword(DemoUser, "looking-glass"); err != nil {
		t.Fatal(err)
	}
	lifeFail(t, "refresh after password change", w.App().Refresh(), 400, CodeInvalidGrant, "password changed")
	if o := w.App().Login(DemoUser, DemoPassword, ""); o.OK() {
		t.Fatalf("the old password still signs in: %+v", o)
	}
	// A sign-in at the same virtual instant, after the change, stands.
	if o := w.App().Login(DemoUser, "looking-glass", ""); !o.OK() {
		t.Fatalf("the new password: %+v", o)
	}
	lifeOK(t, "refresh of the new grant", w.App().Refresh(), http.StatusOK)

	if err := w.ChangePassword("bob", "x"); !errors.Is(err, ErrUnknownUser) {
		t.Fatalf("unknown user: %v", err)
	}
	if err := w.ChangePassword(DemoUser, ""); !errors.Is(err, ErrBadPassword) {
		t.Fatalf("empty password: %v", err)
	}
}

// TestAccountConsentRevoked_OAuth21Sec4_3_1: the user withdraws the app's
// access at the AS. The grant is no longer active, so its next refresh is
// invalid_grant (OAuth 2.1 draft §4.3.1); the user's own AS session stays,
// so a new login is silent and makes a new grant that works.
func TestAccountConsentRevoked_OAuth21Sec4_3_1(t *testing.T) {
	w := lifeWorld(t, "")
	lifeLogin(t, w, "")
	if err := w.RevokeConsent(DemoUser, w.App().ID()); err != nil {
		t.Fatal(err)
	}
	lifeFail(t, "refresh after consent revoked", w.App().Refresh(), 400, CodeInvalidGrant, "revoked client "+w.App().ID())
	if s := w.Inspect().ASSession; s == nil || s.State != SessionActive {
		t.Fatalf("AS session after consent revoked: %+v", s)
	}
	n := w.Log().Len() // the same instant as the revocation: the new grant stands
	if o := w.App().Login(DemoUser, DemoPassword, ""); !o.OK() {
		t.Fatalf("login after consent revoked: %+v", o)
	}
	for _, e := range lifeEvents(w, n, KindExchange) {
		if e.IsLoginForm() {
			t.Fatal("the new login showed the form: the AS session should have made it silent")
		}
	}
	lifeOK(t, "refresh of the new grant", w.App().Refresh(), http.StatusOK)
	if err := w.RevokeConsent(DemoUser, "nobody"); !errors.Is(err, ErrUnknownClient) {
		t.Fatalf("unknown client: %v", err)
	}
}

// TestAccountDisabledCodeInvalidGrant_RFC6749Sec4_1_3: a code issued just
// before the account was disabled grants nothing after: redeeming it is
// invalid_grant (RFC 6749 §4.1.3, §5.2), the same account check as at
// refresh, so no new family is made.
func TestAccountDisabledCodeInvalidGrant_RFC6749Sec4_1_3(t *testing.T) {
	w := newTestWorld(t)
	code := authCode(t, w, ClientSPA, nil)
	if err := w.DisableUser(DemoUser); err != nil {
		t.Fatal(err)
	}
	r := postForm(t, w, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {RedirectURI}, "client_id": {ClientSPA}, "code_verifier": {testVerifier}}, nil)
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"invalid_grant"`) || !strings.Contains(r.body, "disabled") {
		t.Fatalf("code after disable: %d %s", r.status, r.body)
	}
	if len(w.Inspect().Families) != 0 {
		t.Fatalf("a family was made: %+v", w.Inspect().Families)
	}
}

// TestAccountDisabledFirstParty_OAuth21Sec4_3_1: the app's own backend
// asks the same checkpoint: its cookie refresh fails with invalid_grant
// once the user is disabled, and its password login refuses the user.
func TestAccountDisabledFirstParty_OAuth21Sec4_3_1(t *testing.T) {
	w := lifeWorld(t, "", func(c *Config) { c.Topology = TopologyFirstParty })
	lifeLogin(t, w, "")
	if err := w.DisableUser(DemoUser); err != nil {
		t.Fatal(err)
	}
	o := w.App().Refresh()
	if o.Error != CodeInvalidGrant || !strings.Contains(o.Reason, "disabled") {
		t.Fatalf("first-party refresh after disable: %+v", o)
	}
	if o := w.App().Login(DemoUser, DemoPassword, ""); o.OK() || !strings.Contains(o.Reason, "disabled") {
		t.Fatalf("first-party login after disable: %+v", o)
	}
}
