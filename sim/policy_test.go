package sim

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// lifeKnobValues gives, for every knob, values Set must accept and their
// canonical Get form.
var lifeKnobValues = map[string][][2]string{
	"access_ttl":              {{"15m", "15m"}, {"90s", "1m30s"}, {"1h30m", "1h30m"}, {"2d", "2d"}},
	"refresh_absolute":        {{"30d", "30d"}, {"0", "0"}, {"50h", "2d2h"}, {"36000s", "10h"}},
	"refresh_idle":            {{"7d", "7d"}, {"1800s", "30m"}, {"2d12h", "2d12h"}, {"0s", "0"}},
	"rotation":                {{"true", "true"}, {"false", "false"}, {"1", "true"}},
	"reuse_detection":         {{"false", "false"}, {"true", "true"}},
	"reuse_grace":             {{"30s", "30s"}, {"0", "0"}, {"1.5s", "1.5s"}, {"10us", "0.00001s"}},
	"revoke_access_on_reuse":  {{"false", "false"}, {"TRUE", "true"}},
	"leeway":                  {{"0", "0"}, {"5m", "5m"}, {"45s", "45s"}},
	"code_ttl":                {{"10m", "10m"}, {"60s", "1m"}},
	"refresh_skew":            {{"0", "0"}, {"1m", "1m"}},
	"single_flight":           {{"true", "true"}, {"false", "false"}},
	"public_refresh":          {{"true", "true"}, {"false", "false"}},
	"browser_refresh":         {{"false", "false"}, {"true", "true"}},
	"refresh_without_offline": {{"true", "true"}, {"false", "false"}},
	"offline_tokens":          {{"true", "true"}, {"false", "false"}},
	"offline_idle":            {{"30d", "30d"}, {"0", "0"}, {"1800s", "30m"}},
	"offline_absolute":        {{"60d", "60d"}, {"0", "0"}},
	"rotation_keeps_old":      {{"true", "true"}, {"false", "false"}},
	"dpop":                    {{"true", "true"}, {"false", "false"}},
	"dpop_nonce":              {{"true", "true"}, {"0", "false"}},
	"session_idle":            {{"30m", "30m"}, {"0", "0"}, {"3d", "3d"}},
	"session_max":             {{"10h", "10h"}, {"0", "0"}, {"7d", "7d"}},
	"logout_revokes_refresh":  {{"true", "true"}, {"false", "false"}},
	"api_clock_skew":          {{"-2m", "-2m"}, {"45s", "45s"}, {"-3d1h", "-3d1h"}},
	"api_mode":                {{"introspect", "introspect"}, {"denylist", "denylist"}, {"pushed", "pushed"}, {"stateless", "stateless"}},
	"push_delay":              {{"0", "0"}, {"30s", "30s"}, {"2m", "2m"}},
	"alg":                     {{"ES256", "ES256"}, {"eddsa", "EdDSA"}, {"RS256", "RS256"}},
	"api_validation": {{"hardened", "hardened"}, {"vulnerable", "vulnerable"}, {"trust-jku", "trust-jku"},
		{"key-as-bytes,no-alg-allowlist", "no-alg-allowlist,key-as-bytes"}, {"no-signature-check", "no-signature-check"}},
}

