package sim

import (
	"net/http"
	"net/url"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// Call calls the API. With a refresh token at hand it refreshes first when
// the access token is about to expire (policy RefreshSkew), and after a 401
// invalid_token it refreshes and retries once (RFC 6750 §3.1 lets a client get
// a new token and retry; once is this app's policy). After a 403 it
// does not: a new token would carry the same scope.
//
// In a BFF the page's call goes to the BFF, which makes this very call
// itself, with its own token (client_backend.go).
func (c *Client) Call(method, path string) Outcome {
	if c.bff() {
		return c.viaBFF(method, path)
	}
	o, _ := c.call(method, path)
	return o
}

// call is Call made by whoever holds the tokens, with the API's answer.
func (c *Client) call(method, path string) (Outcome, []byte) {
	at, exp, _, _ := c.store.snapshot()
	rt := c.refreshHandle()
	if at == "" && rt == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no tokens: the user must log in"}, nil
	}
	skew := c.env.policy().RefreshSkew
	if rt != "" && (at == "" || (skew > 0 && !c.env.clock.Now().Before(exp.Add(-skew)))) {
		if now := c.env.clock.Now(); !now.Before(exp) {
			c.note("the access token expired at %s (%s ago): the app refreshes before calling", when(exp), text.FormatDuration(now.Sub(exp).Truncate(time.Second)))
		} else {
			c.note("the access token expires at %s, within %s: the app refreshes before calling", when(exp), text.FormatDuration(skew))
		}
		if o := c.Refresh(); !o.OK() {
			return o, nil
		}
	}
	o, body := c.callOnce(method, path)
	if o.Status == http.StatusUnauthorized && o.Error == CodeInvalidToken {
		if c.refreshHandle() != "" {
			c.note("401 invalid_token: the app refreshes silently and retries once")
			if r := c.Refresh(); !r.OK() {
				return r, nil
			}
			return c.callOnce(method, path)
		}
		// Nothing can renew the dead token: the app drops it and the session
		// is over, as after a failed refresh.
		c.store.clear()
		c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: o.Reason,
			Summary: "401 invalid_token and no refresh token: the app forgets the dead access token and sends the user to log in again"})
	}
	if o.Status == http.StatusForbidden {
		c.note("403 insufficient_scope: refreshing would not add scope, so the app does not retry")
	}
	return o, body
}

func (c *Client) callOnce(method, path string) (Outcome, []byte) {
	at, _, _, _ := c.store.snapshot()
	return c.bearerBody(c.apiBase+path, method, at)
}

// bearer sends one API request with the token v as a bearer token.
func (c *Client) bearer(rawURL, method, v string) Outcome {
	o, _ := c.bearerBody(rawURL, method, v)
	return o
}

// bearerBody is bearer with the API's answer.
func (c *Client) bearerBody(rawURL, method, v string) (Outcome, []byte) {
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		return Outcome{Error: CodeBadRequest, Reason: "the request cannot be built: " + err.Error()}, nil
	}
	if h := c.apiHolder(); h != nil {
		// A DPoP-bound token: the DPoP scheme and a proof for this very
		// request, with ath, the hash of the token (RFC 9449 §7.1).
		req.Header.Set("Authorization", "DPoP "+v)
		_, body, o := c.env.sendWithProof(c.http, ActorApp, h, req, v)
		return o, body
	}
	req.Header.Set("Authorization", "Bearer "+v)
	_, body, o := c.env.send(c.http, req)
	return o, body
}

// Refresh trades the refresh token for new tokens (RFC 6749 §6). With
// single-flight on, concurrent callers sharing the store wait for one
// refresh instead of racing (the fix for multi-tab races). invalid_grant
// ends the session: the app forgets its tokens and the user must log in.
//
// A token-mediating app's page cannot refresh: it asks its backend, which
// refreshes with the refresh token it keeps (client_backend.go).
func (c *Client) Refresh() Outcome {
	if c.mediated() {
		return c.fromBackend(http.MethodPost)
	}
	return c.refresh()
}

// refresh is Refresh made by whoever holds the refresh token.
func (c *Client) refresh() Outcome {
	f, rt, leader := c.startRefresh()
	if !leader {
		<-f.done
		return f.out
	}
	return c.finishRefresh(f, rt)
}

// startRefresh is a refresh's first half: the tab reads its refresh token
// from the store, or, with single-flight on and a refresh already under
// way, joins that one (leader false).
func (c *Client) startRefresh() (f *flight, rt string, leader bool) {
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	if f := c.store.flight; f != nil && c.env.policy().SingleFlight {
		return f, "", false
	}
	f = &flight{done: make(chan struct{})}
	c.store.flight = f
	return f, c.store.refresh, true
}

// finishRefresh is the second half: the request, with the token read at
// the start, which may be stale by now if another tab refreshed meanwhile.
func (c *Client) finishRefresh(f *flight, rt string) Outcome {
	if c.fp {
		f.out = c.fpPost("/auth/refresh", "")
		if f.out.Error == CodeInvalidGrant {
			c.store.clear()
			c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: f.out.Reason,
				Summary: "the backend refused the refresh cookie: the page shows the login screen"})
		}
	} else {
		f.out = c.refreshWith(rt)
	}
	c.store.mu.Lock()
	if c.store.flight == f {
		c.store.flight = nil
	}
	c.store.mu.Unlock()
	close(f.done)
	return f.out
}

func (c *Client) refreshWith(rt string) Outcome {
	if rt == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no refresh token"}
	}
	o := c.tokenRequest(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if o.Error == CodeInvalidGrant {
		c.store.clear()
		c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: o.Reason,
			Summary: "the refresh failed with invalid_grant: the app forgets its tokens and sends the user to log in again"})
	}
	return o
}
