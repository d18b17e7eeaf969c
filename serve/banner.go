package serve

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// Follow says how the live traffic follows the banner: one line per
// event, JSON lines, or the --tui view.
type Follow int

// The ways live traffic follows the banner.
const (
	FollowText Follow = iota
	FollowJSON
	FollowTUI
)

// Banner prints what a workshop needs to start: the issuer, the clock, the
// policy, the endpoints, the demo clients and users, and a curl
// walk-through, then says how the live traffic follows.
func (s *Server) Banner(out io.Writer, follow Follow) {
	w, speed := s.w, s.opts.Speed
	pol := w.Policy()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("tokensim serve: the simulator's authorization server and API, over real HTTP.")
	p("")
	p("Issuer   %s", w.Issuer())
	clock := "wall time"
	if speed > 1 {
		clock = fmt.Sprintf("x%d (a minute passes every %s)", speed, (time.Minute / time.Duration(speed)).Round(time.Millisecond))
	}
	p("Clock    %s; advance it with POST %s", clock, ClockPath)
	if speed > 1 {
		p("         %s", realLifetimes(pol, speed))
	}
	p("Policy   preset %s: %s", w.PresetName(), strings.Join(policyKnobs(w.PresetName(), pol), " "))
	p("Keys     generated for this run (the demo keys are public); see /jwks.json")
	p("")
	b.WriteString(s.Guide())
	p("")
	switch follow {
	case FollowTUI:
		p("The live view follows; q stops the server, and this banner is here again when it does.")
	case FollowJSON:
		p("Live traffic follows on stdout, one JSON object per event. Ctrl+C stops the server.")
	default:
		p("Live traffic follows, one line per event. Ctrl+C stops the server.")
	}
	_, _ = io.WriteString(out, b.String())
}

// realLifetimes says how long a code and an access token live in wall
// time on a clock running xspeed: at x60 a 1m code is gone before anyone
// can paste it into curl, which the banner must say rather than let the
// walk-through fail.
func realLifetimes(pol sim.Policy, speed int) string {
	line := fmt.Sprintf("at x%d a code lives %s and an access token %s of wall time", speed, wallTime(pol.CodeTTL, speed), wallTime(pol.AccessTTL, speed))
	// Below half a minute of wall time, a person cannot paste a code or a
	// token into curl in time; a minute of wall time is speed minutes.
	var fix []string
	minute := text.FormatDuration(time.Duration(speed) * time.Minute)
	if pol.CodeTTL/time.Duration(speed) < 30*time.Second {
		fix = append(fix, "--set code_ttl="+minute)
	}
	if pol.AccessTTL/time.Duration(speed) < 30*time.Second {
		fix = append(fix, "--set access_ttl="+minute)
	}
	if len(fix) > 0 {
		line += "\n         too short to follow the curl steps by hand; for a minute of wall time each: " + strings.Join(fix, " ")
	}
	return line
}

// policyKnobs lists the banner's policy: the knobs it always shows,
// then every other knob whose value differs from the preset's, so that a
// --set (dpop=true, reuse_grace=30s…) is never silently missing.
func policyKnobs(preset string, pol sim.Policy) []string {
	always := []string{"access_ttl", "rotation", "reuse_detection", "refresh_idle", "refresh_absolute", "api_mode", "alg"}
	var base *sim.Policy
	if pr, err := sim.LookupPreset(preset); err == nil {
		base = &pr.Policy
	}
	var out []string
	add := func(k string) {
		if v, err := pol.Get(k); err == nil {
			out = append(out, k+"="+v)
		}
	}
	for _, k := range always {
		add(k)
	}
	for _, k := range sim.Knobs() {
		if slices.Contains(always, k) {
			continue
		}
		v, err := pol.Get(k)
		if err != nil {
			continue
		}
		if base != nil {
			if was, err := base.Get(k); err == nil && was == v {
				continue
			}
		}
		add(k)
	}
	return out
}

