package scenarios

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/sim"
)

// A lesson's narration, quiz and expectations were written for its own
// policy. Under a preset or a what-if the same steps can turn out
// otherwise; this file is the one definition of "turned out otherwise"
// that the player, `run` and the exporters all use (architecture.md,
// invariant 8): a step differs when what it did or what it left behind is
// not what it did and left in the lesson's own run.

// Effects is a step's outcome as runs are compared: its status (or the
// local refusal), plus the consequences that change a session without
// changing a status (a reuse detected, a family revoked, the app logged
// out). Turning reuse detection off leaves a racing tab's 400 as it was,
// but not the family's fate. "200", "400 invalid_grant, reuse detected,
// family revoked", "nothing sent".
func (s StepResult) Effects() string {
	out := OutcomeText(s.Outcome)
	seen := map[sim.EventKind]bool{}
	for _, e := range s.Events {
		seen[e.Kind] = true
	}
	for _, k := range []struct {
		kind sim.EventKind
		says string
	}{{sim.KindReuse, "reuse detected"}, {sim.KindFamilyRevoked, "family revoked"}, {sim.KindSessionEnded, "the app logged out"}} {
		if seen[k.kind] {
			out += ", " + k.says
		}
	}
	return out
}

// OutcomeText is an outcome as a learner compares it: "200",
// "400 invalid_grant", "no_token", "nothing sent".
func OutcomeText(o sim.Outcome) string {
	switch {
	case o.Status == 0 && o.Error == "":
		return "nothing sent"
	case o.Status == 0:
		return o.Error
	}
	return strings.TrimSpace(fmt.Sprintf("%d %s", o.Status, o.Error))
}

// Difference is one step whose outcome differs from the lesson's own run.
type Difference struct {
	Step   int    // 1-based
	Title  string // the step's title (or action)
	Lesson string // the step's Effects in the lesson's own run
	Here   string // the step's Effects in this run
	// What lists each fact that differs, in words: "the outcome: …",
	// "rt-1: rotated in the lesson's run, active here", "requests: …".
	What []string
}

// String is the difference in one line, for summaries.
func (d Difference) String() string {
	s := fmt.Sprintf("step %d (%s): %s", d.Step, d.Title, d.What[0])
	if n := len(d.What) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more %s)", n, text.Plural(n, "difference", "differences"))
	}
	return s
}

// Differences lists the steps whose outcome differs from the lesson's own
// run, in step order; nil when r is the lesson's own run. A step differs
// when its effects, the requests it made, the state of any token named by
// label, whether the app is logged in, what the attacker holds, or the
// lesson's expectations for it differ between the two runs.
func (r *Run) Differences() []Difference {
	switch {
	case r.Lesson == nil:
		return nil
	case r.diffs != nil && sameSteps(r.diffs.steps, r.Steps):
		return r.diffs.list
	}
	return r.differences()
}

// diffCache holds a run's Differences, computed once when Execute
// finishes: every front end asks for them step by step.
type diffCache struct {
	steps []StepResult // the steps they were computed for
	list  []Difference
}

// sameSteps reports whether b is the very slice a was (not merely as
// long): a caller may give a Run other steps.
func sameSteps(a, b []StepResult) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

func (r *Run) differences() []Difference {
	var out []Difference
	for i, s := range r.Steps {
		if i >= len(r.Lesson.Steps) {
			break
		}
		if d, ok := compareStep(r.Lesson.Steps[i], s); ok {
			out = append(out, d)
		}
	}
	return out
}

// Diverged reports whether any step of r differs from the lesson's own run.
func (r *Run) Diverged() bool { return len(r.Differences()) > 0 }

// Difference returns step i's (1-based) difference, if it differs.
func (r *Run) Difference(i int) (Difference, bool) {
	for _, d := range r.Differences() {
		if d.Step == i {
			return d, true
		}
	}
	return Difference{}, false
}

// DifferingSteps names the steps that differ, runs of consecutive steps
// as ranges: "4, 6–11"; "" for none.
func DifferingSteps(ds []Difference) string {
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j+1].Step == ds[j].Step+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(ds[i].Step))
		case j == i+1:
			parts = append(parts, strconv.Itoa(ds[i].Step), strconv.Itoa(ds[j].Step))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", ds[i].Step, ds[j].Step))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

func compareStep(lesson, here StepResult) (Difference, bool) {
	d := Difference{Step: here.Index, Title: here.Step.Heading(), Lesson: lesson.Effects(), Here: here.Effects()}
	if d.Lesson != d.Here {
		d.What = append(d.What, "the outcome: "+d.Lesson+" in the lesson's run, "+d.Here+" here")
	}
	if a, b := exchanges(lesson), exchanges(here); !slices.Equal(a, b) {
		d.What = append(d.What, "requests: "+orNothing(a)+" in the lesson's run; "+orNothing(b)+" here")
	}
	a, b := tokenStates(lesson.Snapshot), tokenStates(here.Snapshot)
	labels := slices.Sorted(func(yield func(string) bool) {
		for k := range a {
			if !yield(k) {
				return
			}
		}
		for k := range b {
			if _, both := a[k]; !both && !yield(k) {
				return
			}
		}
	})
	var changed []string
	for _, l := range labels {
		if a[l] != b[l] {
			changed = append(changed, fmt.Sprintf("%s %s → %s", l, orAbsent(a[l]), orAbsent(b[l])))
		}
	}
	if len(changed) > 0 {
		d.What = append(d.What, "tokens (the lesson's run → here): "+strings.Join(changed, ", "))
	}
	if lesson.Snapshot.LoggedIn != here.Snapshot.LoggedIn {
		d.What = append(d.What, fmt.Sprintf("the app is %s in the lesson's run, %s here", loggedIn(lesson.Snapshot.LoggedIn), loggedIn(here.Snapshot.LoggedIn)))
	}
	if a, b := attackerCan(lesson.Snapshot), attackerCan(here.Snapshot); a != b {
		d.What = append(d.What, "the attacker "+a+" in the lesson's run; "+b+" here")
	}
	if len(lesson.Failures) == 0 && len(here.Failures) > 0 {
		d.What = append(d.What, fmt.Sprintf("%d of the lesson's expectations for this step fail here", len(here.Failures)))
	}
	return d, len(d.What) > 0
}

