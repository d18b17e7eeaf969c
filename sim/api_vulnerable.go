package sim

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tokensim/tokensim/sim/jose"
)

// validateFlawed is the token validation of an API with the flaws fs: the
// mistakes real resource servers make (RFC 8725 §2), each switchable on its
// own. It decides alone; it also returns the flaws the token actually went
// through, so that an acceptance can say which mistake let it in.
//
// Everything here is what NOT to do. validateJWT is the API's hardened
// validation and the one to copy.
func (api *API) validateFlawed(raw, name string, now time.Time, leeway time.Duration, fs Flaws) (*AccessClaims, *invalidToken, []Flaw) {
	name = orName(name)
	var used []Flaw
	use := func(f Flaw) {
		if !slices.Contains(used, f) {
			used = append(used, f)
		}
	}
	hdr, bad := readHeader(raw, name)
	if bad != nil {
		return nil, bad, nil
	}
	// typ and crit as validateJWT, but typ only if the API checks it.
	bad, typWrong := headerFailure(hdr, name, fs.Has(FlawSkipTyp))
	if bad != nil {
		return nil, bad, nil
	}
	if typWrong {
		use(FlawSkipTyp)
	}
	var claims AccessClaims
	opts := []jwt.ParserOption{
		jwt.WithIssuer(api.issuer),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(api.env.clock.toWall(leeway)),
		jwt.WithTimeFunc(api.stampClock(&claims, now)), // in the frame of the token's stamps (clock_stamp.go)
	}
	if !fs.Has(FlawSkipAudience) {
		opts = append(opts, jwt.WithAudience(api.audience))
	}
	keyErr := ""
	var err error
	if fs.Has(FlawNoSignatureCheck) {
		// Decoding is not verifying: ParseUnverified's own doc says so.
		if _, _, err := jwt.NewParser().ParseUnverified(raw, &claims); err != nil {
			return nil, &invalidToken{"The access token is malformed", name + " is not a well-formed JWT"}, nil
		}
		use(FlawNoSignatureCheck)
		err = jwt.NewValidator(opts...).Validate(claims)
	} else {
		if !fs.Has(FlawNoAlgAllowlist) {
			opts = append(opts, jwt.WithValidMethods(allowedAlgs))
		}
		_, err = jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
			k, f, err := api.flawedKey(t, fs)
			if err != nil {
				keyErr = err.Error()
				return nil, err
			}
			if f != 0 {
				use(f)
			}
			if !slices.Contains(allowedAlgs, t.Method.Alg()) {
				use(FlawNoAlgAllowlist)
			}
			api.env.counters.verify(t.Method.Alg())
			return k, nil
		}, opts...)
	}
	if err != nil {
		if alg, _ := hdr.Alg.(string); alg == "none" && fs.Has(FlawNoAlgAllowlist) && errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return nil, &invalidToken{"The access token is not signed", name + " is unsigned (alg none): golang-jwt refuses it unless the key function returns jwt.UnsafeAllowNoneSignatureType, which this API does not (RFC 8725 section 3.1)"}, nil
		}
		if fs.Has(FlawNoAlgAllowlist) && errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return nil, &invalidToken{"The access token signature is invalid", name + "'s signature does not verify with the key the API picked"}, nil
		}
		return nil, api.jwtFailure(err, hdr, &claims, name, keyErr, now, leeway), nil
	}
	if fs.Has(FlawSkipAudience) && !slices.Contains(claims.Audience, api.audience) {
		use(FlawSkipAudience)
	}
	return &claims, nil, used
}

