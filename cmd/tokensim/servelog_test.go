package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/scenarios"
)

// TestServeLogMatchesRender: serve's live log, text and JSON, says of every
// event what package render says (render.LogLine, render.EventJSON), so
// that serve can call render instead of its own copy without a byte of its
// output changing. Delete this test when serve calls render.
func TestServeLogMatchesRender(t *testing.T) {
	sc, err := scenarios.Lookup("refresh-theft-rotation")
	if err != nil {
		t.Fatal(err)
	}
	r, err := scenarios.Execute(sc, scenarios.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range r.Steps {
		for _, e := range s.Events {
			n++
			if got, want := serveEventLine(e), render.LogLine(e); got != want {
				t.Errorf("serve's line\n%q\nrender's\n%q", got, want)
			}
			var b bytes.Buffer
			(&serveLine{w: &b, json: true}).line(e)
			want, err := json.Marshal(render.EventJSON("serve", 0, e))
			if err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != string(want)+"\n" {
				t.Errorf("serve's JSON\n%s\nrender's\n%s", got, want)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d events compared", n)
	}
}
