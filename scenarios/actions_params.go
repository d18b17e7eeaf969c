package scenarios

// An action's parameters: how each value is checked, with the problem said
// where it was written.

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// checkPath accepts the paths the demo API serves, written as a request
// target: a malformed one would only fail later, when the step runs.
func checkPath(v string) error {
	if !strings.HasPrefix(v, "/") {
		return fmt.Errorf("a path starts with /, got %q", v)
	}
	u, err := url.ParseRequestURI(v)
	if err != nil || strings.ContainsAny(v, " \t#") {
		return fmt.Errorf("%q is not a valid request path", v)
	}
	if !slices.Contains(sim.APIPaths(), u.Path) {
		return fmt.Errorf("the API has no endpoint %s%s (it serves %s)", u.Path, text.DidYouMean(u.Path, sim.APIPaths()), strings.Join(sim.APIPaths(), ", "))
	}
	return nil
}

func checkUser(v string) error {
	if v != sim.DemoUser {
		return fmt.Errorf("the simulated AS has one user, %s, not %q", sim.DemoUser, v)
	}
	return nil
}

// checkMaxAge accepts what OIDC Core §3.1.2.1 allows for max_age: a
// non-negative whole number of seconds.
func checkMaxAge(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		return fmt.Errorf("max_age is a whole number of seconds, 0 or more, got %q", v)
	}
	return nil
}

func checkDuration(v string) error {
	d, err := text.ParseDuration(v)
	if err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("advance by a positive duration, got %q", v)
	}
	return nil
}

func checkKnob(v string) error {
	for _, k := range sim.Knobs() {
		if k == v {
			return nil
		}
	}
	return fmt.Errorf("unknown policy key %q%s", v, text.DidYouMean(v, sim.Knobs()))
}

// apiOrigin is the resource identifier of an API by its name in a step:
// the aud its tokens carry (RFC 8707 §2); "" for none named.
func apiOrigin(name string) string {
	switch name {
	case "api":
		return sim.APIAudience
	case "billing":
		return sim.APIBAudience
	}
	return ""
}

// otherAPI is apiOrigin for the APIs besides the app's own, "" for its
// own (which, in the first-party topology, is its backend, not api).
func otherAPI(name string) string {
	if name == "api" {
		return ""
	}
	return apiOrigin(name)
}

// pResource is the resource parameter of RFC 8707, by API name.
func pResource(doc string) param {
	return param{name: "resource", values: apiNames, doc: doc}
}

// Actions lists the action names, sorted.
func Actions() []string {
	names := make([]string, 0, len(actions))
	for n := range actions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// paramProblem is one thing wrong with an action's parameters.
type paramProblem struct {
	key   string // the parameter concerned; "" for the step as a whole
	onKey bool   // the key itself is wrong (unknown), not its value
	msg   string
}

// checkParams checks params against the action: unknown keys (with
// suggestions among the action's parameters and extra), values, required
// parameters and the rules that tie parameters together. It returns the
// parameters with defaults filled in. Scenario files (validate) and the
// sandbox (Live.Do) share it, so that both refuse the same things in the
// same words.
// takes reports whether the action has a parameter called name.
func (a *action) takes(name string) bool {
	return slices.ContainsFunc(a.params, func(p param) bool { return p.name == name })
}

func (a *action) checkParams(params map[string]string, extra ...string) (map[string]string, []paramProblem) {
	var probs []paramProblem
	bad := func(key string, onKey bool, format string, args ...any) {
		probs = append(probs, paramProblem{key, onKey, fmt.Sprintf(format, args...)})
	}
	known := map[string]param{}
	var names []string
	for _, p := range a.params {
		known[p.name] = p
		names = append(names, p.name)
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string]string{}
	for _, k := range keys {
		val := params[k]
		p, ok := known[k]
		if !ok {
			hint := text.DidYouMean(k, append(slices.Clone(names), extra...))
			if text.DidYouMean(k, names) == "" && text.DidYouMean(k, extra) != "" {
				// A misspelt step key (narraton:), not a parameter.
				bad(k, true, "unknown key %q%s", k, hint)
				continue
			}
			if len(names) == 0 {
				bad(k, true, "action %s takes no parameter %q%s", a.name, k, hint)
			} else {
				bad(k, true, "action %s has no parameter %q%s; it takes %s", a.name, k, hint, strings.Join(names, ", "))
			}
			continue
		}
		if p.values != nil {
			// Enum values are read case-insensitively everywhere
			// (text.Choose) and kept as the action spells them.
			if c, err := text.Choose(val, p.values); err == nil {
				val = c
			} else {
				bad(k, false, "%s %q is not one of %s%s", k, val, strings.Join(p.values, ", "), text.DidYouMean(val, p.values))
			}
		}
		out[k] = val
		if p.check != nil {
			if err := p.check(val); err != nil {
				bad(k, false, "%s: %v", k, err)
			}
		}
	}
	for _, p := range a.params {
		if _, ok := params[p.name]; !ok {
			if p.required {
				bad("", false, "action %s needs %s (%s)", a.name, p.name, p.doc)
			} else if p.def != "" {
				out[p.name] = p.def
			}
		}
	}
	switch a.name {
	case "advance":
		if _, by := params["by"]; by == (params["until"] != "") {
			bad("", false, "advance needs by (a duration) or until (access-expiry), one of the two")
		}
	case "present":
		if params["for"] != "" && !strings.EqualFold(params["token"], "access") && params["token"] != "" {
			bad("for", false, "for names the API an access token was obtained for: it goes with token: access")
		}
	case "set":
		pol := sim.DefaultPolicy()
		if checkKnob(params["key"]) == nil {
			if err := pol.Set(params["key"], params["value"]); err != nil {
				bad("value", false, "%v", err)
			}
		}
	}
	return out, probs
}
