package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/viewport"
	"charm.land/lipgloss/v2"
)

// Inspector tabs, in the order of the 1–5 keys.
const (
	tabNarration = iota
	tabHTTP
	tabTokens
	tabServer
	tabAttacker
	tabCount
)

var tabNames = [tabCount]string{"Narration", "HTTP", "Tokens", "Server", "Attacker"}

// inspector shows one tab of detail about the current step in a
// scrollable viewport.
type inspector struct {
	tab  int
	w, h int
	vp   viewport.Model
	// key identifies what the viewport holds, so that scrolling survives
	// redraws and resets when the step or the tab changes.
	key string
}

func newInspector() inspector {
	return inspector{vp: viewport.New()}
}

// SetSize sets the inspector's size in cells, tab bar included.
func (in *inspector) SetSize(w, h int) {
	in.w, in.h = max(w, 0), max(h, 0)
	in.vp.SetWidth(in.w)
	in.vp.SetHeight(max(in.h-2, 0))
}

func (in *inspector) setTab(t int) { in.tab = (t + tabCount) % tabCount }

func (in *inspector) scroll(lines int) {
	if lines < 0 {
		in.vp.ScrollUp(-lines)
	} else {
		in.vp.ScrollDown(lines)
	}
}

// View renders the tab bar and the current tab's content.
func (in *inspector) View(t *timeline, st *Styles, note string) string {
	if in.w < 10 || in.h < 3 {
		return ""
	}
	var tabs []string
	for i, n := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, n)
		if i == in.tab {
			tabs = append(tabs, st.TabActive.Render(iconCurrent+label))
		} else {
			tabs = append(tabs, st.Tab.Render(label))
		}
	}
	bar := lipgloss.JoinHorizontal(lipgloss.Top, tabs...)
	width := in.w - 1
	var body string
	switch in.tab {
	case tabNarration:
		body = narrationTab(t, st, width, note)
	case tabHTTP:
		body = httpTab(t, st, width)
	case tabTokens:
		body = tokensTab(t, st, width)
	case tabServer:
		body = serverTab(t, st, width)
	case tabAttacker:
		body = attackerTab(t, st, width)
	}
	key := fmt.Sprintf("%d/%d/%d", in.tab, t.cur, t.answered[t.cur])
	if key != in.key {
		in.key = key
		in.vp.SetContent(body)
		in.vp.GotoTop()
	} else {
		in.vp.SetContent(body)
	}
	return clampBlock(bar, in.w, 1) + "\n" + strings.Repeat("─", in.w) + "\n" + in.vp.View()
}
