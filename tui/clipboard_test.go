package tui

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/tokensim/tokensim/sim"
)

// btClipboard is the text a command sets the clipboard to; ok is false
// when it is not tea.SetClipboard's.
func btClipboard(t *testing.T, cmd tea.Cmd) (string, bool) {
	t.Helper()
	if cmd == nil {
		return "", false
	}
	msg := cmd()
	if fmt.Sprintf("%T", msg) != fmt.Sprintf("%T", tea.SetClipboard("")()) {
		return "", false
	}
	return fmt.Sprint(msg), true
}

// TestCurlCommand: the one request-to-curl, byte for byte: the method only
// where curl does not infer it, no Host or Content-Length header, the body
// as sent, single quotes escaped for a POSIX shell.
func TestCurlCommand(t *testing.T) {
	post := sim.Request{Method: "POST", Host: "auth.tokensim.test", Target: "/token",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Content-Length": {"42"}, "Dpop": {"eyJ.a.b"}, "Host": {"auth.tokensim.test"}},
		Body:   "grant_type=refresh_token&refresh_token=rt-1&note=it's"}
	want := `curl 'https://auth.tokensim.test/token' \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  -H 'Dpop: eyJ.a.b' \
  --data-raw 'grant_type=refresh_token&refresh_token=rt-1&note=it'\''s'`
	if got := curlCommand(post, "https"); got != want {
		t.Errorf("POST:\n%s\nwant\n%s", got, want)
	}
	get := sim.Request{Method: "GET", Host: "127.0.0.1:8080", Target: "/api/orders?x=1", Header: http.Header{"Authorization": {"Bearer at-1"}}}
	if got, want := curlCommand(get, "http"), "curl 'http://127.0.0.1:8080/api/orders?x=1' \\\n  -H 'Authorization: Bearer at-1'"; got != want {
		t.Errorf("GET:\n%s\nwant\n%s", got, want)
	}
	del := sim.Request{Method: "DELETE", Host: "h", Target: "/x"}
	if got, want := curlCommand(del, "https"), "curl -X DELETE 'https://h/x'"; got != want {
		t.Errorf("DELETE:\n%q\nwant\n%q", got, want)
	}
}

// TestCopyTokenAndExchange: y on the Tokens tab copies the raw token, ]
// there picks another; elsewhere y copies the selected exchange as curl,
// built from the recorded request; with several exchanges and none
// selected it says how to pick one. The status says what was copied.
func TestCopyTokenAndExchange(t *testing.T) {
	a := btLesson(t, "login", 80, 24)
	a.press("n", "2", "3") // answer the quiz, then the Tokens tab
	toks := a.pl().tl.snapshot().Tokens
	if len(toks) < 2 {
		t.Fatalf("%d tokens after logging in", len(toks))
	}
	v, ok := btClipboard(t, a.press("y"))
	if !ok || v != toks[0].Value || strings.Count(v, ".") != 2 {
		t.Fatalf("y on the Tokens tab copied %q (%v), want the first token's raw JWT %q", v, ok, toks[0].Value)
	}
	if h := a.header(); !strings.Contains(h, "copied "+tokenName(toks[0])) {
		t.Errorf("after y: header %q", h)
	}
	if !strings.Contains(a.text(), iconHop+" ") {
		t.Errorf("the copied token is not marked:\n%s", a.text())
	}
	a.press("]")
	if v, _ := btClipboard(t, a.press("y")); v != toks[1].Value {
		t.Errorf("], y copied %q, want the second token %q", v, toks[1].Value)
	}

	// Exchanges: the step has four; y asks for a selection first.
	a.press("2")
	if cmd := a.press("y"); cmd != nil || !strings.Contains(a.header(), "4 exchanges: ] picks one, then y") {
		t.Errorf("y with four exchanges and none selected: header %q", a.header())
	}
	a.press("]", "]", "]", "]") // POST /token
	e, _, _, _ := a.pl().selectedExchange()
	v, ok = btClipboard(t, a.press("y"))
	if !ok || v != curlCommand(e.Exchange.Request, "https") {
		t.Fatalf("y on exchange 4 copied %q", v)
	}
	for _, w := range []string{"curl 'https://auth.tokensim.test/token'", "--data-raw '", "grant_type=authorization_code"} {
		if !strings.Contains(v, w) {
			t.Errorf("the curl command lacks %q:\n%s", w, v)
		}
	}
	if h := a.header(); !strings.Contains(h, "copied exchange 4 as curl") {
		t.Errorf("after y on an exchange: header %q", h)
	}
	// A step of one exchange needs no selection.
	b := btLesson(t, "bearer-calls", 80, 24)
	b.press("n")
	if xs := exchanges(b.pl().tl.steps[0].Events); len(xs) == 1 {
		if v, ok := btClipboard(t, b.press("y")); !ok || !strings.HasPrefix(v, "curl ") {
			t.Errorf("y on a step of one exchange copied %q", v)
		}
	}
}

// TestCopyEmitsOSC52: the copy reaches the terminal as an OSC 52 sequence
// in the program's output (over SSH, the session's channel), with the
// text base64-encoded.
func TestCopyEmitsOSC52(t *testing.T) {
	const text = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln"
	var out bytes.Buffer
	p := tea.NewProgram(btOneShot{tea.SetClipboard(text)}, tea.WithInput(nil), tea.WithOutput(&out),
		tea.WithWindowSize(80, 24), tea.WithColorProfile(colorprofile.Ascii), tea.WithoutSignals(),
		tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
	if !bytes.Contains(out.Bytes(), []byte(want)) {
		t.Errorf("the output has no %q:\n%q", want, out.String())
	}
}

// btOneShot runs one command, then quits.
type btOneShot struct{ cmd tea.Cmd }

func (m btOneShot) Init() tea.Cmd                       { return tea.Sequence(m.cmd, tea.Quit) }
func (m btOneShot) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (m btOneShot) View() tea.View                      { return tea.NewView("") }

// btTestCopy: y on the Tokens tab copies a token's raw value.
func btTestCopy(t *testing.T, k string) {
	a := btLesson(t, "login", 100, 30)
	a.press("n", "2", "3")
	if v, ok := btClipboard(t, a.press(k)); !ok || v != a.pl().tl.snapshot().Tokens[0].Value {
		t.Errorf("%s copied %q (%v)", k, v, ok)
	}
}