// TestLifePolicyKnobRoundTrip: Set then Get for every knob in Knobs(), and
// Get's answer is one Set accepts (Get promises exactly that).
func TestLifePolicyKnobRoundTrip(t *testing.T) {
	knobs := Knobs()
	if len(knobs) != len(lifeKnobValues) {
		t.Fatalf("Knobs() = %v; the test knows %d", knobs, len(lifeKnobValues))
	}
	for i, k := range knobs {
		if i > 0 && knobs[i-1] >= k {
			t.Fatalf("Knobs() not sorted: %v", knobs)
		}
		if knobDoc(k) == "" {
			t.Errorf("%s has no doc", k)
		}
		vals, ok := lifeKnobValues[k]
		if !ok {
			t.Fatalf("untested knob %s", k)
		}
		for _, v := range vals {
			p := DefaultPolicy()
			if err := p.Set(k, v[0]); err != nil {
				t.Fatalf("Set(%s, %s): %v", k, v[0], err)
			}
			got, err := p.Get(k)
			if err != nil || got != v[1] {
				t.Fatalf("Get(%s) after Set(%s) = %q, %v; want %q", k, v[0], got, err, v[1])
			}
			q := DefaultPolicy()
			if err := q.Set(k, got); err != nil {
				t.Fatalf("Set(%s, Get's %q): %v", k, got, err)
			}
			if q != p {
				t.Fatalf("%s: Set(Get()) changed the policy: %+v vs %+v", k, q, p)
			}
		}
	}
	// Set through the world: the change is in force and recorded.
	w := lifeWorld(t, "")
	n := w.Log().Len()
	lifeSet(t, w, "access_ttl", " 5m ")
	if w.Policy().AccessTTL != 5*time.Minute {
		t.Fatalf("AccessTTL %s", w.Policy().AccessTTL)
	}
	ev := lifeEvents(w, n, KindPolicy)
	if len(ev) != 1 || ev[0].Summary != "access_ttl = 5m" {
		t.Fatalf("policy.changed: %+v", ev)
	}
	lifeLogin(t, w, "")
	if f := lifeFamily(t, w, "f-1"); f.Access[0].ExpiresAt.Sub(f.AuthTime) != 5*time.Minute {
		t.Fatal("the new access_ttl is not in force")
	}
	// A refused Set changes nothing and records nothing.
	n = w.Log().Len()
	if err := w.Set("leeway", "10m"); err == nil {
		t.Fatal("World.Set accepted leeway 10m")
	}
	if w.Policy().Leeway != 30*time.Second || w.Log().Len() != n {
		t.Fatal("a refused Set changed the world")
	}
}

// TestLifePolicyBadValues: each kind of knob refuses what it cannot read,
// naming the knob and saying what it takes; unknown names wrap
// ErrUnknownKnob.
func TestLifePolicyBadValues(t *testing.T) {
	examples := " (examples: 90s, 15m, 1h, 30d)"
	for _, tc := range []struct{ knob, value, want string }{
		{"access_ttl", "fifteen minutes", `access_ttl: bad duration "fifteen minutes"` + examples},
		{"access_ttl", "0", "access_ttl must be positive"},
		{"access_ttl", "-5m", "access_ttl must be positive"},
		{"access_ttl", "1.5d", `access_ttl: bad duration "1.5d"`},
		{"refresh_idle", "-1d", "refresh_idle must not be negative"},
		{"refresh_absolute", "d", `refresh_absolute: bad duration "d"` + examples},
		{"refresh_absolute", "3d-2h", `refresh_absolute: bad duration "3d-2h" (examples: 90s, 15m, 1h, 30d, 2d12h)`},
		{"reuse_grace", "-1s", "reuse_grace must not be negative"},
		{"leeway", "6m", "leeway above 5m defeats expiry (RFC 7519 §4.1.4: usually no more than a few minutes)"},
		{"leeway", "-1s", "leeway must not be negative"},
		{"code_ttl", "0", "code_ttl must be positive"},
		{"refresh_skew", "-30s", "refresh_skew must not be negative"},
		{"rotation", "maybe", `rotation: want true or false, got "maybe"`},
		{"single_flight", "", `single_flight: want true or false, got ""`},
		{"api_mode", "magic", `api_mode: want stateless, introspect, denylist or pushed, got "magic"`},
		{"api_mode", "introspekt", `api_mode: want stateless, introspect, denylist or pushed, got "introspekt" (did you mean "introspect"?)`},
		{"api_validation", "vulnerable,foo", `api_validation: "foo" is not a flaw: want hardened, vulnerable, or flaws separated by commas (no-alg-allowlist, allow-none, key-as-bytes, kid-lookup, trust-jku, trust-x5u, trust-jwk, no-signature-check, skip-aud, skip-typ)`},
		{"api_validation", "skip-aud,trust-jkw", `api_validation: "trust-jkw" is not a flaw: want hardened, vulnerable, or flaws separated by commas (no-alg-allowlist, allow-none, key-as-bytes, kid-lookup, trust-jku, trust-x5u, trust-jwk, no-signature-check, skip-aud, skip-typ) (did you mean "trust-jku"?)`},
		{"alg", "HS256", `alg: want RS256, ES256 or EdDSA, got "HS256"`},
		{"alg", "none", `alg: want RS256, ES256 or EdDSA, got "none"`},
	} {
		p := DefaultPolicy()
		if err := p.Set(tc.knob, tc.value); err == nil || err.Error() != tc.want {
			t.Errorf("Set(%s, %q): %v, want %q", tc.knob, tc.value, err, tc.want)
		}
	}
	p := DefaultPolicy()
	for _, name := range []string{"accessTTL", "ttl", ""} {
		if err := p.Set(name, "1m"); !errors.Is(err, ErrUnknownKnob) {
			t.Errorf("Set(%q): %v", name, err)
		}
		if _, err := p.Get(name); !errors.Is(err, ErrUnknownKnob) {
			t.Errorf("Get(%q): %v", name, err)
		}
	}
	w := lifeWorld(t, "")
	if err := w.Set("nope", "1"); !errors.Is(err, ErrUnknownKnob) {
		t.Errorf("World.Set(nope): %v", err)
	}
}