// Guide is the banner's essentials: the endpoints, the demo clients and
// users, and the curl walk-through. The --tui view shows it too, in the
// Narration tab before the first request, where the banner is hidden.
func (s *Server) Guide() string {
	w, speed := s.w, s.opts.Speed
	iss := w.Issuer()
	pol := w.Policy()
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("Endpoints")
	b.WriteString(EndpointList(iss, "  "))
	p("  The API's audience (aud) is %s.", w.Audience())
	p("")
	p("Clients")
	p("  cli  public, PKCE (S256) required; redirect_uri: any http://127.0.0.1:PORT/... or")
	p("       http://[::1]:PORT/... (RFC 8252 7.3); localhost is refused (RFC 8252 8.3)")
	p("  web  confidential, secret %s (client_secret_basic or client_secret_post);", sim.DemoWebSecret)
	p("       redirect_uri %s", iss+CallbackPath)
	p("       post_logout_redirect_uri %s/", iss)
	p("  %s  confidential machine client, secret %s: the client credentials grant only", sim.ClientService, sim.DemoServiceSecret)
	p("           (RFC 6749 4.4): an access token for itself, no refresh token")
	b.WriteString(clientList(s.opts.Clients))
	p("")
	p("Users")
	user, password := sim.DemoUser, sim.DemoPassword
	if len(s.opts.Users) == 0 {
		p("  %s / %s", sim.DemoUser, sim.DemoPassword)
	} else {
		for _, u := range s.opts.Users {
			p("  %s / %s", u.Name, u.Password)
		}
		user, password = s.opts.Users[0].Name, s.opts.Users[0].Password
	}
	redirect := iss + CallbackPath
	authURL := iss + "/authorize?" + url.Values{"response_type": {"code"}, "client_id": {sim.ClientWeb}, "redirect_uri": {redirect},
		"scope": {"openid profile orders:read offline_access"}, "state": {"xyz"}}.Encode()
	ttl := pol.AccessTTL + time.Minute
	p("")
	p("Try it with curl")
	p("  1. Log in: open this in a browser, sign in as %s / %s; the page you land on shows the code", user, password)
	p("     %s", authURL)
	p("  2. Exchange the code for tokens (the code lives %s)", lifetime(pol.CodeTTL, speed))
	p("     curl -s -u web:%s %s/token -d grant_type=authorization_code -d code=CODE -d redirect_uri=%s", sim.DemoWebSecret, iss, url.QueryEscape(redirect))
	p("  3. Call the API")
	p("     curl -s -H 'Authorization: Bearer ACCESS_TOKEN' %s/api/orders", iss)
	p("  3b. Ask the AS who signed in (userinfo, OpenID Connect Core 5.3)")
	p("     curl -s -H 'Authorization: Bearer ACCESS_TOKEN' %s/userinfo", iss)
	p("  4. Let the access token expire (lifetime %s, so jump %s)", lifetime(pol.AccessTTL, speed), text.FormatDuration(ttl))
	p("     curl -s -X POST %s%s -d by=%s", iss, ClockPath, text.FormatDuration(ttl))
	// Steps 5 and 6 follow the policy: a response without rotation carries
	// no refresh token (sim/as_rotation.go), and Entra's rotation leaves the
	// old one valid (Policy.RotationKeepsOld).
	switch {
	case !pol.Rotation:
		p("  5. Refresh: without rotation the answer carries no refresh token; keep the one you have")
	case pol.RotationKeepsOld:
		p("  5. Refresh: the answer carries a new refresh token; the one you sent stays valid too")
	default:
		p("  5. Refresh: the answer carries a new refresh token; keep it (rotation)")
	}
	p("     curl -s -u web:%s %s/token -d grant_type=refresh_token -d refresh_token=REFRESH_TOKEN", sim.DemoWebSecret, iss)
	switch {
	case pol.Rotation && pol.RotationKeepsOld:
		p("  6. Replay the old refresh token: it still works; this AS never retires a used refresh token, so there is no reuse to detect")
	case !pol.Rotation:
		p("  6. Replay the old refresh token: without rotation it is the same token, and it still works")
	case !pol.ReuseDetection:
		p("  6. Replay the old refresh token: invalid_grant; reuse detection is off, so the family lives on")
	case pol.ReuseGrace > 0:
		p("  6. Replay the old refresh token more than %s after the refresh (the grace interval; jump the clock): invalid_grant, and its whole family is revoked (reuse detection); within %s it is forgiven", text.FormatDuration(pol.ReuseGrace), text.FormatDuration(pol.ReuseGrace))
	default:
		p("  6. Replay the old refresh token: invalid_grant, and its whole family is revoked (reuse detection)")
	}
	p("     curl -s -u web:%s %s/token -d grant_type=refresh_token -d refresh_token=OLD_REFRESH_TOKEN", sim.DemoWebSecret, iss)
	p("  7. Log out: revoke the refresh token")
	p("     curl -s -u web:%s %s/revoke -d token=REFRESH_TOKEN", sim.DemoWebSecret, iss)
	// The AS session outlives step 7 (curriculum idea 10): open step 1's
	// URL again and the code comes without the form.
	if (pol.SessionIdle > 0 && ttl >= pol.SessionIdle) || (pol.SessionMax > 0 && ttl >= pol.SessionMax) {
		// Step 4's jump ages the AS session too (sim/clock_stamp.go):
		// under these lifetimes it has ended by step 8.
		p("  8. Step 4's jump of %s also ended the browser's session at the AS (it ends %s):", text.FormatDuration(ttl), sessionLimit(pol, speed))
		p("     step 1's URL shows the form again. Sign in there, and the next visit gives a code without the form")
		p("     until the session ends; end it yourself (RP-initiated logout), in the browser:")
	} else {
		p("  8. The browser is still signed in at the AS: step 1's URL now gives a code without the form,")
		p("     unless prompt=login (the session ends %s).", sessionLimit(pol, speed))
		p("     End the AS session too (RP-initiated logout), in the browser:")
	}
	p("     %s/end_session?id_token_hint=ID_TOKEN&post_logout_redirect_uri=%s&state=xyz", iss, url.QueryEscape(iss+"/"))
	return b.String()
}

