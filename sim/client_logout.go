package sim

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Logout revokes the refresh token at the AS (RFC 7009) and forgets every
// token. The access token is not recalled: an API that checks it locally
// accepts it until it expires.
func (c *Client) Logout() Outcome {
	if c.fp {
		c.store.clear()
		return c.fpPost("/auth/logout", "")
	}
	_, _, rt, _ := c.store.snapshot()
	c.store.clear()
	if rt == "" {
		c.note("logout: no refresh token to revoke; the app only forgets its access token")
		return Outcome{Status: http.StatusOK}
	}
	form := url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}
	req, _ := http.NewRequest(http.MethodPost, Issuer+"/revoke", nil)
	if c.secret != "" {
		req.SetBasicAuth(url.QueryEscape(c.id), url.QueryEscape(c.secret))
	} else {
		form.Set("client_id", c.id)
	}
	req.Body = io.NopCloser(strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, _, o := c.env.send(c.http, req)
	return o
}

// Forget is the app's own logout and nothing more: it drops every token it
// holds and tells nobody. The AS session in the browser lives on, so the
// next login is silent; the refresh token stays valid at the AS for whoever
// copied it; an access token stays valid at a stateless API until exp
// (curriculum idea 10: three layers of "logged in").
func (c *Client) Forget() Outcome {
	c.store.clear()
	if c.fp {
		c.note("logout in the app only: the page forgets its access token; the refresh cookie stays in the browser")
		return Outcome{}
	}
	c.note("logout in the app only: the app forgets its tokens and tells neither the AS nor the API")
	return Outcome{} // no request was made: no status
}

// EndSession is RP-initiated logout (OpenID Connect RP-Initiated Logout
// 1.0): the app forgets its tokens and sends the browser to the AS's
// end_session_endpoint with its ID token as id_token_hint, its registered
// post_logout_redirect_uri and a fresh state (§2, §3). The AS ends its
// session (and, by policy, the session's refresh tokens); access tokens
// already issued are not recalled.
func (c *Client) EndSession() Outcome {
	if err := c.topology().CheckASSession(); err != nil {
		return Outcome{Error: CodeBadRequest, Reason: err.Error()}
	}
	start := c.env.log.Len()
	_, _, _, id := c.store.snapshot()
	c.store.clear()
	state := c.env.rand.token(16)
	q := url.Values{"post_logout_redirect_uri": {PostLogoutRedirectURI}, "state": {state}}
	if id != "" {
		q.Set("id_token_hint", id)
	} else {
		q.Set("client_id", c.id) // §2: without a hint, client_id says whose redirect URI it is
	}
	c.note("the app forgets its tokens and sends the browser to the AS's end_session_endpoint (RP-initiated logout)")
	resp, err := c.browser.Get(Issuer + "/end_session?" + q.Encode())
	if err != nil {
		return Outcome{Error: "transport", Reason: err.Error()}
	}
	readAll(resp)
	if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusFound && loc != "" {
		u, err := url.Parse(loc)
		if err != nil || u.Query().Get("state") != state {
			// §3: the RP checks the state it sent came back.
			return Outcome{Status: resp.StatusCode, Error: CodeStateMismatch, Reason: "the logout redirect did not carry back the app's state (RP-Initiated Logout 1.0 section 3)"}
		}
		back, err := c.browser.Get(loc)
		if err != nil {
			return Outcome{Error: "transport", Reason: err.Error()}
		}
		readAll(back)
		o := outcomeSince(c.env.log, start, ActorUser)
		if ended := endedSince(c.env.log, start); ended != "" {
			o.Reason = ended
		}
		return o
	}
	return outcomeSince(c.env.log, start, ActorUser)
}

// endedSince returns the reason of the first AS-session end after event n.
func endedSince(l *Log, n int) string {
	e, _ := firstSince(l, n, KindASSessionEnded)
	return e.Reason
}

// firstSince returns the first event of kind k after event n.
func firstSince(l *Log, n int, k EventKind) (Event, bool) {
	for _, e := range l.Since(n) {
		if e.Kind == k {
			return e, true
		}
	}
	return Event{}, false
}

// topology is the world shape this client lives in.
func (c *Client) topology() Topology {
	if c.fp {
		return TopologyFirstParty
	}
	return TopologyOAuth
}

// CheckASSession says whether a world of topology t has an AS session to log
// out of or to ride: the one rule the engine and the scenario validator
// share.
func (t Topology) CheckASSession() error {
	if t == TopologyFirstParty {
		return fmt.Errorf("%w: in the first-party topology the app's own backend signs the user in; there is no authorization server, so no AS session and no end_session endpoint", ErrNoASSession)
	}
	return nil
}
