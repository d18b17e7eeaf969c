package tui_test

import (
	"fmt"
	"testing"

	"github.com/tokensim/tokensim/internal/tuitest"
	"github.com/tokensim/tokensim/scenarios"
)

// TestGoldenKeys: the screens of issue 14's keys. Regenerate with
//
//	go test ./tui -run TestGoldenKeys -update
//
// and read every file under testdata/TestGoldenKeys.
func TestGoldenKeys(t *testing.T) {
	login := tuitest.Lookup(t, "login")
	rot := tuitest.Lookup(t, "refresh-theft-rotation")
	for _, sz := range gtSizes {
		w, h := sz.w, sz.h
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			// The login's third hop: the browser brings the code back to
			// the app, marked in the diagram, alone on the HTTP tab.
			t.Run("login-hop-3", func(t *testing.T) {
				m := gtPress(t, gtNew(t, login, false, scenarios.Options{}, w, h), "right", "2", "]", "]", "]")
				gtContains(t, m, "exchange 3 of 4", "» ", "GET /callback")
				gtGolden(t, m, w, h)
			})
			// The second token selected on the Tokens tab: the one y copies.
			t.Run("login-token-2", func(t *testing.T) {
				m := gtPress(t, gtNew(t, login, false, scenarios.Options{}, w, h), "right", "2", "3", "]", "]")
				gtContains(t, m, "token 2 of", "y copies it", "» ")
				gtGolden(t, m, w, h)
			})
			// The what-if menu: its digits named, its pages where it does not fit.
			t.Run("whatif-menu", func(t *testing.T) {
				m := gtPress(t, gtNew(t, rot, false, scenarios.Options{}, w, h), "right", "w")
				gtContains(t, m, "1. refresh-token rotation", "or enter")
				gtGolden(t, m, w, h)
			})
		})
	}
}
