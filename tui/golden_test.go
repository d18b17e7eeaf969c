package tui_test

import (
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/tui"
)

// Golden tests of the rendered screens. Regenerate with
//
//	go test ./tui -run TestGolden -update
//
// and read every file under testdata/TestGolden: they are reviewed like code.

// gtSizes are the terminal sizes every screen is rendered at.
var gtSizes = []struct{ w, h int }{{80, 24}, {60, 16}, {140, 45}, {200, 60}}

// gtNew makes the root model, sized w×h. open may be nil (the picker).
func gtNew(tb testing.TB, open *scenarios.Scenario, sandbox bool, run scenarios.Options, w, h int) tea.Model {
	tb.Helper()
	m, err := tui.New(tui.Options{Catalogue: tuitest.Catalogue(tb), Open: open, Sandbox: sandbox, Run: run, ExportDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("tui.New: %v", err)
	}
	var tm tea.Model = m
	tm, _ = tm.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return tm
}

// gtPress sends keys, by name, through the root Update. Commands are
// dropped: the screens under test need none of them.
func gtPress(tb testing.TB, m tea.Model, keys ...string) tea.Model {
	tb.Helper()
	for _, k := range keys {
		m, _ = m.Update(tuitest.Key(k))
	}
	return m
}

// gtSteps presses → n times.
func gtSteps(tb testing.TB, m tea.Model, n int) tea.Model {
	tb.Helper()
	for range n {
		m = gtPress(tb, m, "right")
	}
	return m
}

// gtToLast steps to the last step of sc, answering every quiz correctly on
// the way.
func gtToLast(tb testing.TB, m tea.Model, sc *scenarios.Scenario) tea.Model {
	tb.Helper()
	for _, st := range sc.Steps {
		m = gtPress(tb, m, "right")
		if q := st.Quiz; q != nil {
			m = gtPress(tb, m, strconv.Itoa(q.Answer))
		}
	}
	if h := gtScreen(m); !strings.Contains(h, fmt.Sprintf("step %d/%d", len(sc.Steps), len(sc.Steps))) {
		tb.Fatalf("not at the last step of %s:\n%s", sc.ID, h)
	}
	return m
}

// gtScreen is the view without styling.
func gtScreen(m tea.Model) string { return ansi.Strip(m.View().Content) }

// gtFits fails unless every line of s is at most w cells wide and s has at
// most h lines.
func gtFits(tb testing.TB, s string, w, h int) {
	tb.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		tb.Errorf("%d lines, terminal has %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			tb.Errorf("line %d is %d cells wide, terminal has %d: %q", i+1, n, w, l)
		}
	}
}

// gtGolden checks the screen against its golden file and the terminal.
func gtGolden(t *testing.T, m tea.Model, w, h int) {
	t.Helper()
	s := gtScreen(m)
	gtFits(t, s, w, h)
	if strings.TrimSpace(s) == "" {
		t.Fatal("blank screen")
	}
	golden.RequireEqual(t, s)
}

// gtContains fails unless the screen shows every one of want.
func gtContains(tb testing.TB, m tea.Model, want ...string) {
	tb.Helper()
	s := gtScreen(m)
	for _, w := range want {
		if !strings.Contains(s, w) {
			tb.Errorf("screen lacks %q:\n%s", w, s)
		}
	}
}

// gtQuiz is the 1-based number of sc's first step with a quiz, and that
// quiz's right answer as a key. The goldens find the quiz rather than
// name its step, so that a step added to the lesson does not break them.
func gtQuiz(tb testing.TB, sc *scenarios.Scenario) (int, string) {
	tb.Helper()
	for i, st := range sc.Steps {
		if st.Quiz != nil {
			return i + 1, strconv.Itoa(st.Quiz.Answer)
		}
	}
	tb.Fatalf("%s has no quiz", sc.ID)
	return 0, ""
}

// gtWrong is a wrong answer to the quiz at step n of sc, as a key.
func gtWrong(sc *scenarios.Scenario, n int) string {
	if sc.Steps[n-1].Quiz.Answer == 1 {
		return "2"
	}
	return "1"
}

