package serve

import (
	"encoding/json"
	"io"

	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/sim"
)

// LogLine prints the live log: one readable line per event
// (render.LogLine), or the JSON lines of `run --format json`
// (render.EventJSON, scenario "serve", step 0). Both are package render's:
// every front end describes an event the same way.
type LogLine struct {
	W    io.Writer
	JSON bool
}

// Print prints evs, one line each: a Follow callback.
func (s *LogLine) Print(evs []sim.Event) {
	for _, e := range evs {
		s.line(e)
	}
}

func (s *LogLine) line(e sim.Event) {
	if s.JSON {
		if b, err := json.Marshal(render.EventJSON("serve", 0, e)); err == nil {
			_, _ = s.W.Write(append(b, '\n'))
		}
		return
	}
	_, _ = io.WriteString(s.W, render.LogLine(e)+"\n")
}
