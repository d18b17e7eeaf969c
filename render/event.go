package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tokensim/tokensim/sim"
)

// Account is what an event did, in words, the cause first: "<reason>;
// <summary>", or whichever of the two the engine gave. It is the account
// the text transcript writes after "• kind:" and Markdown after the kind;
// every word of it comes from the engine (sim.Event), none from here.
func Account(e sim.Event) string {
	switch {
	case e.Reason == "":
		return e.Summary
	case e.Summary == "":
		return e.Reason
	}
	return e.Reason + "; " + e.Summary
}

// StatusWord is the reason phrase RFC 9110 §15 gives the statuses the
// engine answers with (413 is "Content Too Large" since RFC 9110 §15.5.14),
// or "" for any other status.
func StatusWord(code int) string {
	switch code {
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted" // RFC 9110 §15.3.3; a pushed SET's receipt (RFC 8935 §2.2)
	case 204:
		return "No Content"
	case 302:
		return "Found"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 413:
		return "Content Too Large"
	}
	return ""
}

// LogLine is one event as a line a person reads as it scrolls by, serve's
// live log: the event's time of day (UTC; serve's clock follows the wall
// clock, or runs faster with --clock), then for an exchange its actors,
// method, path, status and error code, else the event's kind; the token
// and family it concerns, in brackets; and the first of reason and summary
// not already on the line, after "- ".
//
// It is cmd/tokensim/serve.go's serveEventLine, moved here so that serve's
// log and the exporters describe events in one place; serve calls it once
// wired (until then the two are the same code).
func LogLine(e sim.Event) string {
	parts := []string{e.Time.UTC().Format("15:04:05")}
	if e.Kind == sim.KindExchange {
		parts = append(parts, fmt.Sprintf("%-4s → %-4s %s %s %d", e.From, e.To, e.Method, e.Path, e.Status))
		if e.Error != "" {
			parts = append(parts, e.Error)
		}
	} else {
		parts = append(parts, string(e.Kind))
	}
	var ids []string
	for _, id := range []string{e.Token, e.Family} {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) > 0 {
		parts = append(parts, "["+strings.Join(ids, " ")+"]")
	}
	for _, t := range []string{e.Reason, e.Summary} {
		if t != "" && !slices.Contains(parts, t) {
			parts = append(parts, "- "+t)
			break
		}
	}
	return strings.Join(parts, "  ")
}
