package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tokensim/tokensim/internal/text"
)

// Service is a machine client: a backend service (a nightly job, another
// server) registered at the AS as the confidential client ClientService.
// It gets access tokens for itself with the client credentials grant (RFC
// 6749 §4.4), authenticating with its secret over HTTP Basic (§2.3.1), and
// calls the API with them. No user, no browser, no AS session. It gets no
// refresh token (§4.4.3), so when its token expires it simply asks again.
type Service struct {
	env     *env
	http    *http.Client
	issuer  string
	apiBase string
	// topology is the world's: the first-party backend issues tokens to
	// its own app only, so there the service has no AS to ask.
	topology Topology

	mu    sync.Mutex
	token string
	exp   time.Time // from expires_in: the service treats the token as opaque (RFC 9068 §6)
	scope string    // what it asked for last, asked for again when it renews
}

func newService(e *env, w *wire, issuer, apiBase string, t Topology) *Service {
	return &Service{env: e, http: w.Client(ActorService), issuer: issuer, apiBase: apiBase, topology: t}
}

// CheckClientCredentials says whether a world of topology t has an
// authorization server a machine client can ask: the one rule the service
// and the scenario validator share.
func (t Topology) CheckClientCredentials() error {
	if t == TopologyFirstParty {
		return fmt.Errorf("%w: in the first-party topology the app's own backend issues tokens to its own app only; there is no authorization server and no client credentials grant", ErrNoMachineClients)
	}
	return nil
}

func (s *Service) note(format string, args ...any) {
	s.env.emit(Event{Kind: KindClientNote, From: ActorService, Summary: fmt.Sprintf(format, args...)})
}

// Token asks the AS for an access token with the client credentials grant
// (RFC 6749 §4.4.2) and keeps it. scope "" asks for the client's default
// scope (§3.3).
func (s *Service) Token(scope string) Outcome { return s.TokenWith(scope, serviceSecret) }

// TokenWith is Token with the secret the service sends, so that a lesson
// can show what a wrong one gets: 401 invalid_client (§5.2).
func (s *Service) TokenWith(scope, secret string) Outcome {
	if err := s.topology.CheckClientCredentials(); err != nil {
		return Outcome{Error: CodeBadRequest, Reason: err.Error()}
	}
	form := url.Values{"grant_type": {grantClientCredentials}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, _ := http.NewRequest(http.MethodPost, s.issuer+"/token", strings.NewReader(form.Encode())) // a fixed, valid URL
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// client_secret_basic: id and secret form-URL-encoded, then Basic
	// (RFC 6749 §2.3.1).
	req.SetBasicAuth(url.QueryEscape(ClientService), url.QueryEscape(secret))
	_, body, o := s.env.send(s.http, req)
	if !o.OK() {
		return o
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return Outcome{Status: o.Status, Error: CodeBadRequest, Reason: "the token response has no access token"}
	}
	now := s.env.clock.Now()
	exp := now.Add(time.Duration(tr.ExpiresIn) * time.Second)
	s.mu.Lock()
	// The scope is remembered only when granted: a refused request leaves
	// the service as it was.
	s.token, s.exp, s.scope = tr.AccessToken, exp, scope
	s.mu.Unlock()
	rt := "and no refresh token, as RFC 6749 section 4.4.3 advises: when this one expires it asks again with its secret"
	if tr.RefreshToken != "" {
		rt = "and a refresh token, which RFC 6749 section 4.4.3 says should not be included"
	}
	s.note("the service keeps access token (expires_in %d: until %s) in its memory, %s", tr.ExpiresIn, when(exp), rt)
	return o
}

// Call calls the API with the service's access token. A token that has
// expired, or none at all, is renewed first by asking the AS again; a 401
// invalid_token is answered by asking again and retrying once. There is no
// refresh grant: the client's own credentials are the grant (§4.4).
func (s *Service) Call(method, path string) Outcome {
	s.mu.Lock()
	at, exp, scope := s.token, s.exp, s.scope
	s.mu.Unlock()
	now := s.env.clock.Now()
	switch {
	case at == "":
		s.note("the service holds no access token: it asks the AS for one")
	case !now.Before(exp):
		s.note("the service's access token expired at %s (%s ago): it asks the AS for a new one with its credentials; there is no refresh token", when(exp), text.FormatDuration(now.Sub(exp).Truncate(time.Second)))
	}
	if at == "" || !now.Before(exp) {
		if o := s.Token(scope); !o.OK() {
			return o
		}
	}
	o := s.callOnce(method, path)
	if o.Status == http.StatusUnauthorized && o.Error == CodeInvalidToken {
		s.note("401 invalid_token: the service asks the AS for a new token and retries once")
		if t := s.Token(scope); !t.OK() {
			return t
		}
		return s.callOnce(method, path)
	}
	return o
}

func (s *Service) callOnce(method, path string) Outcome {
	s.mu.Lock()
	at := s.token
	s.mu.Unlock()
	req, err := http.NewRequest(method, s.apiBase+path, nil)
	if err != nil {
		return Outcome{Error: CodeBadRequest, Reason: "the request cannot be built: " + err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+at)
	_, _, o := s.env.send(s.http, req)
	return o
}

// held is the token the service holds, for inspection.
func (s *Service) held() heldToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	return heldToken{ActorService, "access", s.token, "service's memory"}
}
