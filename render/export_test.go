package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/tokensim/tokensim/scenarios"
)

// goldenScenarios are the transcripts kept as golden files, in every format.
// Refresh deliberately: go test ./scenarios -run TestTranscripts -update
var goldenScenarios = []string{"login", "refresh-theft-rotation", "logout"}

func runBuiltin(t *testing.T, id string, seed uint64) *scenarios.Run {
	t.Helper()
	sc, err := scenarios.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	r, err := scenarios.Execute(sc, scenarios.Options{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTranscripts(t *testing.T) {
	for _, id := range goldenScenarios {
		t.Run(id, func(t *testing.T) {
			r := runBuiltin(t, id, 1)
			t.Run("text", func(t *testing.T) {
				var b bytes.Buffer
				if err := WriteText(&b, r, TextOptions{}); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(b.String(), "\x1b[") {
					t.Error("colour escapes without Color")
				}
				golden.RequireEqual(t, b.String())
			})
			t.Run("markdown", func(t *testing.T) {
				var b bytes.Buffer
				if err := WriteMarkdown(&b, r); err != nil {
					t.Fatal(err)
				}
				golden.RequireEqual(t, b.String())
			})
			t.Run("json", func(t *testing.T) {
				var b bytes.Buffer
				if err := WriteJSON(&b, r); err != nil {
					t.Fatal(err)
				}
				golden.RequireEqual(t, b.String())
			})
		})
	}
}

// TestJSONSchema checks every line against docs/json-schema.md: the
// always-present fields are there on every line, kinds are known, and the
// stream ends with scenario.finished.
func TestJSONSchema(t *testing.T) {
	r := runBuiltin(t, "refresh-theft-rotation", 1)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	always := []string{"scenario", "step", "seq", "time", "kind", "from", "to", "method", "path", "status", "error", "reason"}
	var last map[string]any
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		for _, k := range always {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, k, l)
			}
		}
		last = m
	}
	if last["kind"] != KindScenarioFinished || last["ok"] != true {
		t.Errorf("the stream must end with a successful scenario.finished, got %v", last)
	}
	if !strings.Contains(b.String(), `"kind":"reuse.detected"`) || !strings.Contains(b.String(), `"error":"invalid_grant"`) {
		t.Error("the reuse detection of this scenario is missing from the stream")
	}
}

// TestTextColour: colour only when asked, and the words carry the meaning
// without it (statuses spelled out, marks as characters).
func TestTextColour(t *testing.T) {
	r := runBuiltin(t, "refresh-theft-rotation", 1)
	var plain, col bytes.Buffer
	_ = WriteText(&plain, r, TextOptions{})
	_ = WriteText(&col, r, TextOptions{Color: true})
	if !strings.Contains(col.String(), "\x1b[31m") {
		t.Error("no red for a refusal with Color on")
	}
	for _, want := range []string{"400 Bad Request invalid_grant", "✓ expectations held"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("plain transcript lacks %q", want)
		}
	}
}

