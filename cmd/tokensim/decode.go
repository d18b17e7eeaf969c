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
	var out bytes.Buffer
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	kind := d.Kind()
	section := func(title string, m map[string]any) {
		fmt.Fprintf(tw, "%s\n", title)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", k, render.ClaimValue(k, m[k]), render.ClaimMeaningFor(kind, k))
		}
	}
	if alg, _ := d.Header["alg"].(string); strings.EqualFold(alg, "none") {
		fmt.Fprintln(tw, "Warning: alg none means the token is not signed at all: an API must refuse it (RFC 8725 section 3.2)")
	} else if strings.HasPrefix(strings.ToUpper(alg), "HS") {
		fmt.Fprintln(tw, "Warning: "+alg+" is a shared-secret MAC: an API that expects the issuer's public key must refuse it (key confusion, RFC 8725 section 3.1)")
	}
	for _, k := range slices.Sorted(maps.Keys(d.Claims)) {
		if render.NotNumericDate(k, d.Claims[k]) {
			fmt.Fprintf(tw, "Warning: %s is not a number; RFC 7519 section 2 makes it a NumericDate (seconds since 1970), so a validator cannot compare it with the time\n", k)
		}
	}
	section("Header", d.Header)
	section("Payload", d.Claims)
	tw.Flush()
	_, sigErr := d.SignatureBytes()
	switch {
	case d.Signature == "":
		out.WriteString("Signature\n  none: the token is unsigned\n")
	case sigErr != nil:
		fmt.Fprintf(&out, "Signature\n  %q (%d characters) is not base64url (RFC 7515 section 2): no key can verify it, the token is malformed\n", head(d.Signature, 16), len(d.Signature))
	default:
		fmt.Fprintf(&out, "Signature\n  %s… (%d characters)\n", head(d.Signature, 16), len(d.Signature))
	}
	out.WriteString("\nDecoding is not verifying: anyone can write these claims. Only the signature,\nchecked with the issuer's key, makes them trustworthy.\n")
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
