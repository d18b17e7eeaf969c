package tui

import (
	"strings"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// TestInspectorVisibleIsViewportView: the inspector draws its viewport's
// lines itself (visible); for every lesson of the catalogue, every step
// (its quiz unanswered and answered), every tab, a narrow and a wide size
// and every offset the scroll keys reach (three lines a press), that is
// exactly what the viewport's View draws. It ran at every offset, light
// and dark and four sizes (330,000 frames) before it was cut to this.
func TestInspectorVisibleIsViewportView(t *testing.T) {
	cat := tuitest.Catalogue(t)
	keys := DefaultKeyMap()
	compared, fast := 0, 0
	for _, sc := range cat {
		{
			st := NewStyles(true)
			p, err := newLesson(&keys, st, sc, scenarios.Options{}, t.TempDir())
			if err != nil {
				t.Fatalf("%s: %v", sc.ID, err)
			}
			for _, size := range [][2]int{{30, 6}, {99, 20}} {
				p.insp.SetSize(size[0], size[1])
				for cur := -1; cur < len(p.tl.steps); cur++ {
					p.tl.cur = cur
					for _, answer := range []bool{false, true} {
						if cur >= 0 {
							p.tl.answered[cur] = 0
							if q := p.tl.steps[cur].Text.Quiz; answer && q != nil {
								p.tl.answered[cur] = q.Answer
							} else if answer {
								continue // no quiz: the same frames again
							}
						} else if answer {
							continue
						}
						for tab := range tabCount {
							in := &p.insp
							in.setTab(tab)
							in.render(&p.tl, st, "")
							for {
								if got, want := in.visible(), in.vp.View(); got != want {
									t.Fatalf("%s step %d tab %d %dx%d offset %d: visible\n%q\nviewport\n%q", sc.ID, cur, tab, size[0], size[1], in.vp.YOffset(), got, want)
								}
								compared++
								if !in.carries {
									fast++
								}
								if in.vp.AtBottom() {
									break
								}
								in.scroll(3)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d frames compared, %d drawn without the viewport", compared, fast)
	if fast < compared/2 {
		t.Errorf("only %d of %d frames were drawn without the viewport", fast, compared)
	}
}

// TestInspectorVisibleFallsBack: content the inspector does not draw
// itself (a line too wide, a tab, a carriage return, a style running on
// to the next line, a hyperlink) and content it does (styles closed on
// their line, wide runes, an empty body) both come out as the viewport
// draws them, at every offset.
func TestInspectorVisibleFallsBack(t *testing.T) {
	long := strings.Repeat("word ", 12)
	for name, body := range map[string]string{
		"too wide":      "short\n" + long + long + "\nshort",
		"tab":           "a\tb\nc",
		"carriage":      "one\r\ntwo\nthree\rfour\nfive",
		"style runs on": "\x1b[1mbold\nstill bold\x1b[m\nplain",
		"hyperlink":     "\x1b]8;;https://example.com\x07link\x1b]8;;\x07\nnext",
		"closed styles": "\x1b[1mbold\x1b[m and \x1b[38;5;2mgreen\x1b[0m\nplain",
		"wide runes":    "日本語のテキスト\n👩‍💻 ⏱ ✓",
		"empty":         "",
		"blank lines":   "\n\n\nlast",
	} {
		keys := DefaultKeyMap()
		in := newInspector(&keys)
		in.SetSize(30, 5)
		in.setBody(body)
		for {
			if got, want := in.visible(), in.vp.View(); got != want {
				t.Fatalf("%s, offset %d: visible\n%q\nviewport\n%q", name, in.vp.YOffset(), got, want)
			}
			if in.vp.AtBottom() {
				break
			}
			in.scroll(1)
		}
	}
}
