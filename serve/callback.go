package serve

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/tokensim/tokensim/sim"
)

var callbackTemplate = template.Must(template.New("callback").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Callback - tokensim</title></head>
<body><h1>Authorization response</h1>
{{if .Error}}<p role="alert">The AS answered <b>{{.Error}}</b>: {{.Description}}</p>
{{else}}<p>The authorization code (single-use, short-lived):</p>
<pre id="code">{{.Code}}</pre>
<p>Exchange it at the token endpoint now, for example:</p>
<pre>curl -s -u web:{{.Secret}} {{.Issuer}}/token \
  -d grant_type=authorization_code -d code={{.Code}} \
  -d redirect_uri={{.Redirect}}</pre>
<p>(A public client such as cli sends <code>-d client_id=cli -d code_verifier=VERIFIER</code> instead of <code>-u</code>: PKCE, RFC 7636.)</p>
{{end}}{{if .State}}<p>state: <code>{{.State}}</code></p>{{end}}
{{if .Iss}}<p>iss: <code>{{.Iss}}</code> (RFC 9207: check it is the issuer you sent the user to)</p>{{end}}
</body></html>
`))

// serveCallback shows the authorization response to the person who logged
// in, so that a curl walk-through can copy the code. A real client's
// redirect URI is its own; this page stands in for the web client's.
func (s *Server) serveCallback(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		s.w.Note(r, r.Method+" is not allowed here", "")
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := r.URL.Query()
	s.w.Note(r, "", "the browser brings the authorization response back to the client's redirect URI")
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Referrer-Policy", "no-referrer") // the code must not leak in a Referer (RFC 9700 §4.2.4)
	_ = callbackTemplate.Execute(rw, map[string]any{
		"Code": q.Get("code"), "State": q.Get("state"), "Iss": q.Get("iss"),
		"Error": q.Get("error"), "Description": q.Get("error_description"),
		"Secret": sim.DemoWebSecret, "Issuer": s.w.Issuer(), "Redirect": url.QueryEscape(s.w.Issuer() + CallbackPath),
	})
}
