package render

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// mermaidIDs are the participants' identifiers in the diagram.
var mermaidIDs = map[sim.Actor]string{
	sim.ActorUser: "U", sim.ActorApp: "App", sim.ActorAS: "AS", sim.ActorAPI: "API", sim.ActorBilling: "Bill", sim.ActorAttacker: "X",
	sim.ActorService: "Svc",
}

// WriteMarkdown writes the run as Markdown: summary and goals, a Mermaid
// sequenceDiagram of every exchange, each step's narration and results, and
// the tokens decoded claim by claim. Ready to paste into slides or docs.
func WriteMarkdown(w io.Writer, r *scenarios.Run) error {
	var b strings.Builder
	sc := r.Scenario
	fmt.Fprintf(&b, "# %s\n\n", sc.Title)
	if sc.Summary != "" {
		fmt.Fprintf(&b, "> %s\n\n", sc.Summary)
	}
	// What is empty is left out (the sandbox has no level and no goals):
	// no "level  ·", no Goals heading over nothing. The seed is always
	// written: 0 is a seed like any other (the sandbox's), the one the
	// world's entropy was keyed with (sim.newEntropy).
	fmt.Fprintf(&b, "Scenario `%s`", sc.ID)
	if sc.Level != "" {
		fmt.Fprintf(&b, " · level %s", sc.Level)
	}
	fmt.Fprintf(&b, " · preset `%s` · seed %d%s\n\n", r.Preset, r.Options.Seed, r.Departures(" · "))
	if len(sc.Goals) > 0 {
		b.WriteString("**Goals**\n\n")
		for _, g := range sc.Goals {
			fmt.Fprintf(&b, "- %s\n", g)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Sequence\n\n")
	writeMermaid(&b, r)
	diffs := r.Differences()
	if len(diffs) > 0 {
		fmt.Fprintf(&b, "> **%s.** On those steps the run's account comes first; the lesson's narration and quiz follow, marked as written for its own policy.\n\n", r.DivergenceSummary(diffs))
	}
	b.WriteString("\n## Steps\n")
	for _, s := range r.Steps {
		fmt.Fprintf(&b, "\n### %d. %s\n\n", s.Index, s.Step.Heading())
		fmt.Fprintf(&b, "*%s, +%s*\n\n", text.FormatDate(s.Snapshot.Time, sim.Epoch()), text.FormatDuration(s.Snapshot.Time.Sub(sim.Epoch())))
		if d, differs := r.Difference(s.Index); differs {
			// The engine's account first: what happened here and why.
			writeStepEvents(&b, s)
			fmt.Fprintf(&b, "\n> **≠ This step differs from the lesson's own run:** %s.\n\n", mdCell(strings.Join(d.What, "; ")))
			fmt.Fprintf(&b, "*%s:*\n\n", r.LessonNote())
			b.WriteString(quoteMD(strings.TrimSpace(s.Text.Narration)) + "\n")
			writeQuiz(&b, s, "> ")
		} else {
			if n := r.SameNote(s); n != "" {
				fmt.Fprintf(&b, "*%s.*\n\n", n)
			}
			b.WriteString(strings.TrimSpace(s.Text.Narration) + "\n")
			writeQuiz(&b, s, "")
			writeStepEvents(&b, s)
		}
		if lines := r.Verdict(s); lines != nil {
			for _, l := range lines {
				fmt.Fprintf(&b, "\n> %s\n", mdCell(l))
			}
			continue
		}
		for _, f := range s.Failures {
			fmt.Fprintf(&b, "\n> **Expectation failed:** %s: expected %s, got %s\n", f.Key, f.Expected, f.Got)
		}
	}
	writeTokens(&b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeQuiz writes a step's quiz and its answer, each line after prefix
// (a differing step's lesson text is quoted).
func writeQuiz(b *strings.Builder, s scenarios.StepResult, prefix string) {
	q := s.Text.Quiz
	if q == nil {
		return
	}
	var qb strings.Builder
	fmt.Fprintf(&qb, "\n**Predict:** %s\n\n", q.Question)
	for i, o := range q.Options {
		fmt.Fprintf(&qb, "%d. %s\n", i+1, o)
	}
	fmt.Fprintf(&qb, "\n<details><summary>Answer</summary>\n\n%d. %s\n\n%s\n</details>\n", q.Answer, q.Options[q.Answer-1], strings.TrimSpace(q.Explain))
	if prefix == "" {
		b.WriteString(qb.String())
		return
	}
	b.WriteString("\n" + quoteMD(strings.TrimSpace(qb.String())) + "\n")
}

// writeStepEvents writes what a step did: its exchanges as a table, its
// state changes as a list, and a refusal made before anything was sent.
func writeStepEvents(b *strings.Builder, s scenarios.StepResult) {
	var rows []string
	for _, e := range s.Events {
		if e.Kind == sim.KindExchange {
			rows = append(rows, fmt.Sprintf("| %s → %s | `%s %s` | %d | %s | %s |", e.From.Title(), e.To.Title(), e.Method, e.Path, e.Status, mdCell(e.Error), mdCell(e.Reason)))
		}
	}
	if len(rows) > 0 {
		b.WriteString("\n| from → to | request | status | error | why |\n|---|---|---|---|---|\n")
		b.WriteString(strings.Join(rows, "\n") + "\n")
	}
	for _, e := range s.Events {
		if e.Kind != sim.KindExchange && e.Kind != sim.KindClock && (e.Reason != "" || e.Summary != "") {
			fmt.Fprintf(b, "- `%s` %s\n", e.Kind, mdCell(Account(e)))
		}
	}
	if l := localOutcome(s); l != "" {
		fmt.Fprintf(b, "\n**Refused before sending anything:** %s\n", mdCell(l))
	}
}

// quoteMD puts every line of text in a Markdown block quote.
func quoteMD(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight("> "+l, " ")
	}
	return strings.Join(lines, "\n")
}

func writeMermaid(b *strings.Builder, r *scenarios.Run) {
	used := map[sim.Actor]bool{sim.ActorUser: true, sim.ActorApp: true, sim.ActorAS: true, sim.ActorAPI: true}
	for _, s := range r.Steps {
		for _, e := range s.Events {
			if e.Kind == sim.KindExchange || e.Kind == sim.KindStolen || e.Kind == sim.KindStealFailed {
				used[e.From], used[e.To] = true, true
			}
		}
	}
	b.WriteString("```mermaid\nsequenceDiagram\n")
	var first, last string
	for _, a := range sim.Actors() {
		if used[a] {
			fmt.Fprintf(b, "    participant %s as %s\n", mermaidIDs[a], a.Title())
			if first == "" {
				first = mermaidIDs[a]
			}
			last = mermaidIDs[a]
		}
	}
	for _, s := range r.Steps {
		fmt.Fprintf(b, "    Note over %s,%s: %d. %s\n", first, last, s.Index, mermaidText(s.Step.Heading()))
		// A response is drawn once the events that happened while its
		// request was handled are: the API's key fetch sits inside the
		// call that caused it.
		var nest Nesting
		respond := func(evs []sim.Event) {
			for _, e := range evs {
				res := fmt.Sprint(e.Status)
				if e.Error != "" {
					res += " " + e.Error
				}
				fmt.Fprintf(b, "    %s-->>%s: %s\n", mermaidIDs[e.To], mermaidIDs[e.From], mermaidText(res))
			}
		}
		for _, e := range s.Events {
			answered, _ := nest.Next(e)
			respond(answered)
			switch e.Kind {
			case sim.KindExchange:
				fmt.Fprintf(b, "    %s->>%s: %s %s\n", mermaidIDs[e.From], mermaidIDs[e.To], e.Method, mermaidText(e.Path))
			case sim.KindClock:
				fmt.Fprintf(b, "    Note over %s,%s: %s\n", first, last, mermaidText(e.Summary))
			case sim.KindStolen:
				fmt.Fprintf(b, "    %s-->>%s: copies a token\n", mermaidIDs[e.To], mermaidIDs[e.From])
			case sim.KindReuse, sim.KindFamilyRevoked:
				fmt.Fprintf(b, "    Note right of AS: %s\n", mermaidText(string(e.Kind)+" "+e.Family))
			}
		}
		respond(nest.Rest())
	}
	b.WriteString("```\n")
}

// writeTokens decodes every token anyone held during the run, once each.
func writeTokens(b *strings.Builder, r *scenarios.Run) {
	seen := map[string]bool{}
	var views []sim.TokenView
	for _, s := range r.Steps {
		for _, t := range s.Snapshot.Tokens {
			if t.Header != nil && !seen[t.Value] {
				seen[t.Value] = true
				views = append(views, t)
			}
		}
	}
	if len(views) == 0 {
		return
	}
	b.WriteString("\n## Tokens, decoded\n")
	for _, t := range views {
		kind := map[string]string{"access": "access token", "refresh": "refresh token", "id": "ID token"}[t.Kind]
		title := kind
		if t.Label != "" {
			title = t.Label + ", " + kind
		}
		fmt.Fprintf(b, "\n### %s, held by %s\n\n| | claim | value | meaning |\n|---|---|---|---|\n", title, t.Holder.Title())
		for _, k := range slices.Sorted(maps.Keys(t.Header)) {
			fmt.Fprintf(b, "| header | `%s` | %s | %s |\n", k, mdCell(ClaimValue(k, t.Header[k])), mdCell(ClaimMeaningFor(t.Kind, k)))
		}
		for _, k := range slices.Sorted(maps.Keys(t.Claims)) {
			fmt.Fprintf(b, "| payload | `%s` | %s | %s |\n", k, mdCell(ClaimValue(k, t.Claims[k])), mdCell(ClaimMeaningFor(t.Kind, k)))
		}
	}
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

// mermaidText keeps characters Mermaid would read as syntax out of labels:
// ";" ends a statement and "#" starts an entity code.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "#", "", "\n", " ").Replace(s)
}
