package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
)

// btSizes are the terminal sizes the property test resizes to: nothing,
// below the minimum, the minimum, common and huge.
var btSizes = []tea.WindowSizeMsg{
	{Width: 0, Height: 0}, {Width: 1, Height: 1}, {Width: 59, Height: 15}, {Width: 60, Height: 16},
	{Width: 80, Height: 24}, {Width: 140, Height: 45}, {Width: 300, Height: 100},
	{Width: 60, Height: 100}, {Width: 300, Height: 16}, {Width: 119, Height: 30}, {Width: 120, Height: 30},
}

// btAllKeys is every key of every binding in keys.go.
func btAllKeys() []string {
	var keys []string
	for _, b := range btBindings() {
		keys = append(keys, b.b.Keys()...)
	}
	return keys
}

// btPrintable are runes typed at random: letters, digits, punctuation and
// a few that are wide or combining.
var btPrintable = []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~éß日本😀\u0301")

// btRandomMsg draws a message: mostly binding keys, then printable runes,
// resizes, autoplay ticks (current and stale) and background colours.
func btRandomMsg(rng *rand.Rand, keys []string, m tea.Model) tea.Msg {
	switch n := rng.IntN(100); {
	case n < 60:
		return tuitest.Key(keys[rng.IntN(len(keys))])
	case n < 80:
		r := btPrintable[rng.IntN(len(btPrintable))]
		return tea.KeyPressMsg{Code: r, Text: string(r)}
	case n < 90:
		if rng.IntN(3) == 0 {
			return tea.WindowSizeMsg{Width: rng.IntN(141), Height: rng.IntN(46)}
		}
		return btSizes[rng.IntN(len(btSizes))]
	case n < 97:
		var s *stepper
		gen := 0
		if p := m.(Model).player; p != nil {
			s = p.steps()
			gen = s.tick - rng.IntN(2) // the live timer, or a stale one
		}
		return autoplayMsg{s, gen}
	default:
		return tea.BackgroundColorMsg{Color: [...]btRGB{{0, 0, 0}, {255, 255, 255}}[rng.IntN(2)]}
	}
}

// btRGB is a plain RGB colour for BackgroundColorMsg.
type btRGB struct{ r, g, b uint8 }

func (c btRGB) RGBA() (r, g, b, a uint32) {
	return uint32(c.r) * 0x101, uint32(c.g) * 0x101, uint32(c.b) * 0x101, 0xffff
}

func TestRandomKeysAndResizes(t *testing.T) {
	keys := btAllKeys()
	starts := []struct {
		name string
		open func(testing.TB) *btApp
	}{
		{"picker", func(tb testing.TB) *btApp { return btPicker(tb, 80, 24) }},
		{"sandbox", func(tb testing.TB) *btApp { return btSandbox(tb, 80, 24) }},
		{"challenge", func(tb testing.TB) *btApp { return btChallenge(tb, "stop-the-thief", 80, 24) }},
	}
	for _, id := range []string{btLessonID, "login", "session-end", "first-party", "revocation-modes"} {
		starts = append(starts, struct {
			name string
			open func(testing.TB) *btApp
		}{id, func(tb testing.TB) *btApp { return btLesson(tb, id, 100, 30) }})
	}
	const perStart = 600
	for i, s := range starts {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(20261205, uint64(i)))
			a := s.open(t)
			var history []string // the last messages, to replay a failure
			record := func(msg tea.Msg) {
				history = append(history, fmt.Sprintf("%T%+v", msg, msg))
				if len(history) > 30 {
					history = history[1:]
				}
			}
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v\nlast messages:\n%s", r, strings.Join(history, "\n"))
				}
			}()
			seen := map[string]int{} // what was in front, to show the walk covers it
			for range perStart {
				switch r := a.m.(Model); {
				case r.screen == screenPicker && r.picker.filtering():
					seen["filtering"]++
				case r.screen == screenPicker:
					seen["picker"]++
				case r.player.steps().menu() != nil:
					seen["menu"]++
				case isSandbox(r.player):
					seen["sandbox"]++
				case isChallenge(r.player):
					seen["challenge"]++
				case r.player.steps().tl.hidden(r.player.steps().tl.cur):
					seen["quiz"]++
				default:
					seen["player"]++
				}
				msg := btRandomMsg(rng, keys, a.m)
				record(msg)
				if ws, ok := msg.(tea.WindowSizeMsg); ok {
					a.w, a.h = ws.Width, ws.Height
				}
				a.m, _ = a.m.Update(msg) // commands are not run: no files, no timers
				content := a.m.View().Content
				if err := btFits(content, a.w, a.h); err != nil {
					t.Fatalf("%v\n%s\nlast messages:\n%s", err, ansi.Strip(content), strings.Join(history, "\n"))
				}
				// Above the minimum the whole screen is painted.
				if a.w >= MinWidth && a.h >= MinHeight {
					if n := strings.Count(content, "\n") + 1; n != a.h {
						t.Fatalf("%d lines in a %dx%d terminal\nlast messages:\n%s", n, a.w, a.h, strings.Join(history, "\n"))
					}
				}
			}
			t.Logf("messages by screen in front: %v", seen)
			if seen["player"]+seen["quiz"]+seen["sandbox"]+seen["challenge"] < perStart/10 || seen["picker"] == 0 {
				t.Errorf("the walk hardly left one screen: %v", seen)
			}
		})
	}
}

func isSandbox(s screen) bool { _, ok := s.(*sandbox); return ok }

func isChallenge(s screen) bool { _, ok := s.(*challenge); return ok }