func TestGolden(t *testing.T) {
	rot := tuitest.Lookup(t, "refresh-theft-rotation")
	q, right := gtQuiz(t, rot)
	at := fmt.Sprintf("step %d/%d", q, len(rot.Steps))
	for _, sz := range gtSizes {
		w, h := sz.w, sz.h
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			t.Run("picker", func(t *testing.T) {
				m := gtNew(t, nil, false, scenarios.Options{}, w, h)
				gtContains(t, m, "pick a lesson", "You will learn")
				gtGolden(t, m, w, h)
			})
			t.Run("rotation-step0", func(t *testing.T) {
				m := gtNew(t, rot, false, scenarios.Options{}, w, h)
				gtContains(t, m, fmt.Sprintf("step 0/%d", len(rot.Steps)), "Press →")
				gtGolden(t, m, w, h)
			})
			t.Run("rotation-quiz", func(t *testing.T) {
				m := gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, w, h), q)
				gtContains(t, m, at, "Predict", "predict first")
				if s := gtScreen(m); strings.Contains(s, "reuse detected") || strings.Contains(s, "invalid_grant") {
					t.Errorf("the unanswered quiz gives its answer away:\n%s", s)
				}
				gtGolden(t, m, w, h)
			})
			// The feedback on a wrong answer: the verdict names the
			// right one, and the options marked both, above it if room.
			t.Run("rotation-quiz-wrong", func(t *testing.T) {
				m := gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, w, h), q)
				m = gtPress(t, m, gtWrong(rot, q))
				gtContains(t, m, at, "Not quite: the answer is "+right)
				gtGolden(t, m, w, h)
			})
			for i, tab := range []string{"Narration", "HTTP", "Tokens", "Server", "Attacker"} {
				t.Run("rotation-quiz-"+tab, func(t *testing.T) {
					m := gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, w, h), q)
					m = gtPress(t, m, right)
					if i > 0 {
						m = gtPress(t, m, strconv.Itoa(i+1))
					}
					score := "quiz 1 of 1 right"
					if w < 80 {
						score = "quiz 1" // the header is cut at the title's end
					}
					gtContains(t, m, at, score, "▶"+strconv.Itoa(i+1)+" "+tab)
					gtGolden(t, m, w, h)
				})
			}
			for _, id := range []string{"first-party", "login", "multi-tab-race"} {
				t.Run(id+"-last", func(t *testing.T) {
					sc := tuitest.Lookup(t, id)
					m := gtToLast(t, gtNew(t, sc, false, scenarios.Options{}, w, h), sc)
					gtGolden(t, m, w, h)
				})
			}
			t.Run("sandbox-start", func(t *testing.T) {
				m := gtNew(t, nil, true, scenarios.Options{}, w, h)
				gtContains(t, m, "step 0/0", "Sandbox: ", "i  log in")
				gtGolden(t, m, w, h)
			})
			t.Run("sandbox", func(t *testing.T) {
				m := gtNew(t, nil, true, scenarios.Options{}, w, h)
				m = gtPress(t, m, "i", "c")
				m = gtPress(t, m, "s", "2") // steal the refresh token with injected script
				// Advance until the access token has expired: its eighth
				// choice, by arrows, because a menu numbers each page from 1
				// and 60×16 pages by four.
				m = gtPress(t, m, "d", "down", "down", "down", "down", "down", "down", "down", "enter")
				m = gtPress(t, m, "R", "c", "2") // attacker refreshes; the app calls; HTTP tab
				gtContains(t, m, "step 6/6", "Attacker")
				gtGolden(t, m, w, h)
			})
		})
	}
	t.Run("too-small-59x15", func(t *testing.T) {
		m := gtNew(t, rot, false, scenarios.Options{}, 59, 15)
		gtContains(t, m, "Make the terminal larger", "59×15")
		gtGolden(t, m, 59, 15)
	})
	t.Run("light-140x45", func(t *testing.T) {
		m := gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, 140, 45), q)
		m = gtPress(t, m, gtWrong(rot, q)) // a wrong answer: both marks show
		dark := m.View().Content
		m, _ = m.Update(tea.BackgroundColorMsg{Color: gtLightBG})
		light := m.View().Content
		if light == dark {
			t.Error("a light background left the styles unchanged")
		}
		if ansi.Strip(light) != ansi.Strip(dark) {
			t.Error("the light theme changed the text, not only its colours")
		}
		// Every panel redrawn in the light colours, none left as it was
		// drawn for the dark background.
		gtContrast(t, gtBody(light), gtLightBG, map[string]bool{})
		// The golden keeps the colours: stripped, it was the dark
		// screen's text and could not see the theme at all.
		gtFits(t, ansi.Strip(light), 140, 45)
		golden.RequireEqual(t, light)
	})
}

