// Package sim is tokensim's world: a deterministic, in-process simulation in
// which a user's browser, a client application, an authorization server (AS),
// a resource server (API) and an attacker exchange real HTTP messages on a
// virtual clock.
//
// Everything a learner is shown comes from this package: exchanges and state
// changes are [Event]s with a causal reason, and [World.Inspect] reports each
// actor's tokens, the AS's refresh-token families and the counters. The AS and
// the API are ordinary [net/http.Handler]s, so the same code can be served over
// TCP (a host publishes a world with [Config].Hosting and records socket
// traffic with [World.Record]; package serve is one); in-process they are
// reached through the in-memory wire, which records every exchange the same
// way.
//
// The files are grouped by actor: as_* the authorization server, api_* the
// resource server, client_* the app, attacker_* the attacker, dpop_* DPoP
// proofs on every side; world, config, hosting, inspect, event and policy
// tie them together.
//
// A world is a value: make as many as you like. Given the same [Config] (seed
// included) two worlds produce byte-identical events and tokens, as long as
// the signing algorithm is deterministic (RS256 and EdDSA are; ES256
// signatures are randomized by Go's crypto and differ between runs).
//
// The package imports nothing of tokensim's scenarios, tui, serve or cmd
// packages.
package sim
