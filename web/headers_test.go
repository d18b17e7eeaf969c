package web

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/tokensim/tokensim/workshop"
)

// Every answer carries the CSP (no other site frames the page, the page
// loads its own files only), nosniff and no-referrer: the page, the
// form, a refused login, a static file and a refused socket.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	_, _, hs := doorServer(t, passwordRoom(), false)
	client := noRedirects(hs)
	check := func(what string, resp *http.Response) {
		t.Helper()
		want := map[string]string{
			"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s %q, want %q", what, k, got, v)
			}
		}
	}
	for _, path := range []string{"/", "/login", "/app.js", "/style.css", "/ws", "/session"} {
		resp, err := client.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		check("GET "+path, resp)
	}
	check("a wrong password", postLogin(t, hs, "ada", "nope", ""))
	check("a login", postLogin(t, hs, "ada", "room42", ""))
}

// The form tells how the instructor joins only when the room has an
// instructor password: otherwise the sentence would not hold.
func TestLoginFormNamesTheInstructorOnlyWithAPassword(t *testing.T) {
	const sentence = "the instructor's password"
	for _, c := range []struct {
		cfg  workshop.Config
		want bool
	}{
		{passwordRoom(), true},
		{workshop.Config{Auth: workshop.Auth{Password: "room42"}}, false},
	} {
		_, _, hs := doorServer(t, c.cfg, false)
		resp, err := hs.Client().Get(hs.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := strings.Contains(string(body), sentence); got != c.want {
			t.Errorf("instructor password %q: the form says %q: %v, want %v", c.cfg.Auth.InstructorPassword, sentence, got, c.want)
		}
	}
}
