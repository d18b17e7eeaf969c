package scenarios

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// Placeholders let narration state engine facts that a policy can change
// (architecture.md, invariant 8): written {{…}} in a step's narration or
// quiz, each is replaced by the fact as the world stands right after that
// step, in the run shown. A what-if with another access_ttl prints that
// run's expiry, not the one the author saw.
//
//	{{access_ttl}}      any policy knob's value in force ("15m", "true")
//	{{preset}}          the preset in force
//	{{now}}             the virtual clock after the step
//	{{label REF}}       a token's label ("rt-3")
//	{{exp REF}}         when it expires (an access token's exp, a refresh
//	                    token's absolute expiry)
//	{{until REF}}       when an API stops accepting it: exp plus leeway
//	{{issued REF}}      when it was issued (a refresh token's family: login)
//	{{lifetime REF}}    exp minus its issue time ("15m")
//	{{left REF}}        its remaining life at the step's end ("5m")
//	{{state REF}}       active, rotated, revoked, expired
//
// REF is a token's label (at-1, rt-2) or who holds it and which kind:
// app.access, app.refresh, app.id, attacker.access, attacker.refresh,
// user.refresh (the first-party cookie), service.access (the machine
// client's, which holds nothing else).

var placeholderRE = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

var (
	refLabelRE = regexp.MustCompile(`^(at|rt)-[0-9]+$`)
	refHolders = []string{"app", "attacker", "user", "service"}
	refKinds   = []string{"access", "refresh", "id"}
	tokenFacts = []string{"label", "issued", "exp", "until", "lifetime", "left", "state"}
)

// StepText is a step's text for the run shown: its narration and quiz
// with every placeholder replaced by the run's own fact.
type StepText struct {
	Narration string
	Quiz      *Quiz // nil when the step has none
	// Unresolved lists placeholders naming what this run does not have
	// (a token it never issued); each reads "[no … in this run]".
	Unresolved []string
}

// checkPlaceholder reports what is wrong with one placeholder's inside
// (the text between {{ and }}), or "" when it is well formed.
func checkPlaceholder(in string, own ...string) string {
	f := strings.Fields(in)
	switch {
	case len(f) == 0:
		return "an empty placeholder {{}}"
	case len(f) == 1 && (f[0] == "preset" || f[0] == "now" || slices.Contains(own, f[0])):
		return ""
	case len(f) == 1 && slices.Contains(sim.Knobs(), f[0]):
		return ""
	case len(f) == 1 && slices.Contains(tokenFacts, f[0]):
		return fmt.Sprintf("{{%s}} names no token: write {{%s at-1}} or {{%s app.access}}", f[0], f[0], f[0])
	case len(f) == 1:
		return fmt.Sprintf("unknown placeholder {{%s}}%s: use preset, now, a policy knob such as access_ttl (tokensim run --help lists them), or %s with a token", f[0], text.DidYouMean(f[0], append(append([]string{"preset", "now"}, sim.Knobs()...), tokenFacts...)), strings.Join(tokenFacts, "/"))
	case len(f) > 2 || !slices.Contains(tokenFacts, f[0]):
		return fmt.Sprintf("unknown placeholder {{%s}}: a token fact is one of %s followed by a token (at-1, app.refresh)", in, strings.Join(tokenFacts, ", "))
	}
	if refLabelRE.MatchString(f[1]) {
		return ""
	}
	holder, kind, ok := strings.Cut(f[1], ".")
	if !ok || !slices.Contains(refHolders, holder) || !slices.Contains(refKinds, kind) {
		return fmt.Sprintf("{{%s}}: %q is not a token: write a label (at-1, rt-2) or holder.kind, the holder one of %s and the kind one of %s", in, f[1], strings.Join(refHolders, ", "), strings.Join(refKinds, ", "))
	}
	return ""
}

// placeholderProblems checks every placeholder of text, which was written
// starting at from in the file data, and positions each problem at the
// placeholder itself when it can find it there.
func placeholderProblems(file string, data []byte, from Pos, text string, own ...string) Problems {
	var out Problems
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if msg := checkPlaceholder(m[1], own...); msg != "" {
			out = append(out, Problem{File: file, Pos: locate(data, from, m[0]), Msg: msg})
		}
	}
	// "{{" never closed (or a "}}" never opened) is a typo, not text.
	// Positioned at the stray braces and what follows them on the line,
	// which the well-formed placeholders before it do not match.
	rest := placeholderRE.ReplaceAllString(text, "\x00")
	for _, bad := range []string{"{{", "}}"} {
		if i := strings.Index(rest, bad); i >= 0 {
			frag := rest[i:]
			if j := strings.IndexAny(frag, "\n\x00"); j >= 0 {
				frag = frag[:j]
			}
			out = append(out, Problem{File: file, Pos: locate(data, from, strings.TrimSpace(frag)), Msg: fmt.Sprintf("unbalanced %q: a placeholder is written {{name}} or {{fact token}}", bad)})
		}
	}
	return out
}

// locate finds needle in data at or after from, as a line and column;
// from itself when the text is not there verbatim (folded across lines).
func locate(data []byte, from Pos, needle string) Pos {
	lines := strings.Split(string(data), "\n")
	for i := max(from.Line-1, 0); i < len(lines); i++ {
		line := lines[i]
		start := 0
		if i == from.Line-1 {
			start = min(max(from.Col-1, 0), len(line))
		}
		if j := strings.Index(line[start:], needle); j >= 0 {
			return Pos{Line: i + 1, Col: len([]rune(line[:start+j])) + 1}
		}
	}
	return from
}