// exchanges is the step's requests, each with its answer.
func exchanges(s StepResult) []string {
	var out []string
	for _, e := range s.Events {
		if e.Kind == sim.KindExchange {
			out = append(out, strings.TrimSpace(fmt.Sprintf("%s → %s %s %s %d %s", e.From.Title(), e.To.Title(), e.Method, e.Path, e.Status, e.Error)))
		}
	}
	return out
}

// tokenStates is the state of every token the AS issued, by label.
func tokenStates(s sim.Snapshot) map[string]string {
	out := map[string]string{}
	for _, f := range s.Families {
		for _, rt := range f.Refresh {
			out[rt.Label] = string(rt.State)
		}
		for _, at := range f.Access {
			out[at.Label] = string(at.State)
		}
	}
	return out
}

// attackerCan is what the attacker holds and whether any of it still
// works, without the times (a what-if on a lifetime moves them; the
// placeholders say them).
func attackerCan(s sim.Snapshot) string {
	var holds []string
	for _, t := range s.Tokens {
		if t.Holder == sim.ActorAttacker {
			holds = append(holds, fmt.Sprintf("%s %s (%s)", t.Kind, t.Label, t.State))
		}
	}
	if len(holds) == 0 {
		return "holds nothing"
	}
	return "holds " + strings.Join(holds, ", ")
}

func loggedIn(b bool) string {
	if b {
		return "logged in"
	}
	return "logged out"
}

func orAbsent(s string) string {
	if s == "" {
		return "not issued"
	}
	return s
}

func orNothing(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// LessonPolicy names the policy the lesson's text was written for: its
// preset and its own settings.
func (r *Run) LessonPolicy() string {
	l := r
	if r.Lesson != nil {
		l = r.Lesson
	}
	s := "preset " + l.Preset
	for _, set := range l.Scenario.Set {
		s += ", " + set.Key + "=" + set.Value
	}
	if l.Scenario.Storage != "" {
		s += ", storage " + l.Scenario.Storage
	}
	return s
}

// Departures names what the run's options change besides the preset
// (settings, storage), after sep; "" when nothing.
func (r *Run) Departures(sep string) string {
	var parts []string
	for _, set := range r.Options.Set {
		parts = append(parts, set.Key+"="+set.Value)
	}
	if r.Options.Storage != "" {
		parts = append(parts, "storage "+r.Options.Storage)
	}
	if len(parts) == 0 {
		return ""
	}
	return sep + "with " + strings.Join(parts, ", ")
}

// LessonNote introduces a differing step's narration and quiz: they
// describe the lesson's own run, not the one shown.
func (r *Run) LessonNote() string {
	return "The lesson's narration and quiz, written for its own policy (" + r.LessonPolicy() + "), under which this step turned out otherwise"
}

// SameNote introduces the narration of a step that turned out as in the
// lesson's own run, in a run under another policy: the outcome agrees, but
// a sentence about the policy itself ("rotation is on") was written for
// the lesson's. "" for the lesson's own run and for a differing step.
func (r *Run) SameNote(s StepResult) string {
	if r.Lesson == nil {
		return ""
	}
	if _, differs := r.Difference(s.Index); differs {
		return ""
	}
	return "Narration written for the lesson's own policy (" + r.LessonPolicy() + "); this step turned out the same under this one"
}

// DivergenceSummary counts and names the differing steps, the sentence
// every front end prints: steps, not expectations.
func (r *Run) DivergenceSummary(ds []Difference) string {
	return fmt.Sprintf("Under this policy %d of %d steps differ from the lesson's own run (%s): %s",
		len(ds), len(r.Steps), r.LessonPolicy(), text.Plural(len(ds), "step ", "steps ")+DifferingSteps(ds))
}

// Verdict is a step's expectations as a run other than the lesson's own
// shows them: each line says what it compares against (the lesson's
// expectations, written for its own policy). It is nil for the lesson's
// own run, whose front ends say "expectations held" plainly, and for a
// step without expectations.
func (r *Run) Verdict(s StepResult) []string {
	if r.Lesson == nil || s.Step.Expect == nil {
		return nil
	}
	_, differs := r.Difference(s.Index)
	if len(s.Failures) == 0 {
		if differs {
			return []string{"✓ the lesson's expectations for this step hold here too, though the step differs from the lesson's own run"}
		}
		return []string{"✓ as in the lesson's own run: its expectations for this step hold"}
	}
	var out []string
	for _, f := range s.Failures {
		out = append(out, "✗ the lesson expects, for its own policy, "+f.Key+": "+f.Expected+"; here "+f.Got)
	}
	return out
}
