// Package render turns what the engine and a lesson run report into what
// people read: one account of an event (Account, LogLine), one JSON form
// of it (EventJSON), the text, Markdown and JSON exporters of a run
// (WriteText, WriteMarkdown, WriteJSON), the comparison table of a lesson
// under several presets (WriteComparison), the nesting of exchanges a
// sequence diagram draws (Nesting) and the meaning of each JWT claim
// (ClaimMeaningFor).
//
// It renders and never decides: every status, reason and outcome it
// writes comes from a sim.Event, a sim snapshot or a scenarios.Run, so a
// transcript states only what held for the run (architecture invariants 2
// and 10). Arrows: render imports scenarios and sim; neither imports it.
package render