// TestContrast checks that the player's text is readable on a light and
// on a dark background: every 24-bit foreground colour tui's own styles
// put on screen, in every tab, against the background.
func TestContrast(t *testing.T) {
	rot := tuitest.Lookup(t, "refresh-theft-rotation")
	q, _ := gtQuiz(t, rot)
	for _, bg := range []struct {
		name string
		c    color.Color
	}{{"light", gtLightBG}, {"dark", gtDarkBG}} {
		t.Run(bg.name, func(t *testing.T) {
			m := gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, 140, 45), 3)
			m, _ = m.Update(tea.BackgroundColorMsg{Color: bg.c})
			m = gtPress(t, m, "3") // an expired token's empty life bar
			screens := []string{m.View().Content}
			m = gtSteps(t, m, q-3)
			screens = append(screens, m.View().Content) // the quiz
			m = gtPress(t, m, gtWrong(rot, q))
			for tab := 1; tab <= 5; tab++ {
				m = gtPress(t, m, strconv.Itoa(tab))
				screens = append(screens, m.View().Content)
			}
			seen := map[string]bool{}
			for _, raw := range screens {
				gtContrast(t, gtBody(raw), bg.c, seen)
			}
			if len(seen) < 4 {
				t.Errorf("only %d foreground colours on screen: %v", len(seen), seen)
			}
		})
	}
}

// gtBody drops the last line of a screen, the help footer: its colours
// are bubbles' help defaults, set by the root model, not by styles.go.
func gtBody(raw string) string {
	if i := strings.LastIndex(raw, "\n"); i >= 0 {
		return raw[:i]
	}
	return raw
}

// gtLightBG and gtDarkBG are the backgrounds the themes are checked on.
var (
	gtLightBG = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	gtDarkBG  = color.RGBA{0x1E, 0x1E, 0x1E, 0xFF}
)

var gtSGR = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// gtContrast checks every 24-bit foreground colour in raw against bg:
// at least 4.5:1 (WCAG AA for text) for text, 3:1 (WCAG's bar for
// graphics) for colours drawing only glyphs such as the empty part of a
// life bar, which its shape (░ against █) already tells apart. It records
// each colour in seen.
func gtContrast(tb testing.TB, raw string, bg color.Color, seen map[string]bool) {
	tb.Helper()
	for _, run := range gtColouredRuns(raw) {
		hex, text := run[0], run[1]
		want := 4.5
		if strings.Trim(text, "░ ") == "" || strings.Trim(text, "─│╭╮╰╯ ") == "" {
			want = 3
		}
		if r := gtRatio(hex, bg); r < want {
			tb.Errorf("%q in %s has contrast %.2f:1 on the background, want ≥ %.1f:1", text, hex, r, want)
		}
		seen[hex] = true
	}
}

// gtColouredRuns returns, for each stretch of text drawn in a 24-bit
// foreground colour, the colour (#RRGGBB) and the text.
func gtColouredRuns(raw string) [][2]string {
	var out [][2]string
	fg := ""
	last := 0
	flush := func(end int) {
		if fg != "" {
			if text := ansi.Strip(raw[last:end]); strings.TrimSpace(text) != "" {
				out = append(out, [2]string{fg, text})
			}
		}
	}
	for _, loc := range gtSGR.FindAllStringSubmatchIndex(raw, -1) {
		flush(loc[0])
		last = loc[1]
		p := strings.FieldsFunc(raw[loc[2]:loc[3]], func(r rune) bool { return r == ';' || r == ':' })
		if len(p) == 0 {
			fg = ""
		}
		for i := 0; i < len(p); i++ {
			switch {
			case p[i] == "0" || p[i] == "39":
				fg = ""
			case p[i] == "38" && i+4 < len(p) && p[i+1] == "2":
				r, _ := strconv.Atoi(p[i+2])
				g, _ := strconv.Atoi(p[i+3])
				b, _ := strconv.Atoi(p[i+4])
				fg = fmt.Sprintf("#%02X%02X%02X", r, g, b)
				i += 4
			case p[i] == "38" || p[i] == "48":
				i = len(p) // other colour forms: not produced by tui's styles
			}
		}
	}
	flush(len(raw))
	return out
}

