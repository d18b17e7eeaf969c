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

// A computed quiz writes right: and wrong: instead of options: and
// answer:. Each is an expression over the engine's facts, a placeholder
// optionally plus or minus durations:
//
//	right: "{{until at-1}}"
//	wrong: ["{{now}}", "{{exp at-1}}", "{{until at-1}} + {{theft_after}}"]
//
// The run fills each from the world right after the step, as it fills any
// placeholder, drops a wrong option that reads the same as one before it
// (a policy with no leeway makes exp and until one time), and shuffles
// the rest with the seed. So the right option is the engine's fact, never
// a figure the author worked out, and a run with another seed, which may
// draw other values (draw:), asks the question anew.

// computed reports whether the quiz's options are computed by the run.
func (q *Quiz) computed() bool { return q.Right != "" || len(q.Wrong) > 0 }

var opRE = regexp.MustCompile(`\s+([+-])\s+`)

type term struct {
	sign int    // +1 or -1
	text string // a placeholder {{…}} or a duration literal
}

// terms splits an expression at " + " and " - ".
func terms(expr string) []term {
	expr = strings.TrimSpace(expr)
	out := []term{{sign: 1}}
	last := 0
	for _, m := range opRE.FindAllStringSubmatchIndex(expr, -1) {
		out[len(out)-1].text = expr[last:m[0]]
		sign := 1
		if expr[m[2]:m[3]] == "-" {
			sign = -1
		}
		out = append(out, term{sign: sign})
		last = m[1]
	}
	out[len(out)-1].text = expr[last:]
	return out
}

// value is a term's fact: a time (isTime) or a duration.
type value struct {
	t      time.Time
	d      time.Duration
	isTime bool
}

// timeFacts are the token facts that are instants; lifetime and left are
// durations; label and state are neither.
var timeFacts = []string{"exp", "until", "issued"}

// termKind says what a term is without a run: "time", "duration", or a
// problem. own are the lesson's drawn names, with their values.
func termKind(tm term, own map[string][]string) (string, string) {
	in, ok := strings.CutPrefix(tm.text, "{{")
	if !ok {
		if _, err := text.ParseDuration(tm.text); err != nil {
			return "", fmt.Sprintf("%q is neither a placeholder nor a duration (5m, 1h30m)", tm.text)
		}
		return "duration", ""
	}
	in = strings.TrimSpace(strings.TrimSuffix(in, "}}"))
	f := strings.Fields(in)
	switch {
	case len(f) == 1 && f[0] == "now":
		return "time", ""
	case len(f) == 2 && slices.Contains(timeFacts, f[0]):
		return "time", ""
	case len(f) == 2 && (f[0] == "lifetime" || f[0] == "left"):
		return "duration", ""
	case len(f) == 1 && isKnob(f[0]):
		pol := sim.DefaultPolicy()
		v, _ := pol.Get(f[0])
		if _, err := text.ParseDuration(v); err != nil {
			return "", fmt.Sprintf("{{%s}} is not a duration", f[0])
		}
		return "duration", ""
	case len(f) == 1 && own[f[0]] != nil:
		for _, v := range own[f[0]] {
			if _, err := text.ParseDuration(v); err != nil {
				return "", fmt.Sprintf("{{%s}} draws %q, which is not a duration", f[0], v)
			}
		}
		return "duration", ""
	}
	return "", fmt.Sprintf("%s is not a time (now, exp/until/issued of a token) or a duration (lifetime/left of a token, a knob, a draw)", tm.text)
}

// exprKind checks an expression: a time plus or minus durations, or a sum
// of durations.
func exprKind(expr string, own map[string][]string) (string, string) {
	kind := "duration"
	for i, tm := range terms(expr) {
		k, msg := termKind(tm, own)
		switch {
		case msg != "":
			return "", msg
		case k == "time" && (i > 0 || tm.sign < 0):
			return "", fmt.Sprintf("%q: a time can only come first, plus or minus durations", expr)
		case k == "time":
			kind = "time"
		}
	}
	return kind, ""
}

// computedQuiz checks right: and wrong: (validate.go checks the rest).
func (v *validator) computedQuiz(i int, q *Quiz) {
	at := func(k string) Pos {
		if p, ok := q.at[k]; ok {
			return p
		}
		return q.Pos
	}
	for _, k := range []string{"options", "answer"} {
		if _, ok := q.at[k]; ok {
			v.errAt(at(k), "step %d: quiz: %s goes with a quiz written by hand; a computed quiz (right:, wrong:) has none", i, k)
		}
	}
	own := map[string][]string{}
	for _, dr := range v.sc.Draws {
		if !isKnob(dr.Name) {
			own[dr.Name] = dr.Values
		}
	}
	if q.Right == "" {
		v.errAt(at("right"), "step %d: quiz: right is required: the engine's fact that answers it, e.g. \"{{until at-1}}\"", i)
	}
	if len(q.Wrong) == 0 {
		v.errAt(at("wrong"), "step %d: quiz: wrong is required: a list of at least one wrong answer, e.g. [\"{{now}}\"]", i)
	}
	want := ""
	for j, e := range append([]string{q.Right}, q.Wrong...) {
		if e == "" {
			continue
		}
		where := at("right")
		if j > 0 {
			where = at("wrong")
		}
		k, msg := exprKind(e, own)
		switch {
		case msg != "":
			v.errAt(where, "step %d: quiz: %s", i, msg)
		case want == "":
			want = k
		case k != want:
			v.errAt(where, "step %d: quiz: %q is a %s and the right answer a %s; options compare like with like", i, e, k, want)
		}
	}
	if q.Explain == "" {
		v.errAt(at("explain"), "step %d: quiz: explain is required: say why the answer is right", i)
	}
	if q.Question == "" {
		v.errAt(at("question"), "step %d: quiz: question is required", i)
	}
}

