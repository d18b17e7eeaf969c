package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/tokensim/tokensim/internal/tuitest"
)

// TestServerTabWraps: at every step of every built-in lesson, the Server
// tab fits the widths it is drawn at, and every access token of a family
// is on it (issue 14: the list was cut at "at-6", even at 200×60).
func TestServerTabWraps(t *testing.T) {
	for _, sc := range tuitest.Catalogue(t) {
		p := dtLesson(t, sc)
		for cur := range p.tl.steps {
			p.tl.cur = cur
			for _, w := range []int{59, 79, 88} {
				tab := ansi.Strip(serverTab(&p.tl, p.st, w))
				for _, l := range strings.Split(tab, "\n") {
					if n := ansi.StringWidth(l); n > w {
						t.Errorf("%s step %d at %d: a line of %d cells: %q", sc.ID, cur+1, w, n, l)
					}
				}
				flat := strings.Join(strings.Fields(tab), " ")
				for _, f := range p.tl.snapshot().Families {
					for _, a := range f.Access {
						if !strings.Contains(flat, a.Label+" ") {
							t.Errorf("%s step %d at %d: %s is not on the Server tab:\n%s", sc.ID, cur+1, w, a.Label, tab)
						}
					}
				}
			}
		}
	}
}
