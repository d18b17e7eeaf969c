package sim

import (
	"net/http"
	"net/url"
	"strings"
)

// SilentLogin is what injected script does with the AS's session cookie:
// it cannot read the cookie (HttpOnly), but while it runs in the app's page
// it can drive the browser through a silent authorization request
// (prompt=none), and the browser attaches the cookie itself. A hidden
// iframe carries a SameSite=Lax cookie only when the AS is same-site with
// the app, as here (app. and auth.tokensim.test share the site
// tokensim.test); otherwise a popup does, since Lax cookies go with
// top-level GET navigations. The AS answers with a code, the script reads
// it from the frame or popup once it is back on the app's origin, and
// redeems it with a PKCE verifier of its own. For a public client that is a fresh grant:
// new tokens, a new family, nothing reuse detection can see. A
// confidential client's code is worthless without the client secret. The
// defence is the script's absence (CSP, no injection) and a short AS
// session; rotation and DPoP do not stop it (RFC 9449 §11.4 for DPoP: the
// script binds the new grant to its own key).
func (a *Attacker) SilentLogin() Outcome {
	if o, ok := a.inPage(); !ok {
		return o
	}
	v := a.victim
	if err := v.topology().CheckASSession(); err != nil {
		return Outcome{Error: CodeUnreachable, Reason: err.Error() + " (injected script can still ride the page's session: attacker.ride)"}
	}
	start := a.env.log.Len()
	state, verifier := a.env.rand.token(16), a.env.rand.token(32)
	q := url.Values{
		"response_type": {"code"}, "client_id": {v.id}, "redirect_uri": {RedirectURI}, "scope": {DefaultScope},
		"state": {state}, "code_challenge": {s256Challenge(verifier)}, "code_challenge_method": {"S256"}, "prompt": {"none"},
	}
	a.env.emit(Event{Kind: KindClientNote, From: ActorAttacker, To: ActorUser,
		Summary: "injected script opens a hidden iframe in Alice's page (the AS is same-site with the app, so the SameSite=Lax cookie goes along; elsewhere a popup would do): a silent authorization request (prompt=none) with its own PKCE challenge; the browser attaches the AS session cookie, which the script itself cannot read"})
	resp, err := v.browser.Get(Issuer + "/authorize?" + q.Encode())
	if err != nil {
		return Outcome{Error: "transport", Reason: err.Error()}
	}
	readAll(resp)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := ""
	if loc != nil {
		code = loc.Query().Get("code")
	}
	if resp.StatusCode != http.StatusFound || code == "" {
		o := outcomeSince(a.env.log, start, ActorUser)
		why := "the silent authorization request got no code"
		if o.Reason != "" {
			why += ": " + o.Reason
		}
		a.env.emit(Event{Kind: KindStealFailed, From: ActorAttacker, To: ActorAS, Error: o.Error, Reason: why})
		o.Reason = why
		return o
	}
	// The code goes home; the attacker redeems it from its own machine as
	// the public client, with the verifier only it knows.
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {RedirectURI},
		"code_verifier": {verifier}, "client_id": {v.id}}
	req, _ := http.NewRequest(http.MethodPost, Issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	tresp, body, o := a.sendRefresh(req)
	if tresp == nil || tresp.StatusCode != http.StatusOK {
		if v.secret != "" {
			o.Reason = "the script obtained a code, but client " + v.id + " is confidential: redeeming it needs the secret, which stays on the app's server (" + o.Reason + ")"
		}
		a.env.emit(Event{Kind: KindStealFailed, From: ActorAttacker, To: ActorAS, Error: o.Error, Reason: o.Reason})
		return o
	}
	tr := a.keepTokens(body)
	why := "injected script used the AS session without reading its cookie: a silent login gave the attacker a fresh grant of its own"
	if tr.RefreshToken != "" {
		why += ", refresh token included,"
	}
	why += " which no theft of Alice's tokens and no reuse detection can see"
	a.env.emit(Event{Kind: KindStolen, From: ActorAttacker, To: ActorApp, Reason: why})
	o.Reason = why
	return o
}
