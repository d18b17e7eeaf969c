// Package jose holds the JOSE wire formats the simulated world writes and
// reads, with no world state: the signing algorithms and the committed demo
// keys (RFC 7518 §3.1), public JWKs (RFC 7517 §4), the media-type rule for
// the typ header (RFC 7515 §4.1.9) and an unverified split of a compact JWS
// for display. Package sim builds on it; it imports nothing of tokensim's.
package jose
