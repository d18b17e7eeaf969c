package render

import (
	"bytes"
	"encoding/json"
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