// resolveText fills a step's placeholders from the run's snapshot after
// the step, and the lesson's own draws from drawn; a computed quiz is
// computed (quizcalc.go), shuffled by seed and the step's number i.
func resolveText(st *Step, i int, preset string, snap sim.Snapshot, drawn map[string]string, seed uint64) StepText {
	var t StepText
	fill := func(s string) string {
		return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
			in := strings.TrimSpace(m[2 : len(m)-2])
			if d, ok := drawn[in]; ok && !isKnob(in) {
				return d
			}
			v, ok := resolve(in, preset, snap)
			if !ok {
				t.Unresolved = append(t.Unresolved, m)
			}
			return v
		})
	}
	t.Narration = fill(st.Narration)
	if q := st.Quiz; q != nil {
		cp := *q
		cp.Question, cp.Explain = fill(q.Question), fill(q.Explain)
		cp.Options = make([]string, len(q.Options))
		for i, o := range q.Options {
			cp.Options[i] = fill(o)
		}
		if q.computed() {
			// Shown as options and an answer, like any quiz.
			computeQuiz(&cp, preset, snap, drawn, seed, i, &t.Unresolved)
			cp.Right, cp.Wrong = "", nil
		}
		t.Quiz = &cp
	}
	return t
}

// resolve is one placeholder's fact, or false with a visible gap.
func resolve(in, preset string, snap sim.Snapshot) (string, bool) {
	f := strings.Fields(in)
	switch {
	case len(f) == 1 && f[0] == "preset":
		return preset, true
	case len(f) == 1 && f[0] == "now":
		return text.FormatTime(snap.Time, sim.Epoch()), true
	case len(f) == 1:
		v, err := snap.Policy.Get(f[0])
		if err != nil {
			return "[unknown " + in + "]", false
		}
		return v, true
	case len(f) != 2:
		return "[unknown " + in + "]", false
	}
	tok, ok := findToken(snap, f[1])
	if !ok {
		return "[no " + f[1] + " in this run]", false
	}
	start := sim.Epoch()
	switch f[0] {
	case "label":
		return tok.label, true
	case "state":
		return tok.state, true
	case "exp":
		if tok.exp.IsZero() {
			return "[" + tok.label + " has no expiry]", false
		}
		return text.FormatTime(tok.exp, start), true
	case "until":
		if tok.exp.IsZero() {
			return "[" + tok.label + " has no expiry]", false
		}
		return text.FormatTime(snap.Policy.AcceptedUntil(tok.exp), start), true
	case "issued":
		if tok.iat.IsZero() {
			return "[" + tok.label + " has no issue time]", false
		}
		return text.FormatTime(tok.iat, start), true
	case "left":
		if tok.exp.IsZero() {
			return "[" + tok.label + " has no expiry]", false
		}
		return text.FormatDuration(max(tok.exp.Sub(snap.Time), 0).Truncate(time.Second)), true
	case "lifetime":
		if tok.exp.IsZero() || tok.iat.IsZero() {
			return "[" + tok.label + " has no fixed lifetime]", false
		}
		return text.FormatDuration(tok.exp.Sub(tok.iat)), true
	}
	return "[unknown " + in + "]", false
}

type tokenFact struct {
	label, state string
	iat, exp     time.Time
}

// findToken looks a token up by label among what the AS issued, or by
// holder.kind among what each actor holds.
func findToken(snap sim.Snapshot, ref string) (tokenFact, bool) {
	if holder, kind, ok := strings.Cut(ref, "."); ok {
		for _, t := range snap.Tokens {
			if string(t.Holder) == holder && t.Kind == kind {
				f := tokenFact{label: t.Label, state: string(t.State), iat: t.IssuedAt, exp: t.ExpiresAt}
				if f.label == "" {
					f.label = map[string]string{"access": "the access token", "refresh": "the refresh token", "id": "the ID token"}[kind]
				}
				if t.Kind == "refresh" {
					// A refresh token's end is its family's absolute expiry.
					if ft, ok := findToken(snap, t.Label); ok {
						f.exp, f.iat = ft.exp, ft.iat
					}
				}
				return f, true
			}
		}
		return tokenFact{}, false
	}
	for _, fam := range snap.Families {
		for _, rt := range fam.Refresh {
			if rt.Label == ref {
				return tokenFact{label: rt.Label, state: string(rt.State), iat: fam.AuthTime, exp: fam.AbsExpiry}, true
			}
		}
		for _, at := range fam.Access {
			if at.Label == ref {
				return tokenFact{label: at.Label, state: string(at.State), iat: at.IssuedAt, exp: at.ExpiresAt}, true
			}
		}
	}
	return tokenFact{}, false
}

// checkPlaceholders checks the placeholders of every step's narration and
// quiz, each problem at the placeholder's line and column in data.
func checkPlaceholders(sc *Scenario, data []byte) Problems {
	var out Problems
	own := ownDraws(sc)
	for _, st := range sc.Steps {
		from := st.Pos
		if p, ok := st.At["narration"]; ok {
			from = p
		}
		out = append(out, placeholderProblems(sc.Source, data, from, st.Narration, own...)...)
		if q := st.Quiz; q != nil {
			for _, s := range q.Texts() {
				out = append(out, placeholderProblems(sc.Source, data, q.Pos, s, own...)...)
			}
		}
	}
	return out
}
