package sim

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
)

// authenticateClient identifies and authenticates the caller of the token,
// revocation and introspection endpoints (RFC 6749 §2.3, RFC 7009 §2.1,
// RFC 7662 §2.1).
//
// Methods: client_secret_basic (§2.3.1), client_secret_post, and "none" for
// public clients, which identify themselves with client_id. Using two
// methods at once is invalid_request (§2.3). Bad credentials are 401
// invalid_client; over Basic the response also carries a Basic challenge
// (§5.2), which writeOAuthError adds.
func (as *AuthServer) authenticateClient(r *http.Request, f form) (*clientReg, *oauthError) {
	basicID, basicSecret, hasBasic, err := basicCredentials(r)
	if err != nil {
		return nil, newErr(401, CodeInvalidClient, "malformed Basic credentials").because(err.Error())
	}
	bodyID, bodySecret := f.get("client_id"), f.get("client_secret")
	if hasBasic {
		if bodySecret != "" || (bodyID != "" && bodyID != basicID) {
			return nil, newErr(400, CodeInvalidRequest, "the client used more than one authentication method (RFC 6749 section 2.3)")
		}
		c, ok := as.clients[basicID]
		if !ok {
			return nil, newErr(401, CodeInvalidClient, "unknown client").because("client " + quoteID(basicID) + " is not registered at the AS")
		}
		if c.public && basicSecret == "" {
			// golang.org/x/oauth2 with AuthStyleInHeader sends "id:" for
			// public clients (checklist item 17): that identifies, it does
			// not authenticate, which is all a public client can do.
			return c, nil
		}
		if !c.checkSecret(basicSecret) {
			return nil, newErr(401, CodeInvalidClient, "client authentication failed").because("the secret sent for client " + c.id + " is wrong")
		}
		return c, nil
	}
	if bodyID == "" {
		return nil, newErr(401, CodeInvalidClient, "client authentication failed").because("the request names no client: no Basic credentials and no client_id")
	}
	c, ok := as.clients[bodyID]
	if !ok {
		return nil, newErr(401, CodeInvalidClient, "unknown client").because("client " + quoteID(bodyID) + " is not registered at the AS")
	}
	if c.public {
		if bodySecret != "" {
			return nil, newErr(401, CodeInvalidClient, "public clients have no secret").because("client " + c.id + " is public but sent a secret")
		}
		return c, nil
	}
	if bodySecret == "" {
		return nil, newErr(401, CodeInvalidClient, "client authentication failed").because(noSecretReason(c, f))
	}
	if !c.checkSecret(bodySecret) {
		return nil, newErr(401, CodeInvalidClient, "client authentication failed").because("the secret sent for client " + c.id + " is wrong")
	}
	return c, nil
}

// basicCredentials decodes client_secret_basic: base64, then the id and the
// secret are each form-URL-decoded (RFC 6749 §2.3.1; x/oauth2 sends
// url.QueryEscape'd values).
func basicCredentials(r *http.Request) (id, secret string, ok bool, err error) {
	h := r.Header.Values("Authorization")
	if len(h) == 0 {
		return "", "", false, nil
	}
	scheme, rest, _ := strings.Cut(h[0], " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", false, nil
	}
	if len(h) > 1 {
		return "", "", true, errf("more than one Authorization header")
	}
	raw, derr := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
	if derr != nil {
		return "", "", true, errf("the Basic credentials are not base64")
	}
	rawID, rawSecret, found := strings.Cut(string(raw), ":")
	if !found {
		return "", "", true, errf("the Basic credentials have no colon")
	}
	if id, err = url.QueryUnescape(rawID); err != nil {
		return "", "", true, errf("the client id is not form-URL-encoded")
	}
	if secret, err = url.QueryUnescape(rawSecret); err != nil {
		return "", "", true, errf("the client secret is not form-URL-encoded")
	}
	return id, secret, true, nil
}

type simpleError string

func (e simpleError) Error() string { return string(e) }

func errf(s string) error { return simpleError(s) }

// quoteID makes a caller-supplied identifier safe to put in a reason: at most
// 40 printable ASCII characters.
func quoteID(s string) string {
	s = errorDescription(s)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return "'" + s + "'"
}
