package sim

import (
	"fmt"
	"net/url"
	"time"
)

// heldAccess is an access token the app holds for an API other than its
// own, obtained with a resource parameter (RFC 8707 §2.2).
type heldAccess struct {
	value string
	exp   time.Time // from expires_in: the app treats the token as opaque (RFC 9068 §6)
}

// CheckResource says whether a world of topology t can ask for a token for
// another API (RFC 8707 resource) or a narrower scope at refresh: the one
// rule the app and the scenario validator share. The first-party backend
// is its own issuer and its /api/ its only audience (RFC 8707 is for an AS
// with several resource servers), and the app holds no refresh token to
// send: the backend keeps it in an httpOnly cookie.
func (t Topology) CheckResource() error {
	if t == TopologyFirstParty {
		return fmt.Errorf("%w: in the first-party topology the app's own backend issues tokens for its own API only, and the app holds no refresh token (the backend keeps it in an httpOnly cookie): no resource to name, no scope to narrow", ErrOwnAPIOnly)
	}
	return nil
}

// RefreshFor trades the app's refresh token for an access token for
// resource, with scope when it is not "" (RFC 6749 §6; RFC 8707 §2.2: the
// same refresh token obtains tokens for each API of the grant). The new
// access token is kept beside the app's own, as its token for that API;
// a rotated refresh token replaces the old one as after any refresh.
// A resource of "" is an ordinary refresh that narrows the scope only.
//
// It is an explicit step: the app's silent refresh (Call) renews only
// the token for its own API.
func (c *Client) RefreshFor(resource, scope string) Outcome {
	if err := c.topology().CheckResource(); err != nil {
		return Outcome{Error: CodeNoToken, Reason: "the first-party app holds no refresh token (its backend keeps it in an httpOnly cookie) and its backend issues tokens for itself only"}
	}
	_, _, rt, _ := c.store.snapshot()
	if rt == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no refresh token"}
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	if resource != "" {
		form.Set(resourceParam, resource)
	}
	if scope != "" {
		form.Set("scope", scope)
	}
	o := c.tokenRequestFor(form, resource)
	if o.Error == CodeInvalidGrant {
		c.store.clear()
		c.env.emit(Event{Kind: KindSessionEnded, From: ActorApp, Reason: o.Reason,
			Summary: "the refresh failed with invalid_grant: the app forgets its tokens and sends the user to log in again"})
	}
	return o
}

// heldFor is the access token the app holds for the API at resource: its
// own for its own API, else the one it obtained with resource.
func (c *Client) heldFor(resource string) string {
	if resource == "" || resource == c.apiBase {
		at, _, _, _ := c.store.snapshot()
		return at
	}
	c.store.mu.Lock()
	defer c.store.mu.Unlock()
	return c.store.other[resource].value
}

// CallAt calls the API at origin with the access token the app holds for
// it. For the app's own API it is Call, silent refresh included; for
// another API it sends the token obtained for that API with RefreshFor,
// and nothing else: no silent refresh (RefreshFor is a step of its own).
func (c *Client) CallAt(origin, method, path string) Outcome {
	if origin == "" || origin == c.apiBase {
		return c.Call(method, path)
	}
	v := c.heldFor(origin)
	if v == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no access token for " + audienceWords(origin) + ": it asks for one with a refresh that names it as resource (RFC 8707 section 2.2)"}
	}
	return c.bearer(origin+path, method, v)
}

// PresentFor sends the access token the app obtained for the API at
// issuedFor to the API at origin: the right token at the right API, or a
// token at an API it was not issued for (RFC 9068 §4 audience check).
func (c *Client) PresentFor(origin, method, path, issuedFor string) Outcome {
	v := c.heldFor(issuedFor)
	if v == "" {
		return Outcome{Error: CodeNoToken, Reason: "the app holds no access token for " + audienceWords(issuedFor)}
	}
	return c.bearer(origin+path, method, v)
}
