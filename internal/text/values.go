package text

import (
	"fmt"
	"strings"
)

// The one way every front end (a lesson file, --set, the sandbox) reads an
// enum value or a boolean, so that "api_mode=Introspect" and "dpop=yes"
// mean the same wherever they are written (issue 14, section 6).

// Choose returns the allowed value v names, compared case-insensitively
// ("Introspect" is "introspect", "rs256" is "RS256"), spelt as allowed
// spells it. Otherwise the error lists the values and suggests the closest.
func Choose(v string, allowed []string) (string, error) {
	v = strings.TrimSpace(v)
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a, nil
		}
	}
	return "", fmt.Errorf("want %s, got %q%s", OneOf(allowed), v, DidYouMean(v, allowed))
}

// OneOf lists values as a sentence: "a", "a or b", "a, b or c".
func OneOf(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// ParseBool reads a boolean as people write one in YAML 1.1 or a
// configuration file: true/false, yes/no, on/off, 1/0, any case.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, got %q", v)
}
