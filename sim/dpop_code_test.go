package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Authorization code binding to a DPoP key (RFC 9449 §10, checklist item
// 109).

// codeBindRedeem redeems code for the public client spa with a DPoP proof
// by k (none when k is nil).
func codeBindRedeem(t testing.TB, w *World, code string, k *dpopKey, jti string) reply {
	t.Helper()
	hdr := http.Header{}
	if k != nil {
		p, err := k.proof(http.MethodPost, Issuer+"/token", "", "", jti, w.env.clock.Wall())
		if err != nil {
			t.Fatal(err)
		}
		hdr.Set("DPoP", p)
	}
	return postForm(t, w, "/token", url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {ClientSPA},
		"redirect_uri": {RedirectURI}, "code_verifier": {testVerifier}}, hdr)
}

// TestDPoPCodeBinding_RFC9449_10: a code requested with dpop_jkt is
// redeemed only with a proof from that key. Another key's proof, or none,
// is 400 invalid_grant with a reason naming both thumbprints, and leaves
// the code unspent, so the client still redeems it with its own key and
// gets tokens bound to it (§6.1).
func TestDPoPCodeBinding_RFC9449_10(t *testing.T) {
	w := newTestWorld(t)
	dpopTestSet(t, w, "dpop", "true")
	mine, thief := dpopTestKey(t, 1), dpopTestKey(t, 2)
	code := authCode(t, w, ClientSPA, url.Values{dpopJKTParam: {mine.jkt}})

	for _, c := range []struct {
		name string
		k    *dpopKey
		why  []string
	}{
		{"another key's proof", thief, []string{shortJKT(mine.jkt), shortJKT(thief.jkt), "RFC 9449 sections 10"}},
		{"no proof", nil, []string{shortJKT(mine.jkt), "no proof"}},
	} {
		r := codeBindRedeem(t, w, code, c.k, "bind-"+c.name)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"error":"invalid_grant"`) {
			t.Fatalf("%s: %d %s, want 400 invalid_grant", c.name, r.status, r.body)
		}
		ev := dpopTestExchange(t, w, ActorApp, "/token")
		for _, s := range c.why {
			if !strings.Contains(ev.Reason, s) {
				t.Errorf("%s: reason %q lacks %q", c.name, ev.Reason, s)
			}
		}
	}
	r := codeBindRedeem(t, w, code, mine, "bind-mine")
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &tr); err != nil || r.status != http.StatusOK {
		t.Fatalf("the client's own key: %d %s", r.status, r.body)
	}
	if tr.TokenType != TokenTypeDPoP || boundJKT(tr.AccessToken) != mine.jkt {
		t.Errorf("token_type %s, cnf.jkt %q: want DPoP bound to %s", tr.TokenType, boundJKT(tr.AccessToken), mine.jkt)
	}
}

// TestDPoPCodeBindingThroughLoginPage_RFC9449_10: dpop_jkt on the GET that
// shows the login page travels in the form, so the code the POST issues is
// bound too.
func TestDPoPCodeBindingThroughLoginPage_RFC9449_10(t *testing.T) {
	w := newTestWorld(t)
	dpopTestSet(t, w, "dpop", "true")
	mine := dpopTestKey(t, 1)
	q := asAuthzQuery(ClientSPA)
	q.Set(dpopJKTParam, mine.jkt)
	page := asAuthzGet(t, w, q.Encode())
	if page.status != http.StatusOK || !strings.Contains(page.body, `name="dpop_jkt" value="`+mine.jkt+`"`) {
		t.Fatalf("login page %d lacks the dpop_jkt hidden field:\n%s", page.status, page.body)
	}
	p := asRedirectParams(t, asAuthzPost(t, w, asWithLogin(q)))
	if r := codeBindRedeem(t, w, p.Get("code"), nil, ""); r.status != http.StatusBadRequest {
		t.Errorf("redeemed without a proof: %d %s", r.status, r.body)
	}
}

// TestDPoPCodeBindingMalformedAndOff_RFC9449_10_RFC6749_3_1: a dpop_jkt
// that cannot be a SHA-256 thumbprint is invalid_request through the
// redirect (sim policy); with DPoP off the AS does not know the parameter
// and ignores it (RFC 6749 §3.1), saying so, and the code is not bound.
func TestDPoPCodeBindingMalformedAndOff_RFC9449_10_RFC6749_3_1(t *testing.T) {
	w := newTestWorld(t)
	dpopTestSet(t, w, "dpop", "true")
	for _, bad := range []string{"short", strings.Repeat("A", 42) + "=", strings.Repeat("A", 42) + "+"} {
		q := asWithLogin(asAuthzQuery(ClientSPA))
		q.Set(dpopJKTParam, bad)
		if p := asRedirectParams(t, asAuthzPost(t, w, q)); p.Get("error") != CodeInvalidRequest || p.Get("code") != "" {
			t.Errorf("dpop_jkt %q: %v, want invalid_request", bad, p)
		}
	}

	off := newTestWorld(t)
	code := authCode(t, off, ClientSPA, url.Values{dpopJKTParam: {dpopTestKey(t, 1).jkt}})
	ev := dpopTestExchange(t, off, ActorUser, "/authorize")
	if !strings.Contains(ev.Reason, "dpop_jkt is ignored") {
		t.Errorf("reason %q: want it to say dpop_jkt was ignored", ev.Reason)
	}
	if r := codeBindRedeem(t, off, code, nil, ""); r.status != http.StatusOK {
		t.Errorf("DPoP off: the code was bound after all: %d %s", r.status, r.body)
	}
}
