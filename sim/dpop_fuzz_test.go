package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/tokensim/tokensim/sim/jose"
)

// FuzzDPoPProof feeds arbitrary DPoP header values (several when the input
// holds newlines) to the proof checker of RFC 9449 §4.3, for a request
// with an access token. Whatever arrives, it must not panic; a refusal
// carries an RFC 9449 error code, a wire description and a reason; and an
// accepted proof is one the checks above it really passed: a single header,
// typ dpop+jwt, and, re-checked without the engine's code (proofCheck): a
// signature by its own jwk, whose RFC 7638 thumbprint is the jkt reported,
// and htm, htu and ath of this request.
func FuzzDPoPProof(f *testing.F) {
	k := dpopTestKey(f, 1)
	const at = "access-token-value"
	now := dpopTestNow
	valid, err := k.proof("GET", dpopTestURI, at, "", "jti-1", now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid + "\n" + valid)
	f.Add("")
	f.Add("a.b.c")
	f.Add(strings.Replace(valid, "e", "f", 1))
	f.Add("eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6Im5vbmUifQ.e30.")
	f.Add("eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIn19.e30.AAAA")
	noncer, _ := k.proof("GET", dpopTestURI+"?q=1", at, "n", "jti-2", now)
	f.Add(noncer)
	// Proofs made for another request: each must be refused.
	for _, other := range []struct{ htm, htu, at string }{
		{"GET", APIAudience + "/api/profile", at},
		{"POST", dpopTestURI, at},
		{"GET", dpopTestURI, "another-access-token"},
	} {
		p, _ := k.proof(other.htm, other.htu, other.at, "", "jti-3", now)
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var values []string
		if in != "" {
			values = strings.Split(in, "\n")
		}
		p, fail := checkDPoP(values, dpopRequest{method: "GET", uri: dpopTestURI, accessToken: at, now: now, leeway: 30 * time.Second})
		if fail != nil {
			if p != nil {
				t.Fatal("a proof and a failure at once")
			}
			if fail.code != CodeInvalidDPoPProof && fail.code != CodeUseDPoPNonce || fail.desc == "" || fail.reason == "" {
				t.Fatalf("failure %+v", fail)
			}
			if strings.ContainsAny(errorDescription(fail.desc), "\"\\") {
				t.Fatalf("description %q would break the challenge", fail.desc)
			}
			return
		}
		if len(values) != 1 || p == nil || p.jkt == "" || p.jti == "" {
			t.Fatalf("accepted %d values: %+v", len(values), p)
		}
		d, err := jose.Decode(values[0])
		if err != nil || !strings.EqualFold(d.Header["typ"].(string), jose.TypDPoP) || d.Header["alg"] != "ES256" {
			t.Fatalf("accepted a proof with header %v (%v)", d.Header, err)
		}
		if wrong := proofCheck(values[0], p.jkt, "GET", dpopTestURI, at); wrong != "" {
			t.Fatalf("accepted %q: %s", values[0], wrong)
		}
	})
}