func gtRatio(hex string, bg color.Color) float64 {
	v, _ := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	lum := func(r, g, b float64) float64 {
		f := func(c float64) float64 {
			if c <= 0.03928 {
				return c / 12.92
			}
			return math.Pow((c+0.055)/1.055, 2.4)
		}
		return 0.2126*f(r) + 0.7152*f(g) + 0.0722*f(b)
	}
	l1 := lum(float64(v>>16&0xFF)/255, float64(v>>8&0xFF)/255, float64(v&0xFF)/255)
	br, bgc, bb, _ := bg.RGBA()
	l2 := lum(float64(br)/0xFFFF, float64(bgc)/0xFFFF, float64(bb)/0xFFFF)
	if l1 < l2 {
		l1, l2 = l2, l1
	}
	return (l1 + 0.05) / (l2 + 0.05)
}

// TestGoldenFreshFrames checks that no panel shows a stale frame: a model
// that went the long way round (views drawn at every key, resizes, tab
// switches, themes, a what-if and its reset, scrolling) draws exactly what
// a model that went straight there draws.
func TestGoldenFreshFrames(t *testing.T) {
	rot := tuitest.Lookup(t, "refresh-theft-rotation")
	// gtWalk presses keys one at a time, drawing after each.
	gtWalk := func(m tea.Model, keys ...string) tea.Model {
		t.Helper()
		for _, k := range keys {
			m = gtPress(t, m, k)
			_ = m.View()
		}
		return m
	}
	gtResize := func(m tea.Model, w, h int) tea.Model {
		m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		_ = m.View()
		return m
	}
	q, right := gtQuiz(t, rot)
	t.Run("player", func(t *testing.T) {
		want := gtPress(t, gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, 140, 45), q), right, "3").View().Content

		m := gtNew(t, rot, false, scenarios.Options{}, 140, 45)
		m = gtWalk(m, "right", "right", "3", "j")
		m = gtSteps(t, m, q-2) // to the quiz
		m = gtWalk(m, right, "4", "5", "1", "j", "j")
		m = gtResize(m, 80, 24)
		m = gtWalk(m, "j", "tab", "tab", "right", "left", "left", "right")
		m = gtResize(m, 140, 45)
		m, _ = m.Update(tea.BackgroundColorMsg{Color: gtLightBG})
		_ = m.View()
		m, _ = m.Update(tea.BackgroundColorMsg{Color: gtDarkBG})
		m = gtWalk(m, "w", "1", "2", "w") // rotation=false, then the menu again
		back := regexp.MustCompile(`(\d)\. back to the lesson's own policy`).FindStringSubmatch(ansi.Strip(m.View().Content))
		if back == nil {
			t.Fatalf("no way back in the what-if menu:\n%s", ansi.Strip(m.View().Content))
		}
		m = gtWalk(m, back[1], "tab", "3") // back to the lesson's own policy; tab clears the status
		if got := m.View().Content; got != want {
			t.Errorf("stale frame:\n%s\nwant:\n%s", ansi.Strip(got), ansi.Strip(want))
		}
	})
	t.Run("scroll", func(t *testing.T) {
		// Answered, the tab shows the feedback: scrolled to its end, with
		// the question above it.
		m := gtPress(t, gtSteps(t, gtNew(t, rot, false, scenarios.Options{}, 80, 24), q), right)
		end := gtScreen(m)
		m = gtWalk(m, "k")
		if gtScreen(m) == end {
			t.Fatal("k did not scroll the Narration tab")
		}
		gtContains(t, m, "↓", "more lines: j")
		m = gtWalk(m, "j")
		if got := gtScreen(m); got != end {
			t.Errorf("j did not scroll back:\n%s\nwant:\n%s", got, end)
		}
	})
	t.Run("sandbox", func(t *testing.T) {
		keys := []string{"i", "c", "s", "2", "d", "8", "R", "c", "3"}
		want := gtPress(t, gtNew(t, nil, true, scenarios.Options{}, 140, 45), keys...).View().Content
		got := gtWalk(gtNew(t, nil, true, scenarios.Options{}, 140, 45), keys...).View().Content
		if got != want {
			t.Errorf("stale frame:\n%s\nwant:\n%s", ansi.Strip(got), ansi.Strip(want))
		}
	})
}
