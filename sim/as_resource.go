package sim

import (
	"net/url"
	"slices"
	"strings"
)

// Resource indicators (RFC 8707): the client names the API it wants a
// token for with a resource parameter, at the authorization endpoint (§2.1)
// and at the token endpoint (§2.2), and the AS audience-restricts the access
// token to it: aud is the resource (§2, "MAY use the exact resource value
// as the audience"). Every API checks that aud names it (RFC 9068 §4), so a
// token for one API is refused at another, and a client that talks to two
// APIs holds a token for each.
//
// This AS takes one resource per request. RFC 8707 §2 allows several (an
// access token with several audiences); a repeated resource parameter is
// refused like any repeated parameter (invalid_request), a limit of the
// simulator, not of the RFC.

// resourceParam is the request parameter of RFC 8707 §2.
const resourceParam = "resource"

// Resources lists the resource servers the AS issues access tokens for,
// by the identifier a resource parameter names and aud carries: its own
// API first (the audience of a token whose request named none), then the
// billing API. The first-party backend issues for itself only.
func (as *AuthServer) Resources() []string { return slices.Clone(as.resources) }

// checkResource reads one resource parameter value (RFC 8707 §2): an
// absolute URI without a fragment, naming a resource server this AS knows.
// Anything else is invalid_target ("the requested resource is invalid,
// missing, unknown, or malformed"). "" means the request named none.
func (as *AuthServer) checkResource(v string) *oauthError {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return newErr(400, CodeInvalidTarget, "resource must be an absolute URI").
			because("resource " + quoteID(v) + " is not an absolute URI (RFC 8707 section 2)")
	case strings.Contains(v, "#"):
		return newErr(400, CodeInvalidTarget, "resource must not include a fragment").
			because("resource " + quoteID(v) + " has a fragment, which RFC 8707 section 2 forbids")
	case !slices.Contains(as.resources, v):
		return newErr(400, CodeInvalidTarget, "unknown resource").
			because("this AS issues tokens for " + strings.Join(as.resources, " and ") + ", not for " + quoteID(v) +
				": an unknown resource is invalid_target (RFC 8707 section 2)")
	}
	return nil
}

// audienceFor decides the aud of an access token minted under fam for a
// token request that named requested ("" for none), RFC 8707 §2.2.
//
// A grant whose authorization request named a resource (fam.resource) is
// confined to it: a token request for another resource is outside what the
// user authorized, invalid_target. That is this simulator's policy, the
// resource counterpart of RFC 6749 §6 ("MUST NOT include any scope not
// originally granted"); RFC 8707 §2.2 leaves the decision to the AS. A grant that named none (§2: the AS
// "MAY process the request with no specific resource") covers every
// resource this AS serves, so the same refresh token can obtain a token for
// each of them (§2.2: the refresh_token grant with resource, its second
// example); a request that names none gets the grant's own resource, or the
// AS's own API.
func (as *AuthServer) audienceFor(fam *family, requested string) (string, *oauthError) {
	if e := as.checkResource(requested); e != nil {
		return "", e
	}
	switch {
	case requested == "" && fam.resource != "":
		return fam.resource, nil
	case requested == "":
		return as.audience, nil
	case fam.resource != "" && requested != fam.resource:
		return "", newErr(400, CodeInvalidTarget, "the requested resource is outside the original grant").
			because("resource " + quoteID(requested) + " was not in the authorization request, which named " + fam.resource +
				" only: this AS lets a token request narrow a grant, never reach beyond what the user authorized (its policy, after RFC 6749 section 6; RFC 8707 section 2 names the error)")
	}
	return requested, nil
}

// audienceWords names an audience for the learner: the API it is.
func audienceWords(aud string) string {
	switch aud {
	case APIAudience:
		return "the orders API (" + aud + ")"
	case APIBAudience:
		return "the billing API (" + aud + ")"
	}
	return aud
}

// hostOf is a resource identifier's host, for where a token is kept.
func hostOf(resource string) string {
	if u, err := url.Parse(resource); err == nil && u.Host != "" {
		return u.Host
	}
	return resource
}
