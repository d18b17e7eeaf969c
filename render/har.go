package render

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tokensim/tokensim/internal/text"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// The HTTP Archive format, version 1.2 (Jan Odvarko, "HAR 1.2 Spec",
// http://www.softwareishard.com/blog/har-12-spec/), as browsers' network
// panels import it: every field the spec marks required is written, even
// when it is empty or -1 ("not available"), since importers are strict
// about them. Custom fields start with an underscore, as the spec asks.

type harFile struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Pages   []harPage  `json:"pages"`
	Entries []harEntry `json:"entries"`
	Comment string     `json:"comment"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harPage struct {
	StartedDateTime string         `json:"startedDateTime"`
	ID              string         `json:"id"`
	Title           string         `json:"title"`
	PageTimings     harPageTimings `json:"pageTimings"`
}

type harPageTimings struct {
	OnContentLoad int `json:"onContentLoad"`
	OnLoad        int `json:"onLoad"`
}

type harEntry struct {
	PageRef         string      `json:"pageref"`
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
	From            string      `json:"_from"` // the acting actor, as the JSON events name it
	To              string      `json:"_to"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harCookie  `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harResponse struct {
	Status      int         `json:"status"`
	StatusText  string      `json:"statusText"`
	HTTPVersion string      `json:"httpVersion"`
	Cookies     []harCookie `json:"cookies"`
	Headers     []harNV     `json:"headers"`
	Content     harContent  `json:"content"`
	RedirectURL string      `json:"redirectURL"`
	HeadersSize int         `json:"headersSize"`
	BodySize    int         `json:"bodySize"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harCookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Expires  string `json:"expires,omitempty"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
}

// harPostData is a request body. The spec calls text and params
// "mutually exclusive"; Chrome's and Firefox's own exports write both for
// a form (application/x-www-form-urlencoded), and their importers show the
// body from text, so a form gets both, as the browsers write it, and any
// other body text alone (an empty params list makes some viewers show an
// empty body: ahmadnassri/node-har#58).
type harPostData struct {
	MimeType string  `json:"mimeType"`
	Params   []harNV `json:"params,omitempty"`
	Text     string  `json:"text"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harTimings struct {
	Blocked int `json:"blocked"`
	DNS     int `json:"dns"`
	Connect int `json:"connect"`
	SSL     int `json:"ssl"`
	Send    int `json:"send"`
	Wait    int `json:"wait"`
	Receive int `json:"receive"`
}

// harTime is the HAR date format (ISO 8601 with milliseconds).
func harTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// WriteHAR writes the HTTP exchanges of the runs as one HAR 1.2 file, a
// page per step that made a request (id "<scenario>/step-<n>"), for a
// browser's network panel (Chrome, Firefox: import a HAR) or any HAR
// viewer. Times are the world's virtual clock; an exchange over the
// in-memory wire takes no virtual time, so time and the timings are 0
// (blocked, dns, connect and ssl are -1: they do not apply). Each entry's
// comment is the engine's account of the exchange (Account), and _from and
// _to name the actors. creator is the tokensim version.
func WriteHAR(w io.Writer, runs []*scenarios.Run, creator string) error {
	f := harFile{Log: harLog{Version: "1.2", Creator: harCreator{Name: "tokensim", Version: creator},
		Pages: []harPage{}, Entries: []harEntry{},
		Comment: "Virtual-clock times: every world starts at " + harTime(sim.Epoch()) + "; an exchange over the in-memory wire takes no virtual time, so time and timings are 0."}}
	for _, r := range runs {
		for _, s := range r.Steps {
			page := fmt.Sprintf("%s/step-%d", r.Scenario.ID, s.Index)
			paged := false
			for _, e := range s.Events {
				if e.Kind != sim.KindExchange || e.Exchange == nil {
					continue
				}
				if !paged {
					title := fmt.Sprintf("%s, step %d: %s", r.Scenario.ID, s.Index, cmp.Or(s.Step.Title, s.Step.Do))
					f.Log.Pages = append(f.Log.Pages, harPage{StartedDateTime: harTime(e.Time), ID: page, Title: title,
						PageTimings: harPageTimings{OnContentLoad: -1, OnLoad: -1}})
					paged = true
				}
				f.Log.Entries = append(f.Log.Entries, harEntryOf(page, e))
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

func harEntryOf(page string, e sim.Event) harEntry {
	req, resp := e.Exchange.Request, e.Exchange.Response
	// The world's hosts are served over https (sim.Issuer, sim.AppOrigin:
	// "https://" + the host), so the URL the client used is https too.
	u := "https://" + req.Host + req.Target
	out := harEntry{PageRef: page, StartedDateTime: harTime(e.Time), Comment: Account(e),
		From: string(e.From), To: string(e.To),
		Timings: harTimings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1}}
	out.Request = harRequest{Method: req.Method, URL: u, HTTPVersion: "HTTP/1.1",
		Cookies: []harCookie{}, QueryString: []harNV{}, HeadersSize: -1, BodySize: len(req.Body),
		Headers: append([]harNV{{"Host", req.Host}}, harHeaders(req.Header)...)}
	if pu, err := url.Parse(req.Target); err == nil {
		out.Request.QueryString = harPairs(pu.RawQuery)
	}
	if c := req.Header.Get("Cookie"); c != "" {
		if cs, err := http.ParseCookie(c); err == nil {
			for _, c := range cs {
				out.Request.Cookies = append(out.Request.Cookies, harCookie{Name: c.Name, Value: c.Value})
			}
		}
	}
	if req.Body != "" {
		mt := req.Header.Get("Content-Type")
		pd := &harPostData{MimeType: mt, Text: req.Body}
		if strings.HasPrefix(mt, "application/x-www-form-urlencoded") {
			pd.Params = harPairs(req.Body)
		}
		out.Request.PostData = pd
	}
	status := StatusWord(resp.Status)
	if status == "" {
		status = http.StatusText(resp.Status)
	}
	out.Response = harResponse{Status: resp.Status, StatusText: status, HTTPVersion: "HTTP/1.1",
		Cookies: []harCookie{}, Headers: harHeaders(resp.Header),
		Content:     harContent{Size: len(resp.Body), MimeType: resp.Header.Get("Content-Type"), Text: resp.Body},
		RedirectURL: resp.Header.Get("Location"), HeadersSize: -1, BodySize: len(resp.Body)}
	for _, sc := range resp.Header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(sc)
		if err != nil {
			continue
		}
		hc := harCookie{Name: c.Name, Value: c.Value, Path: c.Path, Domain: c.Domain, HTTPOnly: c.HttpOnly, Secure: c.Secure}
		if !c.Expires.IsZero() {
			hc.Expires = harTime(c.Expires)
		}
		out.Response.Cookies = append(out.Response.Cookies, hc)
	}
	return out
}

// harHeaders lists headers sorted by name, each value once, as the wire's
// Text rendering orders and spells them (text.HeaderName).
func harHeaders(h http.Header) []harNV {
	out := []harNV{}
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, harNV{text.HeaderName(k), v})
		}
	}
	return out
}

// harPairs splits a query string or a form body into its pairs, decoded,
// in the order they were sent (url.ParseQuery would lose the order).
func harPairs(q string) []harNV {
	out := []harNV{}
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			v = dv
		}
		out = append(out, harNV{k, v})
	}
	return out
}
