package render

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// timeClaims are the NumericDate claims shown as times.
var timeClaims = map[string]bool{"exp": true, "nbf": true, "iat": true, "auth_time": true}

// maxTime is the last NumericDate a person can read (9999-12-31).
const maxTime = 253402300799

// ClaimValue renders a decoded value for people: NumericDate claims as UTC
// times, lists joined, numbers without exponents.
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
			s = append(s, fmt.Sprint(e))
		}
		return strings.Join(s, ", ")
	case map[string]any:
		var s []string
		for _, k := range slices.Sorted(maps.Keys(x)) {
			s = append(s, k+"="+fmt.Sprint(x[k]))
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// OpaqueMeaning says, for a UI that shows the tokens a holder has, what an
// opaque token (one that is not a JWT, such as a refresh token) is: it
// carries no claims to decode, and only the AS, which keeps its hash, can
// tell what it stands for.
func OpaqueMeaning() string {
	return "opaque: a random string that means something only to the AS, which stores its hash"
}
