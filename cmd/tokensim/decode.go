package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/render"
	"github.com/tokensim/tokensim/sim"
	"github.com/tokensim/tokensim/sim/jose"
)

func (e *env) decode(args []string) int {
	fs := newFlags("decode", "decode [token|-] | decode --sample", "  tokensim decode --sample            # a fresh access token from a simulated login\n  tokensim decode eyJhbGciOi…\n  tokensim decode                     # in a terminal: asks you to paste one\n  pbpaste | tokensim decode -\n", e.stderr)
	sample := fs.Bool("sample", false, "decode the access token of a fresh simulated login (and print it, to paste elsewhere)")
	pos, code, ok := fs.parse(args, e.stdout)
	if !ok {
		return code
	}
	var raw string
	switch {
	case *sample && len(pos) > 0:
		fmt.Fprintln(e.stderr, "tokensim decode: give a token or --sample, not both")
		return exitUsage
	case *sample:
		at, err := sampleToken()
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim decode: %v\n", err)
			return exitFailed
		}
		fmt.Fprintf(e.stdout, "Token\n  %s\n\n", at)
		raw = at
	case len(pos) > 1:
		fmt.Fprintln(e.stderr, "tokensim decode: give one token")
		return exitUsage
	case len(pos) == 1 && pos[0] != "-":
		raw = pos[0]
	case len(pos) == 0 && e.stdinTerminal:
		// Nothing given and a person at the keyboard: ask, and read one
		// line, rather than wait silently for end of input (Ctrl-D).
		fmt.Fprint(e.stderr, "Paste a JWT and press enter: ")
		line, err := bufio.NewReader(io.LimitReader(e.stdin, 1<<20)).ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintf(e.stderr, "\ntokensim decode: no token read: %v\n", err)
			return exitUsage
		}
		raw = line
	default:
		b, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20))
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim decode: reading standard input: %v\n", err)
			return exitUsage
		}
		raw = string(b)
	}
	d, err := jose.Decode(raw)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim decode: %v\n", err)
		return exitUsage
	}
	kind := d.Kind()
	var warnings []string
	if alg, _ := d.Header["alg"].(string); strings.EqualFold(alg, "none") {
		warnings = append(warnings, "Warning: alg none means the token is not signed at all: an API must refuse it (RFC 8725 section 3.2)")
	} else if strings.HasPrefix(strings.ToUpper(alg), "HS") {
		warnings = append(warnings, "Warning: "+alg+" is a shared-secret MAC: an API that expects the issuer's public key must refuse it (key confusion, RFC 8725 section 3.1)")
	}
	for _, k := range slices.Sorted(maps.Keys(d.Claims)) {
		if render.NotNumericDate(k, d.Claims[k]) {
			warnings = append(warnings, fmt.Sprintf("Warning: %s is not a number; RFC 7519 section 2 makes it a NumericDate (seconds since 1970), so a validator cannot compare it with the time", k))
		}
	}
	// table writes the claims: key, value and meaning in columns, or, with
	// narrow set, each meaning wrapped on the lines under its claim.
	table := func(narrow bool) string {
		var b bytes.Buffer
		for _, w := range warnings {
			if narrow {
				w = text.Hang(w, e.width, "  ")
			}
			b.WriteString(w + "\n")
		}
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		for _, sec := range []struct {
			title string
			m     map[string]any
		}{{"Header", d.Header}, {"Payload", d.Claims}} {
			fmt.Fprintf(tw, "%s\n", sec.title)
			for _, k := range slices.Sorted(maps.Keys(sec.m)) {
				v, meaning := render.ClaimValue(k, sec.m[k]), render.ClaimMeaningFor(kind, k)
				if !narrow {
					fmt.Fprintf(tw, "  %s\t%s\t%s\n", k, v, meaning)
					continue
				}
				fmt.Fprintf(tw, "  %s\n", text.Hang(k+": "+v, e.width-2, "      "))
				for _, l := range text.Lines(meaning, e.width-6) {
					fmt.Fprintf(tw, "      %s\n", l)
				}
			}
		}
		tw.Flush()
		return b.String()
	}
	var out bytes.Buffer
	claims := table(false)
	if e.width > 0 && widest(claims) > e.width {
		claims = table(true) // the terminal is narrower than the columns
	}
	out.WriteString(claims)
	_, sigErr := d.SignatureBytes()
	switch {
	case d.Signature == "":
		out.WriteString("Signature\n  none: the token is unsigned\n")
	case sigErr != nil:
		msg := fmt.Sprintf("%q (%d characters) is not base64url (RFC 7515 section 2): no key can verify it, the token is malformed", head(d.Signature, 16), len(d.Signature))
		if e.width > 0 {
			msg = text.Hang(msg, e.width-2, "  ")
		}
		fmt.Fprintf(&out, "Signature\n  %s\n", msg)
	default:
		fmt.Fprintf(&out, "Signature\n  %s… (%d characters)\n", head(d.Signature, 16), len(d.Signature))
	}
	const notVerifying = "Decoding is not verifying: anyone can write these claims. Only the signature,\nchecked with the issuer's key, makes them trustworthy."
	if e.width > 0 && e.width < 80 {
		out.WriteString("\n" + text.Wrap(notVerifying, e.width) + "\n")
	} else {
		out.WriteString("\n" + notVerifying + "\n")
	}
	_, _ = e.stdout.Write(out.Bytes())
	return exitOK
}

func head(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// sampleToken logs a fresh world in and returns its access token.
func sampleToken() (string, error) {
	w, err := sim.New(sim.Config{Seed: 1})
	if err != nil {
		return "", err
	}
	if o := w.App().Login(sim.DemoUser, sim.DemoPassword, ""); !o.OK() {
		return "", fmt.Errorf("the simulated login failed: %s", o.Reason)
	}
	for _, t := range w.Inspect().Tokens {
		if t.Holder == sim.ActorApp && t.Kind == "access" {
			return t.Value, nil
		}
	}
	return "", fmt.Errorf("the simulated login issued no access token")
}
