package scenarios

import (
	"cmp"

	"github.com/tokensim/tokensim/sim"
)

// feasibility catches steps that cannot happen whatever the outcomes:
// acting before anyone logged in, or an attacker using a token no earlier
// step could have given it.
func (v *validator) feasibility() {
	sc := v.sc
	loggedIn, atk := false, map[string]bool{}
	// gone: an earlier attacker.script-gone ended the injected script, so
	// a script action may still be shown failing but gives nothing.
	gone := false
	topology := sim.Topology(cmp.Or(sc.Topology, string(sim.TopologyOAuth)))
	storage := sim.Storage(sc.Storage)
	if storage == "" {
		storage = topology.DefaultStorage(sim.ClientKind(cmp.Or(sc.Client, string(sim.KindSPA))))
	}
	for i, st := range sc.Steps {
		n := i + 1
		switch st.Do {
		case "login":
			loggedIn = true
			if st.Params["resource"] != "" {
				if err := topology.CheckResource(); err != nil {
					v.errAt(st.Pos, "step %d: login with resource: %v", n, err)
				}
			}
			if st.Params["prompt"] != "" || st.Params["max_age"] != "" {
				// prompt and max_age talk to the AS's session (OIDC Core
				// §3.1.2.1): the engine says where there is one.
				if err := topology.CheckASSession(); err != nil {
					v.errAt(st.Pos, "step %d: login with prompt or max_age: %v", n, err)
				}
			}
		case "call", "refresh", "present", "refresh-with", "race":
			if st.Do == "race" {
				if err := topology.CheckRace(storage); err != nil {
					v.errAt(st.Pos, "step %d: race: %v", n, err)
				}
			}
			if st.Do == "refresh" && (st.Params["resource"] != "" || st.Params["scope"] != "") {
				if err := topology.CheckResource(); err != nil {
					v.errAt(st.Pos, "step %d: refresh with resource or scope: %v", n, err)
				}
			}
			if !loggedIn {
				v.errAt(st.Pos, "step %d: %s before any login: the app has no token yet", n, st.Do)
			}
		case "steal":
			if !loggedIn {
				v.errAt(st.Pos, "step %d: steal before any login: there is nothing to steal", n)
			}
			// The engine's reach rule: a position that can never get the
			// token gives the attacker nothing to use later.
			script := st.Params["from"] == string(sim.SourceScript)
			if ok, _ := sim.Source(st.Params["from"]).Reaches(sim.TokenKind(st.Params["token"]), storage, topology); ok && !(script && gone) {
				atk[st.Params["token"]] = true
				// A proof travels with the access token in a request, never
				// in storage: only a log line or the wire has one.
				if st.Params["token"] == "access" && st.Params["from"] != string(sim.SourceScript) {
					atk["proof"] = true
				}
			}
		case "attacker.call":
			if !atk["access"] {
				v.errAt(st.Pos, "step %d: the attacker calls the API but no earlier step gives it an access token (steal one, or attacker.refresh)", n)
			}
			if st.Params["scheme"] == string(sim.PresentReplay) && !atk["proof"] {
				v.errAt(st.Pos, "step %d: scheme replay sends a captured DPoP proof, but no earlier step steals the access token from a log or the network, where a proof travels with it", n)
			}
		case "attacker.refresh":
			if !atk["refresh"] {
				v.errAt(st.Pos, "step %d: the attacker refreshes but no earlier step lets it steal a refresh token", n)
			}
			atk["access"] = true
		case "attacker.forge":
			if st.Params["forgery"] == string(sim.ForgeTampered) && !atk["access"] {
				v.errAt(st.Pos, "step %d: a tampered forgery edits a real token, but no earlier step gives the attacker an access token (steal one first)", n)
			}
		case "attacker.ride":
			// The engine's rule: riding needs a session the browser sends.
			gives, err := topology.CheckRide(storage)
			if err != nil {
				v.errAt(st.Pos, "step %d: attacker.ride: %v", n, err)
			}
			if gives == sim.TokenAccess && !gone {
				atk["access"] = true
			}
		case "attacker.script-gone":
			gone = true
		case "service.token", "service.call":
			// The engine's rule: a machine client needs an AS to ask.
			if err := topology.CheckClientCredentials(); err != nil {
				v.errAt(st.Pos, "step %d: %s: %v", n, st.Do, err)
			}
		case "end-session", "attacker.silent-login":
			// The engine's rule: only a world with an AS has its session.
			if err := topology.CheckASSession(); err != nil {
				v.errAt(st.Pos, "step %d: %s: %v", n, st.Do, err)
			}
			if st.Do == "attacker.silent-login" && !gone {
				// It may fail (no session, a confidential client); when it
				// works the attacker holds fresh tokens.
				atk["access"], atk["refresh"] = true, true
			}
		}
	}
}
