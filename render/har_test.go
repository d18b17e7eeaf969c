package render

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"
	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/sim"
)

// TestHARGolden keeps the login lesson's HAR file. Refresh deliberately:
// go test ./render -run TestHARGolden -update
func TestHARGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHAR(&b, []*scenarios.Run{runBuiltin(t, "login", 1)}, "test"); err != nil {
		t.Fatal(err)
	}
	golden.RequireEqual(t, b.String())
}

// The HAR 1.2 objects as the spec defines them
// (http://www.softwareishard.com/blog/har-12-spec/), every field a pointer
// so that a missing required one is seen, decoded with unknown fields
// refused, so that a misspelt name ("httpversion") fails too. Custom
// fields (the spec's leading underscore) are listed.
type (
	strictHAR struct {
		Log *struct {
			Version *string `json:"version"`
			Creator *struct {
				Name    *string `json:"name"`
				Version *string `json:"version"`
			} `json:"creator"`
			Pages []struct {
				StartedDateTime *string `json:"startedDateTime"`
				ID              *string `json:"id"`
				Title           *string `json:"title"`
				PageTimings     *struct {
					OnContentLoad *float64 `json:"onContentLoad"`
					OnLoad        *float64 `json:"onLoad"`
				} `json:"pageTimings"`
			} `json:"pages"`
			Entries []strictEntry `json:"entries"`
			Comment *string       `json:"comment"`
		} `json:"log"`
	}
	strictEntry struct {
		PageRef         *string  `json:"pageref"`
		StartedDateTime *string  `json:"startedDateTime"`
		Time            *float64 `json:"time"`
		Request         *struct {
			Method      *string        `json:"method"`
			URL         *string        `json:"url"`
			HTTPVersion *string        `json:"httpVersion"`
			Cookies     []strictCookie `json:"cookies"`
			Headers     []strictNV     `json:"headers"`
			QueryString []strictNV     `json:"queryString"`
			PostData    *struct {
				MimeType *string    `json:"mimeType"`
				Params   []strictNV `json:"params"`
				Text     *string    `json:"text"`
			} `json:"postData"`
			HeadersSize *int `json:"headersSize"`
			BodySize    *int `json:"bodySize"`
		} `json:"request"`
		Response *struct {
			Status      *int           `json:"status"`
			StatusText  *string        `json:"statusText"`
			HTTPVersion *string        `json:"httpVersion"`
			Cookies     []strictCookie `json:"cookies"`
			Headers     []strictNV     `json:"headers"`
			Content     *struct {
				Size     *int    `json:"size"`
				MimeType *string `json:"mimeType"`
				Text     *string `json:"text"`
			} `json:"content"`
			RedirectURL *string `json:"redirectURL"`
			HeadersSize *int    `json:"headersSize"`
			BodySize    *int    `json:"bodySize"`
		} `json:"response"`
		Cache   *struct{} `json:"cache"`
		Timings *struct {
			Blocked *float64 `json:"blocked"`
			DNS     *float64 `json:"dns"`
			Connect *float64 `json:"connect"`
			SSL     *float64 `json:"ssl"`
			Send    *float64 `json:"send"`
			Wait    *float64 `json:"wait"`
			Receive *float64 `json:"receive"`
		} `json:"timings"`
		Comment *string `json:"comment"`
		From    *string `json:"_from"`
		To      *string `json:"_to"`
	}
	strictNV struct {
		Name  *string `json:"name"`
		Value *string `json:"value"`
	}
	strictCookie struct {
		Name     *string `json:"name"`
		Value    *string `json:"value"`
		Path     string  `json:"path"`
		Domain   string  `json:"domain"`
		Expires  string  `json:"expires"`
		HTTPOnly bool    `json:"httpOnly"`
		Secure   bool    `json:"secure"`
	}
)

