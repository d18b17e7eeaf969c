package sim

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
)

// Flaw is one mistake a resource server's token validation can make. Each
// is a bug class real APIs have shipped (RFC 8725 §2 lists them); the attack
// lab switches them on one at a time to show which forgery each lets in.
type Flaw uint16

const (
	// FlawNoAlgAllowlist: the API lets the token's own alg header choose
	// the verification algorithm and does not check that the key is for
	// that algorithm (RFC 8725 §2.1, §3.1).
	FlawNoAlgAllowlist Flaw = 1 << iota
	// FlawAllowNone: the API accepts unsigned tokens (alg none), as
	// libraries once did by default (RFC 8725 §2.1).
	FlawAllowNone
	// FlawKeyAsBytes: the key function hands the library the AS's public
	// key as PEM bytes for an HMAC algorithm, so whoever has the public key
	// can make a "valid" HS256 signature: key confusion (RFC 8725 §2.1).
	FlawKeyAsBytes
	// FlawKidLookup: the API resolves kid as a file path or splices it into
	// an SQL query, unsanitised (RFC 8725 §3.10).
	FlawKidLookup
	// FlawTrustJKU: the API fetches verification keys from the URL in the
	// token's jku header (RFC 7515 §4.1.2; RFC 8725 §3.10).
	FlawTrustJKU
	// FlawTrustX5U: the API fetches a certificate from the token's x5u
	// header and trusts its key (RFC 7515 §4.1.5).
	FlawTrustX5U
	// FlawTrustJWK: the API verifies with the key embedded in the token's
	// own jwk header (RFC 7515 §4.1.3).
	FlawTrustJWK
	// FlawNoSignatureCheck: the API decodes the token and checks its claims
	// without verifying the signature (jwt.ParseUnverified in production).
	FlawNoSignatureCheck
	// FlawSkipAudience: the API does not check aud, so a token meant for
	// another API works here (RFC 9068 §4; RFC 8725 §3.9).
	FlawSkipAudience
	// FlawSkipTyp: the API does not check typ, so an ID token passes as an
	// access token (RFC 9068 §4; RFC 8725 §3.11).
	FlawSkipTyp

	flawEnd // keep last
)

// Flaws is a validation profile: the set of flaws the API has. The zero
// value is the hardened profile.
type Flaws Flaw

// Profile names.
const (
	ProfileHardened   = "hardened"
	ProfileVulnerable = "vulnerable"
)

// vulnerableFlaws is the vulnerable profile: every flaw but
// FlawNoSignatureCheck. That one lets any token in and would hide what the
// others teach, so it is switched on by name only.
func vulnerableFlaws() Flaws { return Flaws(flawEnd-1) &^ Flaws(FlawNoSignatureCheck) }

var flawNames = map[Flaw]string{
	FlawNoAlgAllowlist:   "no-alg-allowlist",
	FlawAllowNone:        "allow-none",
	FlawKeyAsBytes:       "key-as-bytes",
	FlawKidLookup:        "kid-lookup",
	FlawTrustJKU:         "trust-jku",
	FlawTrustX5U:         "trust-x5u",
	FlawTrustJWK:         "trust-jwk",
	FlawNoSignatureCheck: "no-signature-check",
	FlawSkipAudience:     "skip-aud",
	FlawSkipTyp:          "skip-typ",
}

var flawDocs = map[Flaw]string{
	FlawNoAlgAllowlist:   "lets the token's alg header pick the algorithm, with no allowlist and no check that the key is for it",
	FlawAllowNone:        "accepts unsigned tokens (alg none)",
	FlawKeyAsBytes:       "hands the library the AS's public key as PEM bytes when the token says HS256",
	FlawKidLookup:        "reads kid as a file path or splices it into an SQL query",
	FlawTrustJKU:         "fetches keys from the URL in the token's jku header",
	FlawTrustX5U:         "fetches a certificate from the URL in the token's x5u header",
	FlawTrustJWK:         "verifies with the key embedded in the token's jwk header",
	FlawNoSignatureCheck: "decodes the token without verifying its signature",
	FlawSkipAudience:     "does not check aud",
	FlawSkipTyp:          "does not check typ",
}

// FlawList is every flaw, in declaration order (a fresh slice each call).
func FlawList() []Flaw {
	var out []Flaw
	for f := Flaw(1); f < flawEnd; f <<= 1 {
		out = append(out, f)
	}
	return out
}

func flawNameList() []string {
	var out []string
	for _, f := range FlawList() {
		out = append(out, f.String())
	}
	return out
}

// String is the flaw's name as the api_validation knob spells it.
func (f Flaw) String() string { return flawNames[f] }

// Doc says what the flawed API does, in a few words.
func (f Flaw) Doc() string { return flawDocs[f] }

// Has reports whether the profile has flaw f.
func (fs Flaws) Has(f Flaw) bool { return fs&Flaws(f) != 0 }

// Hardened reports whether the profile has no flaw.
func (fs Flaws) Hardened() bool { return fs == 0 }

// String writes the profile as the knob accepts it: "hardened",
// "vulnerable" (vulnerableFlaws), or the flaws' names joined by commas.
func (fs Flaws) String() string {
	switch fs {
	case 0:
		return ProfileHardened
	case vulnerableFlaws():
		return ProfileVulnerable
	}
	var names []string
	for _, f := range FlawList() {
		if fs.Has(f) {
			names = append(names, f.String())
		}
	}
	return strings.Join(names, ",")
}

// Len is the number of flaws in the profile.
func (fs Flaws) Len() int { return bits.OnesCount16(uint16(fs)) }

// parseFlaws reads a profile: "hardened", "vulnerable", or flaw names
// separated by commas ("no-alg-allowlist,key-as-bytes").
func parseFlaws(s string) (Flaws, error) {
	if strings.EqualFold(strings.TrimSpace(s), ProfileHardened) {
		return 0, nil
	}
	// "vulnerable" may be joined with flaw names (it is a set of flaws);
	// "hardened", no flaw at all, may not. Each part is checked on its own,
	// so that an error names the part that is wrong, not the first.
	names := append([]string{ProfileVulnerable}, flawNameList()...)
	var fs Flaws
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if strings.EqualFold(part, ProfileHardened) {
			return 0, fmt.Errorf("%s means no flaw at all: it cannot be joined with others (got %q)", ProfileHardened, s)
		}
		name, err := text.Choose(part, names)
		if err != nil {
			return 0, fmt.Errorf("%q is not a flaw: want hardened, vulnerable, or flaws separated by commas (%s)%s", part, strings.Join(flawNameList(), ", "), text.DidYouMean(part, names))
		}
		if name == ProfileVulnerable {
			fs |= vulnerableFlaws()
			continue
		}
		for _, f := range FlawList() {
			if f.String() == name {
				fs |= Flaws(f)
			}
		}
	}
	return fs, nil
}