// flawedKey is a key function with the flaws fs. It returns the key and the
// flaw that supplied it (0 when the key came from the AS's JWKS by kid, as
// it should).
func (api *API) flawedKey(t *jwt.Token, fs Flaws) (any, Flaw, error) {
	kid, _ := t.Header["kid"].(string)
	_, hmac := t.Method.(*jwt.SigningMethodHMAC)
	switch {
	case t.Method == jwt.SigningMethodNone && fs.Has(FlawAllowNone):
		return jwt.UnsafeAllowNoneSignatureType, FlawAllowNone, nil
	case t.Method == jwt.SigningMethodNone:
		// Any key but the magic constant: golang-jwt then refuses none by
		// itself (checklist item 81).
		return nil, 0, nil
	case t.Header["jwk"] != nil && fs.Has(FlawTrustJWK):
		b, _ := json.Marshal(t.Header["jwk"])
		var j jose.JWK
		if err := json.Unmarshal(b, &j); err != nil {
			return nil, 0, fmt.Errorf("the embedded jwk is unreadable: %w", err)
		}
		k, err := j.PublicKey()
		return k, FlawTrustJWK, err
	case t.Header["jku"] != nil && fs.Has(FlawTrustJKU):
		u, _ := t.Header["jku"].(string)
		k, err := api.fetchHeaderKey(u, func(body []byte) (crypto.PublicKey, error) {
			var doc struct{ Keys []jose.JWK }
			if err := json.Unmarshal(body, &doc); err != nil {
				return nil, err
			}
			for _, j := range doc.Keys {
				if j.KID == kid {
					return j.PublicKey()
				}
			}
			return nil, fmt.Errorf("no key %s there", quoteID(kid))
		})
		return k, FlawTrustJKU, err
	case t.Header["x5u"] != nil && fs.Has(FlawTrustX5U):
		u, _ := t.Header["x5u"].(string)
		k, err := api.fetchHeaderKey(u, func(body []byte) (crypto.PublicKey, error) {
			block, _ := pem.Decode(body)
			if block == nil {
				return nil, errors.New("no PEM certificate")
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, err
			}
			return cert.PublicKey, nil // no chain, no name check: that is the flaw
		})
		return k, FlawTrustX5U, err
	case hmac && fs.Has(FlawKidLookup) && kidLooksInjected(kid):
		k, err := api.kidStore(kid)
		return k, FlawKidLookup, err
	}
	k, err := api.keys.lookup(kid)
	if err != nil {
		return nil, 0, err
	}
	if hmac && fs.Has(FlawKeyAsBytes) {
		// The key function returns key material in whatever form the
		// token's alg asks for: for HS256, bytes, and the only bytes it has
		// are the public key's PEM, which anyone can download.
		return publicPEM(k.key), FlawKeyAsBytes, nil
	}
	if k.alg != t.Method.Alg() && !fs.Has(FlawNoAlgAllowlist) {
		return nil, 0, fmt.Errorf("key %s is for %s, the token says %s", quoteID(kid), k.alg, t.Method.Alg())
	}
	return k.key, 0, nil
}

// fetchHeaderKey GETs a key from a URL the token named. The request goes
// out as the API's, over the wire, so the learner sees the API calling the
// attacker's server.
func (api *API) fetchHeaderKey(u string, parse func([]byte) (crypto.PublicKey, error)) (crypto.PublicKey, error) {
	api.env.counters.headerKeyFetch()
	resp, err := api.http.Get(u)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBodyBytes))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: status %d", u, resp.StatusCode)
	}
	k, err := parse(body)
	if err != nil {
		return nil, fmt.Errorf("the key at %s: %w", u, err)
	}
	return k, nil
}

// kidLooksInjected is the flawed API's test for "this kid is a path or a
// query": it has none, it simply uses kid wherever it lands.
func kidLooksInjected(kid string) bool { return strings.ContainsAny(kid, "/'") }

var unionSelect = regexp.MustCompile(`(?i)'\s*UNION\s+SELECT\s+'([^']*)'`)

// kidStore is the flawed API's key store, where kid is used unsanitised: as
// a file under /etc/keys, or inside
// SELECT key FROM keys WHERE kid = '<kid>'. The file system and the database
// are simulated; what they return is what the real ones would.
func (api *API) kidStore(kid string) ([]byte, error) {
	api.env.counters.kidStoreRead()
	if m := unionSelect.FindStringSubmatch(kid); m != nil {
		return []byte(m[1]), nil // the attacker chose the row the query returns
	}
	if strings.Contains(kid, "'") {
		return nil, fmt.Errorf("SELECT key FROM keys WHERE kid = '%s' returned no row", kid)
	}
	p := path.Clean("/etc/keys/" + kid)
	if p == "/dev/null" {
		return []byte{}, nil // an empty file: the HMAC key is the empty string
	}
	return nil, fmt.Errorf("open %s: no such file", p)
}

// publicPEM encodes a public key as PEM (SubjectPublicKeyInfo), the form in
// which anyone can publish or download it.
func publicPEM(k crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// flawsLetIn says, for an accepted token, which of the API's flaws it went
// through: a hardened API would have checked what these skip.
func flawsLetIn(flaws []Flaw) string {
	var what, names []string
	for _, f := range flaws {
		what = append(what, f.Doc())
		names = append(names, f.String())
	}
	return "this API " + strings.Join(what, "; it ") + " (flaw " + strings.Join(names, ", ") + "); a hardened API does not (RFC 8725 section 3)"
}
