package sim

// explanation is the narrator's knowledge of a token someone presented:
// its label and, if the AS considers it dead, why.
type explanation struct {
	label   string // at-2, rt-1; "" when unknown
	name    string // how reasons call it: "access token at-2", "an ID token"
	deadWhy string
}

// explain identifies raw among the tokens the AS issued. It verifies
// nothing: it only names tokens in reasons shown to the learner.
func (as *AuthServer) explain(raw string) explanation {
	as.mu.Lock()
	defer as.mu.Unlock()
	if rt, ok := as.refresh[hashToken(raw)]; ok {
		return explanation{label: rt.label, name: "refresh token " + rt.label}
	}
	at, ok := as.issued[raw]
	switch {
	case !ok:
		return explanation{} // not a token this AS issued: a forgery, or another issuer's
	case at == nil:
		return explanation{name: "an ID token"}
	}
	ex := explanation{label: at.label, name: "access token " + at.label}
	switch {
	case at.revoked():
		ex.deadWhy = "revoked at " + when(at.revokedAt) + ": " + at.revokedWhy
	case !as.env.clock.Now().Before(at.exp):
		ex.deadWhy = "expired at " + when(at.exp)
	}
	return ex
}
