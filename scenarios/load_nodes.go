package scenarios

// Reading YAML nodes: a mapping's keys to what decodes each value, scalars
// of each type with a positioned error, and the pairs of a mapping.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tokensim/tokensim/internal/text"
	"go.yaml.in/yaml/v3"
)

// fields maps the keys of a mapping to what decodes each value.
type fields map[string]func(*yaml.Node)

// object decodes a mapping: each known key through fs, each other key
// through extra (or, when extra is nil, as an unknown-key problem with a
// suggestion). Repeated keys are problems.
func (d *decoder) object(n *yaml.Node, what string, fs fields, extra func(string, Pos, *yaml.Node)) {
	if unwrap(n).Kind != yaml.MappingNode {
		d.errAt(posOf(n), "%s must be a mapping of key: value", what)
		return
	}
	seen := map[string]bool{}
	for _, kv := range pairs(n) {
		k, kp := kv.key.Value, posOf(kv.key)
		if seen[k] {
			d.errAt(kp, "%s: key %q appears twice", what, k)
			continue
		}
		seen[k] = true
		if f, ok := fs[k]; ok {
			d.key = k
			f(kv.value)
		} else if extra != nil {
			extra(k, kp, kv.value)
		} else {
			d.errAt(kp, "%s: unknown key %q%s", what, k, text.DidYouMean(k, keys(fs)))
		}
	}
}

// eachPair calls f for every key of a mapping.
func (d *decoder) eachPair(n *yaml.Node, what string, f func(string, Pos, *yaml.Node)) {
	d.object(n, what, fields{}, f)
}

func (d *decoder) str(dst *string) func(*yaml.Node) {
	return func(n *yaml.Node) {
		if s, ok := d.scalar(n, d.key); ok { // named by its key: "title must be a single value"
			*dst = s
		}
	}
}

func (d *decoder) strList(what string, dst *[]string) func(*yaml.Node) {
	return func(n *yaml.Node) {
		seq := unwrap(n)
		if seq.Kind != yaml.SequenceNode {
			d.errAt(posOf(n), "%s must be a list (items starting with -, or [a, b])", what)
			return
		}
		for i, v := range seq.Content {
			if s, ok := d.scalar(v, fmt.Sprintf("%s item %d", what, i+1)); ok {
				*dst = append(*dst, s)
			}
		}
	}
}

func (d *decoder) intPtr(n *yaml.Node, what string) *int {
	s, ok := d.scalar(n, what)
	if !ok {
		return nil
	}
	i, err := strconv.Atoi(s)
	if err != nil {
		d.errAt(posOf(n), "%s must be a whole number, got %q", what, s)
		return nil
	}
	return &i
}

func (d *decoder) boolPtr(n *yaml.Node, what string) *bool {
	s, ok := d.scalar(n, what)
	if !ok {
		return nil
	}
	b, err := text.ParseBool(s) // the one reading of a boolean, as --set's
	if err != nil {
		d.errAt(posOf(n), "%s must be true or false, got %q", what, s)
		return nil
	}
	return &b
}

// scalar returns a scalar's text. Lists and mappings where a single value
// belongs are problems.
func (d *decoder) scalar(n *yaml.Node, what string) (string, bool) {
	if n.Kind == yaml.AliasNode {
		d.errAt(posOf(n), "aliases (*name) are not supported in scenario files")
		return "", false
	}
	v := unwrap(n)
	if v.Kind == yaml.ScalarNode {
		if v.Tag == "!!null" {
			return "", true
		}
		return strings.TrimRight(v.Value, "\n"), true
	}
	if what == "" {
		what = "this value"
	}
	if v.Kind == yaml.MappingNode {
		// The usual cause: "text: more text" unquoted, which YAML reads as a
		// key and a value.
		d.errAt(posOf(n), "%s must be a single value, but YAML reads it as key: value; put the text in quotes or use a | block", what)
		return "", false
	}
	d.errAt(posOf(n), "%s must be a single value, not a list or a mapping", what)
	return "", false
}

// unwrap looks through a document node to its value. (Anchors are a field
// of every node in this parser, not a wrapper.)
func unwrap(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	return n
}

// pair is one key and its value in a mapping.
type pair struct{ key, value *yaml.Node }

// pairs lists a mapping's keys and values, in file order; nil for anything
// else.
func pairs(n *yaml.Node) []pair {
	n = unwrap(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]pair, 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, pair{n.Content[i], n.Content[i+1]})
	}
	return out
}

func keys(fs fields) []string {
	out := make([]string, 0, len(fs))
	for k := range fs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// world reads the keys that say what world a lesson or a challenge starts
// in (preset, client, storage, topology, set) into sc: one reading for
// both formats.
func (d *decoder) world(sc *Scenario) fields {
	return fields{
		"preset":   d.str(&sc.Preset),
		"client":   d.str(&sc.Client),
		"storage":  d.str(&sc.Storage),
		"topology": d.str(&sc.Topology),
		"set": func(n *yaml.Node) {
			d.eachPair(n, "set", func(k string, kp Pos, v *yaml.Node) {
				if s, ok := d.scalar(v, "set."+k); ok {
					sc.Set = append(sc.Set, Setting{Key: k, Value: s, Pos: kp})
				}
			})
		},
	}
}
