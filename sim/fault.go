package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// faults are what an operator injected into a served world to test an
// app's refresh logic (serve's /sim/faults/ endpoints): access tokens
// expired early, and failures armed for the next token requests. The zero
// value injects nothing, which is every lesson world.
type faults struct {
	mu sync.Mutex
	// expired are the access tokens ExpireAccessTokens ended, by jti: what
	// the world's own APIs refuse however they validate. Entries go once
	// the token's own exp has passed.
	expired map[string]denied
	token   tokenFault
}

// tokenFault is a failure armed for the next left token requests.
type tokenFault struct {
	left, of int
	mode     string
	delay    time.Duration
}

// The token-endpoint faults FailTokenRequests arms, and their bounds.
const (
	faultInvalidGrant = "invalid_grant"
	faultUnavailable  = "temporarily_unavailable"
	fault500          = "500"
	fault503          = "503"
	faultDelay        = "delay"
	// maxFaultRequests bounds how many token requests one fault fails.
	maxFaultRequests = 100
	// maxFaultDelay bounds a delay: below serve's 30 s write timeout,
	// and a shutdown ends any delay at once anyway.
	maxFaultDelay = 20 * time.Second
)

// ExpireAccessTokens ends every access token the AS issued that is still
// live: introspection reports each inactive (RFC 7662 §2.2) and the
// world's own APIs refuse it, whatever their mode, as a deployment tells
// its own resource servers. An external API that validates the JWTs itself
// cannot know: it accepts them until their exp. It returns how many ended.
func (w *World) ExpireAccessTokens() int {
	as := w.as
	as.mu.Lock()
	now := as.env.clock.Now()
	why := "an operator expired every access token at " + when(now) + " (POST /sim/faults/expire-access)"
	f := &as.env.faults
	f.mu.Lock()
	if f.expired == nil {
		f.expired = map[string]denied{}
	}
	for jti, d := range f.expired {
		if !now.Before(d.exp) {
			delete(f.expired, jti)
		}
	}
	n := 0
	for _, at := range as.access {
		if at.revoked() || !now.Before(at.exp) {
			continue
		}
		at.revokedAt, at.revokedWhy = now, why
		f.expired[at.jti] = denied{exp: at.exp, reason: why}
		n++
	}
	f.mu.Unlock()
	as.mu.Unlock()
	as.env.emit(Event{Kind: KindFault, From: ActorAS,
		Reason:  fmt.Sprintf("%s: %d live %s now. Introspection and this server's own API refuse them (401 invalid_token), so a client must refresh, or log in again; its refresh tokens are untouched. An external API that validates the JWTs itself cannot see this and accepts them until their exp", why, n, text.Plural(n, "access token ends", "access tokens end")),
		Summary: fmt.Sprintf("%d %s early", n, text.Plural(n, "access token expired", "access tokens expired"))})
	return n
}

// expiredAccess is the API's check of ExpireAccessTokens: the token's jti,
// refused with the operator's reason, or nil.
func (f *faults) expiredAccess(jti, name string) *invalidToken {
	f.mu.Lock()
	d, ok := f.expired[jti]
	f.mu.Unlock()
	if !ok {
		return nil
	}
	return &invalidToken{"The access token expired", orName(name) + " was ended before its exp: " + d.reason + "; a client refreshes, as at any expiry"}
}

// FailTokenRequests makes the next n requests to the token endpoint fail
// as mode says, whatever their grant: invalid_grant (400, as for a dead
// refresh token, though the token is untouched); temporarily_unavailable
// (503 with Retry-After and that code in the body); 500 or 503 as a
// crashed AS or a proxy sends them (plain text, no OAuth body); or delay,
// served normally after d. Arming replaces what was armed.
func (w *World) FailTokenRequests(n int, mode string, d time.Duration) error {
	switch {
	case n < 1 || n > maxFaultRequests:
		return fmt.Errorf("%w: n must be 1 to %d, not %d", ErrFault, maxFaultRequests, n)
	case mode == faultDelay && (d <= 0 || d > maxFaultDelay):
		return fmt.Errorf("%w: a delay must be more than 0 and at most %s", ErrFault, text.FormatDuration(maxFaultDelay))
	case mode != faultDelay && d != 0:
		return fmt.Errorf("%w: only the delay fault takes a duration", ErrFault)
	}
	what, ok := tokenFaultWords(mode, d)
	if !ok {
		return fmt.Errorf("%w: unknown token fault %q (invalid_grant, temporarily_unavailable, 500, 503, delay)", ErrFault, mode)
	}
	f := &w.env.faults
	f.mu.Lock()
	f.token = tokenFault{left: n, of: n, mode: mode, delay: d}
	f.mu.Unlock()
	w.env.emit(Event{Kind: KindFault, From: ActorAS,
		Reason:  fmt.Sprintf("an operator armed a fault: %s %s", text.Plural(n, "the next token request will", fmt.Sprintf("the next %d token requests will", n)), what),
		Summary: "the next " + text.Plural(n, "POST /token fails", strconv.Itoa(n)+" POST /token requests fail") + " as armed, whatever the grant"})
	return nil
}

