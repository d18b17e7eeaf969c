package sim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Revocation endpoint tests (RFC 7009): checklist items 31–35.

// asRevoke revokes token as the spa; hint "" is omitted.
func asRevoke(t testing.TB, w *World, token, hint string) reply {
	t.Helper()
	f := url.Values{"token": {token}, "client_id": {ClientSPA}}
	if hint != "" {
		f.Set("token_type_hint", hint)
	}
	return postForm(t, w, "/revoke", f, nil)
}

func asWantRevoked200(t testing.TB, r reply) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("revoke: status %d %s, want 200", r.status, r.body)
	}
	asNoStore(t, r)
}

// RFC 7009 §2.2: unknown, invalid or already revoked tokens get 200, so
// the answer tells a caller nothing.
func TestRevokeUnknownTokenIs200_RFC7009_2_2(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	for _, tok := range []string{"never-issued", "a.b.c", tk.RefreshToken, tk.RefreshToken, tk.AccessToken, tk.AccessToken} {
		asWantRevoked200(t, asRevoke(t, w, tok, ""))
	}
	if e := asLastExchange(t, w, "/revoke"); e.Error != "" {
		t.Errorf("event error %q on a 200", e.Error)
	}
}

// RFC 7009 §2.1: the hint is only a hint. An invalid one is ignored; a
// wrong one still finds the token.
func TestRevokeHintIsOnlyAHint_RFC7009_2_1(t *testing.T) {
	for _, kind := range []string{"refresh_token", "access_token"} {
		for _, hint := range []string{"", "refresh_token", "access_token", "id_token", "nonsense"} {
			t.Run(kind+"/hint="+hint, func(t *testing.T) {
				w := newTestWorld(t)
				tk := asLogin(t, w, nil)
				tok := tk.RefreshToken
				if kind == "access_token" {
					tok = tk.AccessToken
				}
				asWantRevoked200(t, asRevoke(t, w, tok, hint))
				if r := asIntrospect(t, w, tk.AccessToken); r.body != `{"active":false}` {
					t.Errorf("access token still active after revoking the %s: %s", kind, r.body)
				}
				if kind == "refresh_token" {
					asWantError(t, asRefresh(t, w, tk.RefreshToken, ""), 400, CodeInvalidGrant)
				}
			})
		}
	}
}

// RFC 7009 §2.1: the AS checks the token was issued to the caller; another
// client's token is refused (fosite: unauthorized_client) and not revoked.
func TestRevokeOtherClientsTokenRefused_RFC7009_2_1(t *testing.T) {
	for _, kind := range []string{"refresh_token", "access_token"} {
		t.Run(kind, func(t *testing.T) {
			w := newTestWorld(t)
			web := asLoginWeb(t, w, nil)
			tok := web.RefreshToken
			if kind == "access_token" {
				tok = web.AccessToken
			}
			r := asRevoke(t, w, tok, kind) // the spa tries to revoke web's token
			asWantError(t, r, 400, CodeUnauthorizedClient)
			if r := asIntrospect(t, w, web.AccessToken); !strings.Contains(r.body, `"active":true`) {
				t.Errorf("web's access token was revoked by the spa: %s", r.body)
			}
			f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {web.RefreshToken}}
			asWantTokens(t, postForm(t, w, "/token", f, asBasic(ClientWeb, webSecret)))
		})
	}
}

// RFC 7009 §2.1: revoking a refresh token revokes its grant: the family's
// other refresh tokens and its access tokens.
func TestRevokeRefreshTokenRevokesFamily_RFC7009_2_1(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	r2 := asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
	other := asLogin(t, w, nil) // another login: another family, untouched

	asWantRevoked200(t, asRevoke(t, w, r2.RefreshToken, "refresh_token"))
	for _, at := range []string{tk.AccessToken, r2.AccessToken} {
		if r := asIntrospect(t, w, at); r.body != `{"active":false}` {
			t.Errorf("an access token of the revoked family is still active: %s", r.body)
		}
	}
	asWantError(t, asRefresh(t, w, r2.RefreshToken, ""), 400, CodeInvalidGrant)
	if r := asIntrospect(t, w, other.AccessToken); !strings.Contains(r.body, `"active":true`) {
		t.Errorf("another family's access token was revoked: %s", r.body)
	}
	asWantTokens(t, asRefresh(t, w, other.RefreshToken, ""))
}

// RFC 7009 §2.1: revoking an access token MAY revoke its refresh token;
// tokensim revokes just the one token.
func TestRevokeAccessTokenOnly_RFC7009_2_1(t *testing.T) {
	w := newTestWorld(t)
	tk := asLogin(t, w, nil)
	asWantRevoked200(t, asRevoke(t, w, tk.AccessToken, "access_token"))
	if r := asIntrospect(t, w, tk.AccessToken); r.body != `{"active":false}` {
		t.Errorf("revoked access token still active: %s", r.body)
	}
	asWantTokens(t, asRefresh(t, w, tk.RefreshToken, ""))
}

// RFC 7009 §2.1, §2.2.1: client authentication as at the token endpoint;
// bad credentials are 401 invalid_client, a missing token invalid_request.
func TestRevokeRequestErrors_RFC7009_2_2_1(t *testing.T) {
	w := newTestWorld(t)
	web := asLoginWeb(t, w, nil)
	r := postForm(t, w, "/revoke", url.Values{"token": {web.RefreshToken}}, asBasic(ClientWeb, "nope"))
	asWantError(t, r, 401, CodeInvalidClient)
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), `Basic realm="`) {
		t.Errorf("WWW-Authenticate = %q, want a Basic challenge", r.header.Get("WWW-Authenticate"))
	}
	asWantError(t, postForm(t, w, "/revoke", url.Values{"token": {web.RefreshToken}, "client_id": {ClientWeb}}, nil), 401, CodeInvalidClient)
	asWantError(t, postForm(t, w, "/revoke", url.Values{"token": {web.RefreshToken}}, nil), 401, CodeInvalidClient)
	asWantError(t, postForm(t, w, "/revoke", url.Values{}, asBasic(ClientWeb, webSecret)), 400, CodeInvalidRequest)
	if r := send(t, w, ActorApp, http.MethodGet, Issuer+"/revoke?token=x&client_id=spa", "", nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET /revoke: %d, want 405", r.status)
	}
	// None of that revoked anything; the right credentials do.
	f := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {web.RefreshToken}}
	next := asWantTokens(t, postForm(t, w, "/token", f, asBasic(ClientWeb, webSecret)))
	asWantRevoked200(t, postForm(t, w, "/revoke", url.Values{"token": {next.RefreshToken}}, asBasic(ClientWeb, webSecret)))
	f.Set("refresh_token", next.RefreshToken)
	asWantError(t, postForm(t, w, "/token", f, asBasic(ClientWeb, webSecret)), 400, CodeInvalidGrant)
}
