package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// footerMemo is the last help footer and what it was drawn from. The
// footer is the same on almost every frame (a step changes the panels, not
// the keys), and rendering it styles every key and description again.
type footerMemo struct {
	showAll bool
	width   int
	st      *Styles
	dark    bool
	err     string
	keys    []footerKey // the bindings shown, in order; a zero one between groups
	out     string
}

// footerKey is what the help shows of a binding.
type footerKey struct {
	key, desc string
	enabled   bool
}

// footerKeys lists what the help view of km shows: the short help, or
// every group of the full help.
func footerKeys(dst []footerKey, km help.KeyMap, showAll bool) []footerKey {
	add := func(bs []key.Binding) {
		for _, b := range bs {
			h := b.Help()
			dst = append(dst, footerKey{h.Key, h.Desc, b.Enabled()})
		}
	}
	if !showAll {
		add(km.ShortHelp())
		return dst
	}
	for _, g := range km.FullHelp() {
		add(g)
		dst = append(dst, footerKey{})
	}
	return dst
}

// view is the footer of km: the one remembered if nothing it depends on
// changed, else render's, remembered.
func (f *footerMemo) view(h *help.Model, km help.KeyMap, st *Styles, err string, render func() string) string {
	keys := footerKeys(nil, km, h.ShowAll)
	if f.out != "" && f.showAll == h.ShowAll && f.width == h.Width() && f.st == st && f.dark == st.isDark && f.err == err && footerSame(f.keys, keys) {
		return f.out
	}
	*f = footerMemo{showAll: h.ShowAll, width: h.Width(), st: st, dark: st.isDark, err: err, keys: keys, out: render()}
	return f.out
}

func footerSame(a, b []footerKey) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
