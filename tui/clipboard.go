package tui

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/sim"
)

// Tokens you can take away (issue 14 §5): y copies the selected token (its
// raw value: for a JWT, the compact serialization of RFC 7519 §3) or the
// selected HTTP exchange, as a curl command, to the clipboard. The copy
// goes through the terminal: tea.SetClipboard writes OSC 52 ("ESC ] 52 ;
// c ; base64 BEL", xterm's ctlseqs, "Operating System Commands") to the
// program's output, so over SSH (tokensim ssh) it reaches the attendee's
// terminal, not the server's clipboard. A terminal that ignores OSC 52
// (or tmux without set-clipboard) copies nothing; the status says which
// way the copy went.

// copied is the status after a copy: what, and how.
func copied(what string) string { return "copied " + what + " (OSC 52 clipboard)" }

// copySelected copies what the screen has selected: on the Tokens tab the
// selected token, elsewhere the selected exchange. It returns the command
// that sets the clipboard, or nil with the status saying why nothing was
// copied.
func (s *stepper) copySelected() tea.Cmd {
	if s.insp.tab == tabTokens {
		return s.copyToken()
	}
	return s.copyExchange()
}

// copyToken copies the selected token, the first when none is selected.
func (s *stepper) copyToken() tea.Cmd {
	toks := s.tl.snapshot().Tokens
	if len(toks) == 0 {
		s.status = "nobody holds a token yet: nothing to copy"
		return nil
	}
	n := 1
	if s.tok.step == s.tl.cur && s.tok.n > 0 {
		n = min(s.tok.n, len(toks))
	}
	s.tok = hopSel{s.tl.cur, n} // the mark shows what was copied
	tok := toks[n-1]
	if tok.Value == "" {
		s.status = "the engine reports no value for that token: nothing to copy"
		return nil
	}
	s.status = copied(tokenName(tok))
	return tea.SetClipboard(tok.Value)
}

// tokenName is a token as the status names it: "App's access token".
func tokenName(tok sim.TokenView) string {
	kind := map[string]string{"access": "access token", "refresh": "refresh token", "id": "ID token"}[tok.Kind]
	if kind == "" {
		kind = tok.Kind + " token"
	}
	return tok.Holder.Title() + "'s " + kind
}

// copyExchange copies the selected exchange as a curl command; a step of
// one exchange needs no selection.
func (s *stepper) copyExchange() tea.Cmd {
	e, n, _, ok := s.selectedExchange()
	if !ok {
		st, found := s.tl.current()
		switch xs := exchanges(st.Events); {
		case !found:
			s.status = "no step yet: nothing to copy"
			return nil
		case s.tl.hidden(s.tl.cur):
			s.status = predictFirst
			return nil
		case len(xs) == 0:
			s.status = "this step sent no HTTP request: nothing to copy"
			return nil
		case len(xs) > 1:
			s.status = fmt.Sprintf("%d exchanges: %s picks one, then %s", len(xs), s.keys.Player.NextHop.Help().Key, s.keys.Player.Copy.Help().Key)
			return nil
		default:
			e, n = xs[0], 1
		}
	}
	scheme := s.scheme
	if scheme == "" {
		scheme = "https" // every origin of a simulated world (sim/as_registry.go)
	}
	s.status = copied(fmt.Sprintf("exchange %d as curl", n))
	return tea.SetClipboard(curlCommand(e.Exchange.Request, scheme))
}

// curlCommand is the recorded request as a curl command line for a POSIX
// shell: the method (unless curl infers it), the URL, every header but
// Host (in the URL) and Content-Length (curl computes it), and the body
// byte for byte. This is the one place a request becomes curl.
func curlCommand(r sim.Request, scheme string) string {
	u := scheme + "://" + r.Host + r.Target
	head := "curl "
	switch {
	case r.Method == "GET" && r.Body == "", r.Method == "POST" && r.Body != "":
		// curl's default for no data and for --data-raw
	default:
		head += "-X " + r.Method + " "
	}
	parts := []string{head + shellQuote(u)}
	for _, k := range slices.Sorted(maps.Keys(r.Header)) {
		if strings.EqualFold(k, "Host") || strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range r.Header[k] {
			parts = append(parts, "-H "+shellQuote(k+": "+v))
		}
	}
	if r.Body != "" {
		parts = append(parts, "--data-raw "+shellQuote(r.Body))
	}
	return strings.Join(parts, " \\\n  ")
}

// shellQuote quotes s for a POSIX shell: in single quotes, with each
// single quote written as '\”.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// moveToken selects the next (by +1) or previous (-1) token on the
// Tokens tab: the one y copies.
func (s *stepper) moveToken(by int) {
	toks := s.tl.snapshot().Tokens
	if len(toks) == 0 {
		s.status = "nobody holds a token yet"
		return
	}
	n := 0
	if s.tok.step == s.tl.cur {
		n = s.tok.n
	}
	n = min(max(n+by, 1), len(toks))
	s.tok = hopSel{s.tl.cur, n}
	s.status = fmt.Sprintf("token %d of %d: %s copies it", n, len(toks), s.keys.Player.Copy.Help().Key)
}

// selectedToken is the number (1-based) of the token selected at the
// current step, 0 for none.
func (s *stepper) selectedToken() int {
	if s.tok.step != s.tl.cur {
		return 0
	}
	return min(s.tok.n, len(s.tl.snapshot().Tokens))
}

// originScheme is the scheme of an origin ("http://127.0.0.1:8080"):
// what curl must use to reach a served world.
func originScheme(origin string) string {
	if u, err := url.Parse(origin); err == nil && u.Scheme != "" {
		return u.Scheme
	}
	return ""
}
