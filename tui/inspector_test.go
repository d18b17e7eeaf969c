package tui

import (
	"testing"

	"github.com/tokensim/tokensim/scenarios"
)

// TestInspectorVisibleIsViewportView: the inspector draws its viewport's
// lines itself (visible); for every lesson of the catalogue, every step
// (its quiz unanswered and answered), every tab, a narrow and a wide size
// and every offset the scroll keys reach (three lines a press), that is
// exactly what the viewport's View draws. It ran at every offset, light
// and dark and four sizes (330,000 frames) before it was cut to this.
func TestInspectorVisibleIsViewportView(t *testing.T) {
	cat, err := scenarios.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	keys := DefaultKeyMap()
	compared, fast := 0, 0
	for _, sc := range cat {
		{
			st := NewStyles(true)
			p, err := newPlayer(&keys, st, sc, scenarios.Options{}, t.TempDir())
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
							if q := p.tl.steps[cur].Step.Quiz; answer && q != nil {
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
							in.View(&p.tl, st, "")
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
