package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// timeClaims are the NumericDate claims shown as times.
var timeClaims = map[string]bool{"exp": true, "nbf": true, "iat": true, "auth_time": true}

// maxTime is the last NumericDate a person can read (9999-12-31).
const maxTime = 253402300799

// ClaimValue renders a decoded value for people: NumericDate claims as UTC
// times, lists of plain values joined, numbers without exponents, and
// anything nested (an object such as cnf, a list of objects) as compact
// JSON with sorted keys, as it appeared in the token, not as Go prints a
// map. A time claim that is not a number is flagged: RFC 7519 section 2
// defines a NumericDate as a JSON numeric value.
func ClaimValue(name string, v any) string {
	switch x := v.(type) {
	case float64:
		if timeClaims[name] {
			if x < 0 || x > maxTime {
				return fmt.Sprintf("%v (not a plausible time)", x)
			}
			return fmt.Sprintf("%.0f (%s)", x, time.Unix(int64(x), 0).UTC().Format(time.RFC3339))
		}
		return fmt.Sprintf("%v", x)
	case []any:
		var s []string
		for _, e := range x {
			switch e.(type) {
			case []any, map[string]any:
				return compactJSON(x)
			}
			s = append(s, fmt.Sprint(e))
		}
		if !timeClaims[name] {
			return strings.Join(s, ", ")
		}
	case map[string]any:
		if !timeClaims[name] {
			return compactJSON(x)
		}
	}
	if v == nil && !timeClaims[name] {
		return "null"
	}
	if timeClaims[name] {
		return compactJSON(v) + " (not a NumericDate: not a number, RFC 7519 section 2)"
	}
	return fmt.Sprint(v)
}

// NotNumericDate reports whether claim name should be a NumericDate (exp,
// nbf, iat, auth_time) but v is not a number (RFC 7519 section 2).
func NotNumericDate(name string, v any) bool {
	_, num := v.(float64)
	return timeClaims[name] && !num
}

// compactJSON is v as JSON with sorted keys (encoding/json sorts map keys),
// without HTML escaping.
func compactJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v) // a decoded JSON value always encodes
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// OpaqueMeaning says, for a UI that shows the tokens a holder has, what an
// opaque token (one that is not a JWT, such as a refresh token) is: it
// carries no claims to decode, and only the AS, which keeps its hash, can
// tell what it stands for.
func OpaqueMeaning() string {
	return "opaque: a random string that means something only to the AS, which stores its hash"
}
