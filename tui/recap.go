package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	rendering "github.com/tokensim/tokensim/render" // tui has a render func of its own
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// recapHint is the status on the last step, once its outcome is shown.
const recapHint = "the last step: → for your recap"

// nextLessonMsg asks the root model to open the lesson after id on the
// path (the recap's enter).
type nextLessonMsg struct{ after string }

// courseKey handles the course's keys in a lesson, before the stepper: on
// the last step, next opens the recap; in the recap, enter (or next)
// opens the next lesson and previous returns to the last step. esc is the
// root model's: back to the picker, the lesson selected (leaveLesson).
func (l *lesson) courseKey(msg tea.Msg) (tea.Cmd, bool) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || l.modal != nil {
		return nil, false
	}
	if l.course.recap {
		switch {
		case key.Matches(k, l.keys.Picker.Open), key.Matches(k, l.keys.Player.Next):
			if l.course.next == nil {
				l.course.recap = false
				l.status = "that was the last lesson on the path"
				return nil, true
			}
			id := l.sc.ID
			return func() tea.Msg { return nextLessonMsg{after: id} }, true
		case key.Matches(k, l.keys.Player.Prev):
			l.course.recap = false
		}
		return nil, true // the recap takes no other key: nothing behind it moves
	}
	if l.finished() && (key.Matches(k, l.keys.Player.Next) || key.Matches(k, l.keys.Picker.Open)) {
		l.course.recap, l.status = true, ""
		return nil, true
	}
	return nil, false
}

// View is the recap once open, else the stepper's.
func (l *lesson) View() string {
	if !l.course.recap {
		return l.stepper.View()
	}
	return clampBlock(l.recapView(), l.w, l.h)
}

// recapView is the lesson's ending: its goals, now ticked; the learner's
// quiz score; the engine's key moments of the run shown, as many as the
// screen holds; and where enter goes next.
func (l *lesson) recapView() string {
	st, w := l.st, max(l.w-2, 20)
	var top strings.Builder
	top.WriteString(st.Title.Render("Recap · "+l.sc.Title) + "\n\n")
	top.WriteString(st.Bold.Render("What this lesson showed") + "\n")
	for _, g := range l.sc.Goals {
		top.WriteString(wrap(st.OK.Render(iconOK)+" "+g, w) + "\n")
	}
	right, _, total := l.tl.score()
	score := "no quiz in this lesson"
	if total > 0 {
		score = fmt.Sprintf("%d of %d right", right, total)
	}
	top.WriteString("\n" + st.Bold.Render("Your quiz: ") + score + "\n")

	var end strings.Builder
	if n := l.course.next; n != nil {
		end.WriteString(wrap(fmt.Sprintf("Next on your path: %s (%s) · enter to open it", n.Title, n.Level), w) + "\n")
	} else {
		end.WriteString("This was the last lesson on the path.\n")
	}
	end.WriteString(st.Subtle.Render(wrap("esc back to the lessons · ← back to the last step", w)))

	// The moments get the lines the rest leaves: a heading and a blank
	// line above it, and one above what comes next.
	var mid strings.Builder
	room := l.h - lipgloss.Height(top.String()) - lipgloss.Height(end.String()) - 3
	if moments := keyMoments(l.tl.steps); len(moments) > 0 && room >= 2 {
		head := "Key moments in this run"
		if l.whatIf != "" {
			head += " (what-if: " + l.whatIf + ")"
		}
		mid.WriteString("\n" + st.Bold.Render(head) + "\n")
		var lines []string
		for _, m := range moments {
			lines = append(lines, strings.Split(wrap("• "+m, w), "\n")...)
		}
		if len(lines) > room {
			// Whole moments only, and a line saying how many are left out.
			shown, used := 0, 0
			for _, m := range moments {
				h := strings.Count(wrap("• "+m, w), "\n") + 1
				if used+h > room-1 {
					break
				}
				used += h
				shown++
			}
			lines = nil
			for _, m := range moments[:shown] {
				lines = append(lines, wrap("• "+m, w))
			}
			lines = append(lines, st.Subtle.Render(fmt.Sprintf("… and %d more in the run", len(moments)-shown)))
		}
		mid.WriteString(strings.Join(lines, "\n") + "\n")
	}
	return top.String() + mid.String() + "\n" + end.String()
}

