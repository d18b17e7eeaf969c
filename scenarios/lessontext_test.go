package scenarios

import (
	"strings"
	"testing"
)

// lessonText is everything a learner reads in lesson id: at step 0 the
// title, summary and goals; at step n (1-based) that step's title,
// narration and quiz; with whitespace collapsed, since narration wraps.
func lessonText(t *testing.T, id string, step int) string {
	t.Helper()
	sc, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	if step == 0 {
		parts = append(append(parts, sc.Title, sc.Summary), sc.Goals...)
	} else {
		if step > len(sc.Steps) {
			t.Fatalf("%s has %d steps, not %d", id, len(sc.Steps), step)
		}
		st := sc.Steps[step-1]
		parts = append(parts, st.Title, st.Narration)
		if q := st.Quiz; q != nil {
			parts = append(parts, q.Texts()...)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// wholeLesson is every step's text and the lesson's own, for sentences that
// must appear nowhere in it.
func wholeLesson(t *testing.T, id string) string {
	t.Helper()
	sc, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; i <= len(sc.Steps); i++ {
		b.WriteString(lessonText(t, id, i) + " ")
	}
	return b.String()
}

// TestLessonTextCorrected holds the catalogue to what the sources say: each
// row is a finding of issue 12's review (section 2), the corrected sentence
// the learner must read, the wrong one that must be gone, and the source.
func TestLessonTextCorrected(t *testing.T) {
	for _, tc := range []struct {
		id     string
		step   int      // 0: title, summary, goals; -1: anywhere in the lesson
		want   []string // corrected text, present in that step
		gone   []string // the wrong text, absent from the whole lesson
		source string
	}{
		// A BFF keeps tokens on the server and gives the browser only a
		// session cookie; injected script reaches tokens held in memory too
		// (draft-ietf-oauth-browser-based-apps: BFF; in-memory storage).
		{"reuse-dos", 9, []string{
			"backend-for-frontend that holds the tokens on the server and gives the browser only an httpOnly session cookie",
			"keeping it in a JavaScript variable instead of localStorage is not enough, because injected script runs in the same page",
		}, []string{"where scripts cannot read them (memory, or an httpOnly cookie set by a backend-for-frontend)"},
			"draft-ietf-oauth-browser-based-apps"},
		// Ory Hydra allows grace periods of up to 5 minutes (30 days with a
		// count limit; Ory docs, graceful token refresh).
		{"reuse-dos", 5, []string{"beyond these presets' grace intervals", "Ory Hydra can be set to allow up to 5 minutes"},
			[]string{"beyond any grace interval"}, "Ory docs: graceful-token-refresh"},
		{"refresh-theft-rotation", 5, []string{"a minute is beyond these presets' grace intervals"},
			[]string{"beyond any such grace interval"}, "Ory docs: graceful-token-refresh"},
		// A retired rt-1 ends only its own family; each further logout
		// needs a fresh theft (RFC 9700 §4.14.2 revokes one family).
		{"reuse-dos", 0, []string{"once per stolen token"}, []string{"at will"}, "RFC 9700 §4.14.2"},
		{"reuse-dos", 8, []string{"rt-1 could end only this family", "needs a fresh theft"},
			[]string{"repeat this after every login, for as long as it holds a refresh token of hers"}, "RFC 9700 §4.14.2"},
		{"reuse-dos", 6, []string{"at a moment of its choosing"}, []string{"whenever it likes"}, "RFC 9700 §4.14.2"},
		// Rotation detects a copy only when the old token is presented
		// again (RFC 9700 §4.14.2); a persistent script or an absent victim
		// means no reuse is ever seen.
		{"refresh-theft-rotation", 11, []string{
			"Rotation caught this thief only because Alice's app came back and presented rt-1 again",
			"If she had closed the app, no reuse would ever be seen",
			"a script that stays in her page takes each new refresh token as it arrives",
		}, nil, "RFC 9700 §4.14.2"},
		{"refresh-theft-no-rotation", 12, []string{"a victim who closed the app never presents the old token, and no reuse is seen"}, nil, "RFC 9700 §4.14.2"},
		{"first-party", 14, []string{"Rotation caught the copy only because Alice's page came back with rt-4"}, nil, "RFC 9700 §4.14.2"},
		// RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate the
		// access tokens of the same grant (where the AS supports it).
		{"refresh-theft-rotation", 6, []string{"RFC 7009 section 2.1"}, nil, "RFC 7009 §2.1"},
		{"refresh-theft-victim-first", 5, []string{"after RFC 7009 section 2.1"}, nil, "RFC 7009 §2.1"},
		// The 15-minute bound holds for the log-leak vector only: injected
		// script reaches the refresh token while it runs.
		{"access-token-theft", 4, []string{"a script in the page reaches the refresh token too"}, nil, "RFC 9700 §4.14"},
		{"access-token-theft", 10, []string{
			"the log gives it no way to get more",
			"That bound holds for this leak of the access token alone",
			"An injected script, the other vector above, also reaches the refresh token while it runs",
		}, []string{"and has no way to get more"}, "RFC 9700 §4.14"},
		// mTLS is the other sender-constraining mechanism (RFC 8705 §3).
		{"access-token-theft", 5, []string{"DPoP (RFC 9449)", "mutual TLS (RFC 8705)"}, nil, "RFC 8705 §3"},
		// DPoP does not stop a live script: it can sign proofs while it runs,
		// pre-generate proofs with a future iat (RFC 9449 §11.2; server
		// nonces stop it) and start a new grant bound to its own key (§11.4).
		{"dpop-binding", 0, []string{"copies taken off the machine are useless without it"},
			[]string{"so the attacker's copies are useless"}, "RFC 9449 §11.4"},
		{"dpop-binding", 8, []string{
			"while it runs in the page it can ask the key to sign",
			"sign proofs with a future iat", "RFC 9449 section 11.2", "a server nonce, section 8, stops that",
			"bound to a key of its own (section 11.4)", "DPoP stops a copy used elsewhere, not a script in the page",
		}, nil, "RFC 9449 §11.2, §11.4"},
		{"dpop-binding", 5, []string{"the stolen token is useless on the attacker's machine"}, nil, "RFC 9449 §11.4"},
		{"dpop-binding", 11, []string{"From its own machine the attacker can do nothing with either stolen token"},
			[]string{"can do nothing with either."}, "RFC 9449 §11.4"},
		// The first-party backend is the token issuer: no delegation,
		// consent or SSO; a password posted anywhere but the AS is the
		// password grant RFC 9700 §2.4 forbids.
		{"first-party", 1, []string{"the app's own backend is the token issuer", "It is not OAuth",
			"the password is typed only at the auth server's own page", "password grant, which RFC 9700 section 2.4 forbids"},
			[]string{"No authorization server and no redirects"}, "RFC 9700 §2.4"},
		{"first-party", 17, []string{"no delegation to another app, no consent and no single sign-on"},
			[]string{"all work as they do in OAuth, without the OAuth vocabulary"}, "RFC 6749 §1"},
		// In a single-page app the verifier sits in the same origin as
		// injected script (RFC 9449 §11.9: XSS may obtain the code and the
		// PKCE parameters); the challenge is BASE64URL(SHA256(verifier))
		// (RFC 7636 §4.2).
		{"login", 1, []string{"useless without the PKCE verifier, which never travels in a URL",
			"BASE64URL(SHA256(code_verifier))", "RFC 7636 section 4.2",
			"It does not stop script injected into the app's own page", "RFC 9449 section 11.9"},
			[]string{"only the app holds", "whose SHA-256 the auth server saw"}, "RFC 7636 §4.2, RFC 9449 §11.9"},
		// aud may be an array (RFC 7519 §4.1.3); RFC 9700 §2.3 allows a
		// small set of resource servers; the refresh token also goes to
		// /revoke (RFC 7009 §2).
		{"refresh-token-at-api", 0, []string{"Where each token belongs"}, []string{"Each token has one audience"}, "RFC 7519 §4.1.3"},
		{"refresh-token-at-api", 6, []string{"to /token, and to /revoke at logout (RFC 7009)", "aud may list several (RFC 7519 section 4.1.3)", "RFC 9700 section 2.3"},
			[]string{"exactly one place it should go"}, "RFC 7519 §4.1.3, RFC 7009 §2"},
		{"refresh-token-at-api", 1, []string{"the refresh token for the auth server (its token endpoint, and /revoke at logout)"},
			[]string{"the refresh token for the auth server's token endpoint"}, "RFC 7009 §2"},
		{"silent-refresh", 1, []string{"goes only to the auth server, to its token endpoint (and to /revoke at logout, RFC 7009)"},
			[]string{"goes only to the auth server's token endpoint"}, "RFC 7009 §2"},
		{"bearer-calls", 7, []string{"only ever goes back to the auth server (to /token, or to /revoke at logout, RFC 7009)"},
			[]string{"only ever goes back to that endpoint"}, "RFC 7009 §2"},
		{"wrong-audience", 6, []string{"though aud may list several (RFC 7519 section 4.1.3", "checks that it is among them"},
			[]string{"Every token has one audience"}, "RFC 7519 §4.1.3"},
		// The API checks typ, iss, aud and exp besides the signature
		// (RFC 9068 §4; sim/validate.go).
		{"logout", 8, []string{"checks the token locally (signature, typ, iss, aud, exp)"},
			[]string{"checks only the signature and exp"}, "RFC 9068 §4"},
		{"logout-layers", 8, []string{"checks it locally (signature, typ, iss, aud, exp)", "servers differ here: see tokensim presets"},
			[]string{"checks its signature and exp and never", "other servers do not"}, "RFC 9068 §4; the presets' logout_revokes_refresh, most unverified"},
		// offline_access is for access while the user is absent and needs
		// consent (OIDC Core §11); many ASs issue session-bound refresh
		// tokens without it.
		{"expiry", 1, []string{"a refresh token for access while the user is absent, which needs her consent",
			"many auth servers issue a session-bound refresh token without it"},
			[]string{"the scope OIDC Core section 11 defines for refresh tokens"}, "OIDC Core §11"},
		// The leeway is meant for clock skew, but in effect lengthens every
		// copy's acceptance (RFC 7519 §4.1.4), as clock-skew says.
		{"expiry", 4, []string{"not to lengthen the token's life; but in effect every copy, a stolen one too, is accepted that much longer"},
			[]string{"It is not extra lifetime"}, "RFC 7519 §4.1.4"},
		{"clock-skew", 5, []string{"every second of leeway is a second of extra life for a stolen token"}, nil, "RFC 7519 §4.1.4"},
	} {
		got := lessonText(t, tc.id, tc.step)
		all := wholeLesson(t, tc.id)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s step %d lacks the corrected text (%s): %q\nit reads: %s", tc.id, tc.step, tc.source, w, got)
			}
		}
		for _, g := range tc.gone {
			if strings.Contains(all, g) {
				t.Errorf("%s still says %q, which %s contradicts", tc.id, g, tc.source)
			}
		}
	}
}