// tokenFaultWords says what a token fault does and what a client must do.
func tokenFaultWords(mode string, d time.Duration) (string, bool) {
	switch mode {
	case faultInvalidGrant:
		return "get 400 invalid_grant, which tells a client its grant is dead: it must log in again, not retry (RFC 6749 section 5.2); here the refresh token is in fact untouched", true
	case faultUnavailable:
		return "get 503 with Retry-After and the code temporarily_unavailable in the body. RFC 6749 section 5.2 does not list that code for the token endpoint (section 4.1.2.1 defines it for the authorization endpoint's redirect, where a 503 cannot reach the client); at /token the status 503 and Retry-After (RFC 9110 sections 15.6.4, 10.2.3) are what a client can rely on: wait and retry, keep the refresh token", true
	case fault500:
		return "get 500 with a plain-text body, as a crashed server sends it: no OAuth error to read; a client keeps its refresh token and retries later", true
	case fault503:
		return "get 503 with Retry-After and a plain-text body, as a proxy in front of the AS sends it: a client waits and retries, keeping its refresh token", true
	case faultDelay:
		return "wait " + text.FormatDuration(d) + " of wall time before being served normally: a client needs a timeout, and a refresh it abandoned may still have rotated the token", true
	}
	return "", false
}

// tokenFaults wraps the token endpoint, outside the AS's lock, so that a
// delay holds up no other request: it applies an armed fault to this
// request, or passes it on.
func (as *AuthServer) tokenFaults(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := &as.env.faults
		f.mu.Lock()
		tf := f.token
		if tf.left > 0 {
			f.token.left--
		}
		f.mu.Unlock()
		if tf.left == 0 {
			next(w, r)
			return
		}
		k := fmt.Sprintf("an operator's fault (%d of %d)", tf.of-tf.left+1, tf.of)
		n := noteOf(r)
		switch tf.mode {
		case faultDelay:
			t := time.NewTimer(tf.delay)
			defer t.Stop()
			waited := "delayed " + text.FormatDuration(tf.delay) + " by " + k
			select {
			case <-t.C:
			case <-r.Context().Done(): // the client left, or the server is shutting down
				waited = "the delay by " + k + " was cut short: the client left or the server is shutting down"
			}
			next(w, r)
			if n.reason == "" {
				n.reason = waited
			} else {
				n.reason = waited + "; " + n.reason
			}
		case faultInvalidGrant:
			writeOAuthError(w, r, newErr(400, CodeInvalidGrant, "injected by an operator's fault; the grant is in fact untouched").
				because("invalid_grant injected by "+k+": a client must treat it as a dead grant and log the user in again (RFC 6749 section 5.2)"))
		case faultUnavailable:
			noStore(w)
			w.Header().Set("Retry-After", "1")
			n.err, n.reason = faultUnavailable, "503 temporarily_unavailable injected by "+k+": a client waits Retry-After and retries with the same refresh token"
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": faultUnavailable, "error_description": "injected by an operator's fault: retry after Retry-After"})
		case fault503:
			w.Header().Set("Retry-After", "1")
			n.reason = "503 injected by " + k + ", plain text as a proxy sends it: a client waits Retry-After and retries"
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		default: // fault500
			n.reason = "500 injected by " + k + ", plain text as a crashed server sends it: a client keeps its refresh token and retries later"
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}
	}
}
