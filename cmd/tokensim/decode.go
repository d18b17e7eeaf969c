package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tokensim/tokensim/sim"
)

func (e *env) decode(args []string) int {
	fs := newFlags("decode", "decode [token|-]", "  tokensim decode eyJhbGciOi…\n  pbpaste | tokensim decode -\n", e.stderr)
	pos, code, ok := parse(fs, args, e.stdout)
	if !ok {
		return code
	}
	var raw string
	switch {
	case len(pos) > 1:
		fmt.Fprintln(e.stderr, "tokensim decode: give one token")
		return exitUsage
	case len(pos) == 1 && pos[0] != "-":
		raw = pos[0]
	default:
		b, err := io.ReadAll(io.LimitReader(e.stdin, 1<<20))
		if err != nil {
			fmt.Fprintf(e.stderr, "tokensim decode: reading standard input: %v\n", err)
			return exitUsage
		}
		raw = string(b)
	}
	d, err := sim.Decode(raw)
	if err != nil {
		fmt.Fprintf(e.stderr, "tokensim decode: %v\n", err)
		return exitUsage
	}
	var out bytes.Buffer
	tw := tabwriter.NewWriter(&out, 0, 0, 2, ' ', 0)
	section := func(title string, m map[string]any) {
		fmt.Fprintf(tw, "%s\n", title)
		for _, k := range sim.SortedKeys(m) {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", k, sim.ClaimValue(k, m[k]), sim.ClaimMeaning(k))
		}
	}
	section("Header", d.Header)
	section("Payload", d.Claims)
	tw.Flush()
	fmt.Fprintf(&out, "Signature\n  %s… (%d characters)\n", head(d.Signature, 16), len(d.Signature))
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