// TestMarkdownMermaid: the diagram declares only participants that take
// part, and has an arrow per exchange.
func TestMarkdownMermaid(t *testing.T) {
	r := runBuiltin(t, "refresh-theft-rotation", 1)
	var b bytes.Buffer
	_ = WriteMarkdown(&b, r)
	md := b.String()
	exchanges := 0
	for _, s := range r.Steps {
		for _, e := range s.Events {
			if e.Kind == "exchange" {
				exchanges++
			}
		}
	}
	if got := strings.Count(md, "-->>") - strings.Count(md, "copies a token"); got != exchanges {
		t.Errorf("%d response arrows for %d exchanges", got, exchanges)
	}
	for _, want := range []string{"```mermaid\nsequenceDiagram", "participant X as Attacker", "X->>AS: POST /token", "AS-->>App: 400 invalid_grant", "| payload | `typ`"} {
		if want == "| payload | `typ`" {
			want = "| header | `typ` | at+jwt |"
		}
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	login := runBuiltin(t, "login", 1)
	b.Reset()
	_ = WriteMarkdown(&b, login)
	if strings.Contains(b.String(), "Attacker") {
		t.Error("a scenario without an attacker declares the Attacker participant")
	}
}

// TestJSONExchanges: with Exchanges every exchange line carries its full
// request and response, the same messages the wire recorded; without, no
// line does. Narration is unfolded: no line break inside a paragraph.
func TestJSONExchanges(t *testing.T) {
	r := runBuiltin(t, "login", 1)
	for _, with := range []bool{false, true} {
		var b bytes.Buffer
		if err := WriteJSONWith(&b, r, JSONOptions{Exchanges: with}); err != nil {
			t.Fatal(err)
		}
		exchanges := 0
		for l := range strings.SplitSeq(strings.TrimSpace(b.String()), "\n") {
			var ev JSONEvent
			if err := json.Unmarshal([]byte(l), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.Kind == KindStepStarted {
				for p := range strings.SplitSeq(ev.Narration, "\n\n") {
					if strings.Contains(p, "\n") || p != strings.TrimSpace(p) {
						t.Errorf("narration keeps the file's line breaks: %q", p)
					}
				}
			}
			if ev.Kind != "exchange" {
				if ev.Request != nil || ev.Response != nil {
					t.Errorf("a %s line has a request or response", ev.Kind)
				}
				continue
			}
			exchanges++
			if !with {
				if ev.Request != nil || ev.Response != nil || strings.Contains(l, `"request"`) {
					t.Errorf("without --exchanges: %s", l)
				}
				continue
			}
			if ev.Request == nil || ev.Response == nil {
				t.Fatalf("with --exchanges, an exchange without its messages: %s", l)
			}
			if ev.Request.Method != ev.Method || !strings.HasPrefix(ev.Request.URL, "https://") || !strings.Contains(ev.Request.URL, ev.Path) ||
				ev.Response.Status != ev.Status || ev.Request.Headers == nil || ev.Response.Headers == nil {
				t.Errorf("messages disagree with the line: %s", l)
			}
			if ev.Path == "/token" && !strings.Contains(ev.Request.Body, "grant_type=") {
				t.Errorf("the token request's body is missing: %q", ev.Request.Body)
			}
			if ev.Path == "/token" && !strings.Contains(ev.Response.Body, `"access_token"`) {
				t.Errorf("the token response's body is missing: %q", ev.Response.Body)
			}
		}
		if exchanges == 0 {
			t.Fatal("no exchanges")
		}
	}
}

// TestSandboxMarkdown: the sandbox's export leaves out what the sandbox
// does not have (a level, goals) and records the seed its world ran with.
func TestSandboxMarkdown(t *testing.T) {
	for _, seed := range []uint64{0, 7} {
		l, err := scenarios.NewLive("", "", "", scenarios.Options{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Do("login", nil); err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := WriteMarkdown(&b, &l.Run); err != nil {
			t.Fatal(err)
		}
		md := b.String()
		for _, bad := range []string{"level  ·", "level ·", "**Goals**\n\n\n", "**Goals**\n\n##"} {
			if strings.Contains(md, bad) {
				t.Errorf("seed %d: the export has %q:\n%s", seed, bad, md[:min(len(md), 400)])
			}
		}
		if want := fmt.Sprintf("Scenario `sandbox` · preset `tokensim` · seed %d\n", seed); !strings.Contains(md, want) {
			t.Errorf("lacks %q:\n%s", want, md[:min(len(md), 400)])
		}
	}
}

// TestExportsSpellHeadersAndTabs: the JSON (--exchanges) and HAR exports
// spell header names as their specifications do (DPoP, RFC 9449 §4.1;
// DPoP-Nonce, §8; WWW-Authenticate, RFC 9110 §11.6.1), as the HTTP tab
// does, not as Go canonicalises them; and a race's exchanges carry their
// tab.
func TestExportsSpellHeadersAndTabs(t *testing.T) {
	dpop := runBuiltin(t, "dpop-binding", 1)
	var js, har bytes.Buffer
	if err := WriteJSONWith(&js, dpop, JSONOptions{Exchanges: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHAR(&har, []*scenarios.Run{dpop}, "test"); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"json": js.String(), "har": har.String()} {
		if !strings.Contains(out, `"DPoP"`) || strings.Contains(out, `"Dpop"`) || strings.Contains(out, `"Www-Authenticate"`) {
			t.Errorf("%s: header names not as specified (want DPoP, WWW-Authenticate)", name)
		}
	}
	var race bytes.Buffer
	if err := WriteJSON(&race, runBuiltin(t, "multi-tab-race", 1)); err != nil {
		t.Fatal(err)
	}
	tabs := map[int]bool{}
	for l := range strings.SplitSeq(strings.TrimSpace(race.String()), "\n") {
		var ev JSONEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatal(err)
		}
		tabs[ev.Tab] = true
	}
	if !tabs[1] || !tabs[2] {
		t.Errorf("multi-tab-race's JSON names tabs %v, want 1 and 2", tabs)
	}
}