// eval is an expression's value in the run, formatted as every time and
// duration is; false with a visible gap when a fact is missing.
func eval(expr, preset string, snap sim.Snapshot, drawn map[string]string) (string, bool) {
	var sum value
	for _, tm := range terms(expr) {
		v, ok := termValue(tm.text, preset, snap, drawn)
		if !ok {
			return v.gap, false
		}
		if v.isTime {
			sum.t, sum.isTime = v.t, true
			continue
		}
		sum.d += time.Duration(tm.sign) * v.d
	}
	if sum.isTime {
		return text.FormatTime(sum.t.Add(sum.d), sim.Epoch()), true
	}
	return text.FormatDuration(sum.d), true
}

type termVal struct {
	value
	gap string
}

// termValue reads one term from the run: a duration literal, or a
// placeholder's fact as a time or duration.
func termValue(s, preset string, snap sim.Snapshot, drawn map[string]string) (termVal, bool) {
	in, ok := strings.CutPrefix(s, "{{")
	if !ok {
		d, err := text.ParseDuration(s)
		return termVal{value: value{d: d}, gap: "[bad duration " + s + "]"}, err == nil
	}
	in = strings.TrimSpace(strings.TrimSuffix(in, "}}"))
	f := strings.Fields(in)
	if len(f) == 1 && f[0] == "now" {
		return termVal{value: value{t: snap.Time, isTime: true}}, true
	}
	if len(f) == 2 {
		tok, ok := findToken(snap, f[1])
		if !ok || tok.exp.IsZero() && f[0] != "issued" {
			return termVal{gap: "[no " + f[1] + " in this run]"}, false
		}
		switch f[0] {
		case "exp":
			return termVal{value: value{t: tok.exp, isTime: true}}, true
		case "until":
			return termVal{value: value{t: snap.Policy.AcceptedUntil(tok.exp), isTime: true}}, true
		case "issued":
			return termVal{value: value{t: tok.iat, isTime: true}}, !tok.iat.IsZero()
		case "lifetime":
			return termVal{value: value{d: tok.exp.Sub(tok.iat)}}, !tok.iat.IsZero()
		case "left":
			return termVal{value: value{d: max(tok.exp.Sub(snap.Time), 0).Truncate(time.Second)}}, true
		}
		return termVal{gap: "[unknown " + in + "]"}, false
	}
	v, err := snap.Policy.Get(in)
	if err != nil {
		var ok bool
		if v, ok = drawn[in]; !ok {
			return termVal{gap: "[unknown " + in + "]"}, false
		}
	}
	d, err := text.ParseDuration(v)
	return termVal{value: value{d: d}, gap: "[" + in + " is not a duration]"}, err == nil
}

// computeQuiz fills a computed quiz from the run: the right option and the
// wrong ones that read differently, shuffled by seed and step, with
// Answer the right one's place. Unresolved collects what the run lacks.
func computeQuiz(q *Quiz, preset string, snap sim.Snapshot, drawn map[string]string, seed uint64, step int, unresolved *[]string) {
	right, ok := eval(q.Right, preset, snap, drawn)
	if !ok {
		*unresolved = append(*unresolved, q.Right)
	}
	opts := []string{right}
	for _, w := range q.Wrong {
		s, ok := eval(w, preset, snap, drawn)
		if !ok {
			*unresolved = append(*unresolved, w)
		}
		if !slices.Contains(opts, s) {
			opts = append(opts, s)
		}
	}
	perm := permutation(len(opts), seed, step)
	q.Options = make([]string, len(opts))
	for i, p := range perm {
		q.Options[i] = opts[p]
		if p == 0 {
			q.Answer = i + 1
		}
	}
}

// permutation is a shuffle of 0..n-1 that depends only on seed and step
// (splitmix64 driving Fisher–Yates): the same run shows the same order.
func permutation(n int, seed uint64, step int) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	x := seed ^ uint64(step)*0xbf58476d1ce4e5b9
	for i := n - 1; i > 0; i-- {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		j := int(z % uint64(i+1))
		perm[i], perm[j] = perm[j], perm[i]
	}
	return perm
}