// TestHARParsesBack reads the HAR of a lesson with cookies, redirects and
// form posts back with the strict struct: every required field present,
// one entry per exchange in order, times from the virtual clock.
func TestHARParsesBack(t *testing.T) {
	r := runBuiltin(t, "refresh-theft-rotation", 1)
	var b bytes.Buffer
	if err := WriteHAR(&b, []*scenarios.Run{r}, "test"); err != nil {
		t.Fatal(err)
	}
	// encoding/json matches names case-insensitively; importers do not:
	// every key must be spelt exactly as a field of the strict struct.
	names := map[string]bool{}
	jsonNames(reflect.TypeFor[strictHAR](), names)
	var generic any
	if err := json.Unmarshal(b.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	exactKeys(t, generic, names)
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	var h strictHAR
	if err := dec.Decode(&h); err != nil {
		t.Fatalf("not a HAR 1.2 file: %v", err)
	}
	l := h.Log
	if l == nil || l.Version == nil || *l.Version != "1.2" || l.Creator == nil || l.Creator.Name == nil || l.Creator.Version == nil {
		t.Fatalf("log, version 1.2 and creator are required: %+v", l)
	}
	pages := map[string]bool{}
	for _, p := range l.Pages {
		if p.StartedDateTime == nil || p.ID == nil || p.Title == nil || p.PageTimings == nil {
			t.Errorf("page lacks a required field: %+v", p)
			continue
		}
		pages[*p.ID] = true
	}
	var exchanges []sim.Event
	for _, s := range r.Steps {
		for _, e := range s.Events {
			if e.Kind == sim.KindExchange {
				exchanges = append(exchanges, e)
			}
		}
	}
	if len(l.Entries) != len(exchanges) || len(exchanges) == 0 {
		t.Fatalf("%d entries for %d exchanges", len(l.Entries), len(exchanges))
	}
	var sawRedirect, sawCookie, sawForm bool
	for i, en := range l.Entries {
		x := exchanges[i]
		if en.StartedDateTime == nil || en.Time == nil || en.Request == nil || en.Response == nil || en.Cache == nil || en.Timings == nil {
			t.Fatalf("entry %d lacks a required field", i)
		}
		at, err := time.Parse(time.RFC3339Nano, *en.StartedDateTime)
		if err != nil || !at.Equal(x.Time) {
			t.Errorf("entry %d: startedDateTime %q, want the virtual time %s (%v)", i, *en.StartedDateTime, x.Time, err)
		}
		if en.PageRef == nil || !pages[*en.PageRef] {
			t.Errorf("entry %d: pageref %v names no page", i, en.PageRef)
		}
		q, p := en.Request, en.Response
		if q.Method == nil || q.URL == nil || q.HTTPVersion == nil || q.Cookies == nil || q.Headers == nil || q.QueryString == nil || q.HeadersSize == nil || q.BodySize == nil {
			t.Fatalf("entry %d: the request lacks a required field", i)
		}
		if *q.Method != x.Method || *q.URL != "https://"+x.Exchange.Request.Host+x.Exchange.Request.Target {
			t.Errorf("entry %d: %s %s, want the exchange's %s %s", i, *q.Method, *q.URL, x.Method, x.Exchange.Request.Target)
		}
		if p.Status == nil || p.StatusText == nil || p.HTTPVersion == nil || p.Cookies == nil || p.Headers == nil || p.Content == nil ||
			p.Content.Size == nil || p.Content.MimeType == nil || p.RedirectURL == nil || p.HeadersSize == nil || p.BodySize == nil {
			t.Fatalf("entry %d: the response lacks a required field", i)
		}
		if *p.Status != x.Status {
			t.Errorf("entry %d: status %d, want %d", i, *p.Status, x.Status)
		}
		if tm := en.Timings; tm.Send == nil || tm.Wait == nil || tm.Receive == nil || *tm.Send < 0 || *tm.Wait < 0 || *tm.Receive < 0 {
			t.Errorf("entry %d: send, wait and receive are required and not negative", i)
		}
		sawRedirect = sawRedirect || (*p.Status == 302 && *p.RedirectURL != "")
		for _, c := range p.Cookies {
			sawCookie = sawCookie || (c.Name != nil && *c.Name == "as_session" && c.HTTPOnly)
		}
		if pd := q.PostData; pd != nil {
			if pd.MimeType == nil || pd.Text == nil {
				t.Errorf("entry %d: postData needs mimeType and text", i)
			}
			for _, nv := range pd.Params {
				sawForm = sawForm || (nv.Name != nil && *nv.Name == "grant_type" && *nv.Value == "refresh_token")
			}
		}
	}
	if !sawRedirect || !sawCookie || !sawForm {
		t.Errorf("want a 302 with its redirectURL (%v), the AS session cookie (%v) and a refresh grant's form params (%v)", sawRedirect, sawCookie, sawForm)
	}
}

// jsonNames collects the JSON names of t's fields, nested types included.
func jsonNames(t reflect.Type, into map[string]bool) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice:
		jsonNames(t.Elem(), into)
	case reflect.Struct:
		for f := range t.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			into[name] = true
			jsonNames(f.Type, into)
		}
	}
}

// exactKeys fails for a key of v not spelt exactly as one of names.
func exactKeys(t *testing.T, v any, names map[string]bool) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if !names[k] {
				t.Errorf("key %q is not a HAR 1.2 field as spelt", k)
			}
			exactKeys(t, e, names)
		}
	case []any:
		for _, e := range x {
			exactKeys(t, e, names)
		}
	}
}