// sessionLimit says how long the AS session lasts under pol, in the
// walk-through's words.
func sessionLimit(pol sim.Policy, speed int) string {
	switch {
	case pol.SessionIdle > 0 && pol.SessionMax > 0:
		return "after " + lifetime(pol.SessionIdle, speed) + " without a visit, or " + lifetime(pol.SessionMax, speed) + " after sign-in"
	case pol.SessionIdle > 0:
		return "after " + lifetime(pol.SessionIdle, speed) + " without a visit"
	case pol.SessionMax > 0:
		return lifetime(pol.SessionMax, speed) + " after sign-in"
	}
	return "when the browser closes: this preset sets no session limit"
}

// lifetime is a virtual lifetime as the walk-through states it, with
// its wall time when the clock runs faster than that.
func lifetime(d time.Duration, speed int) string {
	if speed <= 1 {
		return text.FormatDuration(d)
	}
	return fmt.Sprintf("%s, %s of wall time at x%d", text.FormatDuration(d), wallTime(d, speed), speed)
}

// wallTime is how long a virtual d lasts on the wall at xspeed, rounded
// to the second (the millisecond below one).
func wallTime(d time.Duration, speed int) string {
	r := d / time.Duration(speed)
	if r >= time.Second {
		r = r.Round(time.Second)
	} else {
		r = r.Round(time.Millisecond)
	}
	return text.FormatDuration(r)
}

// clientList is the banner's lines for the attendee's own clients. A
// secret is never printed: it is the attendee's own, they typed it, and
// the banner is often on a projector or in a saved log; the demo secrets
// above are printed because they are public anyway.
func clientList(cs []Client) string {
	var b strings.Builder
	for _, c := range cs {
		kind := "public, PKCE (S256) required"
		if c.Secret != "" {
			kind = "confidential, the secret given to --client, not shown (client_secret_basic or client_secret_post)"
		}
		fmt.Fprintf(&b, "  %s  %s\n", c.ID, kind)
		pad := strings.Repeat(" ", len(c.ID)+4)
		for _, u := range c.RedirectURIs {
			if strings.Contains(u, ":*/") || strings.HasSuffix(u, ":*") || strings.Contains(u, ":*?") {
				u += " (any port: RFC 8252 7.3)"
			}
			fmt.Fprintf(&b, "%sredirect_uri %s\n", pad, u)
		}
	}
	return b.String()
}
