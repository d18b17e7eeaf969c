package term

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// The page's background is what the terminal answers to the program's
// background query (OSC 11 "?"), so a light page gets light styles.
func TestSetColorsAnswersTheBackgroundQuery(t *testing.T) {
	sc := NewScreen(20, 4)
	bg, changed := sc.SetColors("#1a1a1a", "#fafafa")
	if !changed || hexOf(rgbOf(bg)) != "#fafafa" {
		t.Fatalf("SetColors gave %v, changed %v; want #fafafa, changed", hexOf(rgbOf(bg)), changed)
	}
	if _, changed := sc.SetColors("#1a1a1a", "#fafafa"); changed {
		t.Fatal("the same colours again reported a change")
	}
	if _, changed := sc.SetColors("", "not-a-colour"); changed {
		t.Fatal("a colour that does not parse changed the background")
	}
	answer := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		n, _ := io.ReadAtLeast(sc.Answers(), buf, 1)
		answer <- string(buf[:n])
	}()
	if _, err := sc.Write([]byte(ansi.RequestBackgroundColor)); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-answer:
		// xterm answers rgb:rrrr/gggg/bbbb.
		if !strings.Contains(got, "rgb:fafa/fafa/fafa") {
			t.Fatalf("background query answered %q; want the page's #fafafa", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the background query was not answered")
	}
	_ = sc.CloseAnswers()
}

// Only "#rrggbb" is a colour: anything else a page sends is ignored,
// never half-read into the report that goes to the program's input.
func TestParseHexIsStrict(t *testing.T) {
	for _, s := range []string{"# 1 2 3", "#+1+2+3", "#\x1b]1\a1", "#0x0102", "#1\n2\n3", "ffffff", "#fffffff", "#gggggg"} {
		if c, ok := parseHex(s); ok {
			t.Errorf("parseHex(%q) = %v, want refused", s, c)
		}
	}
	if c, ok := parseHex("#0D1117"); !ok || hexOf(rgbOf(c)) != "#0d1117" {
		t.Errorf("parseHex(#0D1117) = %v, %v", c, ok)
	}
}