// TestPolicyValuesAnyCase: enum values are read case-insensitively and kept
// in the knob's spelling; booleans as true/false, yes/no, on/off, 1/0 (one
// rule, text.ParseBool and text.Choose, for --set, lesson files and the
// sandbox).
func TestPolicyValuesAnyCase(t *testing.T) {
	for _, tc := range []struct{ knob, value, want string }{
		{"api_mode", "Introspect", "introspect"},
		{"api_mode", "DENYLIST", "denylist"},
		{"alg", "rs256", "RS256"},
		{"alg", "eddsa", "EdDSA"},
		{"api_validation", "Vulnerable", "vulnerable"},
		{"api_validation", "Skip-Aud,skip-typ", "skip-aud,skip-typ"},
		{"dpop", "yes", "true"},
		{"dpop", "On", "true"},
		{"dpop", "1", "true"},
		{"rotation", "no", "false"},
		{"rotation", "OFF", "false"},
		{"rotation", "0", "false"},
	} {
		p := DefaultPolicy()
		if err := p.Set(tc.knob, tc.value); err != nil {
			t.Errorf("Set(%s, %q): %v", tc.knob, tc.value, err)
			continue
		}
		if got, _ := p.Get(tc.knob); got != tc.want {
			t.Errorf("Set(%s, %q) then Get = %q, want %q", tc.knob, tc.value, got, tc.want)
		}
	}
	if _, err := LookupPreset("Okta"); err != nil {
		t.Errorf("LookupPreset(Okta): %v", err)
	}
	if _, err := LookupPreset("okt"); err == nil || !strings.Contains(err.Error(), `unknown preset "okt" (did you mean "okta"?)`) {
		t.Errorf("LookupPreset(okt): %v", err)
	}
}

// TestLifePolicyValidate: negative durations, a leeway above 5 min (RFC 7519
// §4.1.4: "a few minutes, at most"), a non-positive access TTL or code TTL,
// an unknown API mode or algorithm are refused; all reasons at once.
func TestLifePolicyValidate(t *testing.T) {
	ok := DefaultPolicy()
	ok.Leeway = 5 * time.Minute
	ok.APIClockSkew = -time.Hour // skew may be negative: the API's clock is behind
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid policy refused: %v", err)
	}
	for name, mod := range map[string]func(*Policy){
		"refresh_absolute": func(p *Policy) { p.RefreshAbsolute = -time.Second },
		"refresh_idle":     func(p *Policy) { p.RefreshIdle = -time.Second },
		"reuse_grace":      func(p *Policy) { p.ReuseGrace = -time.Second },
		"leeway must":      func(p *Policy) { p.Leeway = -time.Second },
		"refresh_skew":     func(p *Policy) { p.RefreshSkew = -time.Second },
		"offline_idle":     func(p *Policy) { p.OfflineIdle = -time.Second },
		"offline_absolute": func(p *Policy) { p.OfflineAbsolute = -time.Second },
		"leeway above 5m":  func(p *Policy) { p.Leeway = 5*time.Minute + time.Second },
		"access_ttl":       func(p *Policy) { p.AccessTTL = 0 },
		"code_ttl":         func(p *Policy) { p.CodeTTL = -time.Minute },
		"api_mode":         func(p *Policy) { p.APIMode = "cache" },
		"alg":              func(p *Policy) { p.Alg = "HS256" },
	} {
		p := DefaultPolicy()
		mod(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
	var zero Policy
	err := zero.Validate()
	for _, want := range []string{"access_ttl", "code_ttl", "api_mode", "alg"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("the zero policy: %v lacks %s", err, want)
		}
	}
}