// momentWords names the kinds of event a recap lists, in the words of
// their kind (sim.EventKind): the state changes a lesson is about.
var momentWords = map[sim.EventKind]string{
	sim.KindStolen:         "token stolen",
	sim.KindStealFailed:    "theft failed",
	sim.KindForged:         "token forged",
	sim.KindForgeFailed:    "forgery failed",
	sim.KindReuse:          "reuse detected",
	sim.KindFamilyRevoked:  "family revoked",
	sim.KindRevoked:        "token revoked",
	sim.KindDenylisted:     "token denylisted",
	sim.KindSessionEnded:   "the app's session ended",
	sim.KindASSessionEnded: "the auth server's session ended",
	sim.KindAccount:        "account changed at the auth server",
}

// minorWords are the kinds a recap lists when the run has none of
// momentWords (a lesson about signing in and calling the API).
var minorWords = map[sim.EventKind]string{
	sim.KindLogin:         "user signed in",
	sim.KindIssued:        "token issued",
	sim.KindRotated:       "refresh token rotated",
	sim.KindASSession:     "auth server session started",
	sim.KindASSessionUsed: "auth server session used, no password asked",
}

// keyMoments are the run's key moments, from the engine's events only:
// the state changes of momentWords and what each of the attacker's
// requests got ("reuse detected at step 6 · rt-1, family f-1", "the
// attacker's GET /api/orders got 200 OK at step 8"), or if there are none
// the milestones of minorWords.
func keyMoments(steps []scenarios.StepResult) []string {
	if out := moments(steps, momentWords, true); len(out) > 0 {
		return out
	}
	return moments(steps, minorWords, false)
}

// moments lists the events of the kinds in names, and with attacker the
// attacker's requests, in the order they happened.
func moments(steps []scenarios.StepResult, names map[sim.EventKind]string, attacker bool) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	for _, s := range steps {
		for _, e := range s.Events {
			var ids []string
			if e.Token != "" {
				ids = append(ids, e.Token)
			}
			if e.Family != "" {
				ids = append(ids, "family "+e.Family)
			}
			what := ""
			if len(ids) > 0 {
				what = " · " + strings.Join(ids, ", ")
			}
			if w, ok := names[e.Kind]; ok {
				add(fmt.Sprintf("%s at step %d%s", w, s.Index, what))
				continue
			}
			if attacker && e.Kind == sim.KindExchange && e.From == sim.ActorAttacker && e.Status != 0 {
				got := fmt.Sprintf("%d", e.Status)
				if word := rendering.StatusWord(e.Status); word != "" {
					got += " " + word
				}
				if e.Error != "" {
					got += " (" + e.Error + ")"
				}
				add(fmt.Sprintf("the attacker's %s %s got %s at step %d", e.Method, e.Path, got, s.Index))
			}
		}
	}
	return out
}

// courseHelp is the recap's keys while it is shown, else own.
func (l *lesson) courseHelp(own help.KeyMap) help.KeyMap {
	if l.course.recap {
		return recapHelp{l.keys, l.course.next != nil}
	}
	return own
}

// recapHelp is the recap's help: enter for the next lesson, ← back to
// the last step, esc to the picker.
type recapHelp struct {
	k    *KeyMap
	next bool
}

func (h recapHelp) ShortHelp() []key.Binding {
	var out []key.Binding
	if h.next {
		out = append(out, key.NewBinding(key.WithKeys(h.k.Picker.Open.Keys()...), key.WithHelp(h.k.Picker.Open.Help().Key, "next lesson")))
	}
	return append(out, h.k.Player.Prev, h.k.Back, h.k.Help, h.k.Quit)
}
func (h recapHelp) FullHelp() [][]key.Binding { return [][]key.Binding{h.ShortHelp()} }
