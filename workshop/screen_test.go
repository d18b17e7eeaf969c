package workshop

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// sshTestScreen is a small terminal emulator, enough for what bubbletea's
// renderer sends: cursor moves, erasing, insert/delete, scrolling within a
// region, and text. Tests read the screen a client would show, not the
// byte stream, because the renderer rewrites only the cells that changed.
type sshTestScreen struct {
	w, h        int
	cells       [][]string
	x, y        int
	top, bottom int // scrolling region, inclusive
	savedX      int
	savedY      int
	last        string // the last character printed, for REP
	pendingWrap bool
}

func sshTestNewScreen(w, h int) *sshTestScreen {
	s := &sshTestScreen{w: w, h: h, bottom: h - 1}
	s.cells = make([][]string, h)
	for i := range s.cells {
		s.cells[i] = s.blankRow()
	}
	return s
}

func (s *sshTestScreen) blankRow() []string {
	r := make([]string, s.w)
	for i := range r {
		r[i] = " "
	}
	return r
}

// resize keeps the top-left content, as terminals do closely enough.
func (s *sshTestScreen) resize(w, h int) {
	n := sshTestNewScreen(w, h)
	for y := 0; y < min(h, s.h); y++ {
		copy(n.cells[y], s.cells[y][:min(w, s.w)])
	}
	n.x, n.y = min(s.x, w-1), min(s.y, h-1)
	*s = *n
}

func (s *sshTestScreen) clampCursor() {
	s.x = min(max(s.x, 0), s.w-1)
	s.y = min(max(s.y, 0), s.h-1)
	s.pendingWrap = false
}

// scrollUp moves the region's lines up by n, blank lines entering below.
func (s *sshTestScreen) scrollUp(n int) {
	for range n {
		copy(s.cells[s.top:s.bottom], s.cells[s.top+1:s.bottom+1])
		s.cells[s.bottom] = s.blankRow()
	}
}

func (s *sshTestScreen) scrollDown(n int) {
	for range n {
		copy(s.cells[s.top+1:s.bottom+1], s.cells[s.top:s.bottom])
		s.cells[s.top] = s.blankRow()
	}
}

func (s *sshTestScreen) lineFeed() {
	if s.y == s.bottom {
		s.scrollUp(1)
	} else if s.y < s.h-1 {
		s.y++
	}
	s.pendingWrap = false
}

func (s *sshTestScreen) put(g string, width int) {
	if width <= 0 {
		return
	}
	if s.pendingWrap {
		s.x = 0
		s.lineFeed()
	}
	if s.x+width > s.w {
		s.x = 0
		s.lineFeed()
	}
	s.cells[s.y][s.x] = g
	for i := 1; i < width && s.x+i < s.w; i++ {
		s.cells[s.y][s.x+i] = ""
	}
	s.last = g
	if s.x+width >= s.w {
		s.x = s.w - 1
		s.pendingWrap = true
	} else {
		s.x += width
	}
}

func (s *sshTestScreen) erase(y, from, to int) {
	for x := max(from, 0); x < min(to, s.w); x++ {
		s.cells[y][x] = " "
	}
}

// Write interprets b.
func (s *sshTestScreen) Write(b []byte) {
	p := ansi.NewParser()
	var state byte
	for len(b) > 0 {
		seq, width, n, ns := ansi.DecodeSequence(b, state, p)
		state = ns
		b = b[n:]
		switch {
		case width > 0:
			s.put(string(seq), width)
		case len(seq) == 1:
			switch seq[0] {
			case '\r':
				s.x, s.pendingWrap = 0, false
			case '\n', '\v', '\f':
				s.lineFeed()
			case '\b':
				s.x, s.pendingWrap = max(s.x-1, 0), false
			case '\t':
				s.x, s.pendingWrap = min((s.x/8+1)*8, s.w-1), false
			}
		case ansi.HasCsiPrefix(seq):
			s.csi(ansi.Cmd(p.Command()), p)
		case ansi.HasEscPrefix(seq) && len(seq) == 2:
			switch seq[1] {
			case '7':
				s.savedX, s.savedY = s.x, s.y
			case '8':
				s.x, s.y = s.savedX, s.savedY
				s.clampCursor()
			case 'D':
				s.lineFeed()
			case 'E':
				s.x = 0
				s.lineFeed()
			case 'M':
				if s.y == s.top {
					s.scrollDown(1)
				} else {
					s.y = max(s.y-1, 0)
				}
			}
		}
	}
}

func (s *sshTestScreen) csi(cmd ansi.Cmd, p *ansi.Parser) {
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return // private modes and the like change nothing on screen
	}
	n := func(i, def int) int {
		v, _ := p.Param(i, def)
		if v == 0 {
			v = def
		}
		return v
	}
	switch cmd.Final() {
	case 'H', 'f':
		s.y, s.x = n(0, 1)-1, n(1, 1)-1
	case 'A':
		s.y -= n(0, 1)
	case 'B':
		s.y += n(0, 1)
	case 'C':
		s.x += n(0, 1)
	case 'D':
		s.x -= n(0, 1)
	case 'E':
		s.y, s.x = s.y+n(0, 1), 0
	case 'F':
		s.y, s.x = s.y-n(0, 1), 0
	case 'G', '`':
		s.x = n(0, 1) - 1
	case 'd':
		s.y = n(0, 1) - 1
	case 'Z':
		s.x = max((s.x-1)/8*8, 0)
	case 'K':
		switch v, _ := p.Param(0, 0); v {
		case 0:
			s.erase(s.y, s.x, s.w)
		case 1:
			s.erase(s.y, 0, s.x+1)
		case 2:
			s.erase(s.y, 0, s.w)
		}
		return // EL keeps a pending wrap
	case 'J':
		v, _ := p.Param(0, 0)
		for y := range s.h {
			switch {
			case v == 0 && y > s.y, v == 1 && y < s.y, v >= 2:
				s.erase(y, 0, s.w)
			case v == 0 && y == s.y:
				s.erase(y, s.x, s.w)
			case v == 1 && y == s.y:
				s.erase(y, 0, s.x+1)
			}
		}
		return
	case 'X':
		s.erase(s.y, s.x, s.x+n(0, 1))
		return
	case '@':
		row := s.cells[s.y]
		k := min(n(0, 1), s.w-s.x)
		copy(row[s.x+k:], row[s.x:s.w-k])
		s.erase(s.y, s.x, s.x+k)
	case 'P':
		row := s.cells[s.y]
		k := min(n(0, 1), s.w-s.x)
		copy(row[s.x:], row[s.x+k:])
		s.erase(s.y, s.w-k, s.w)
	case 'L', 'M':
		if s.y < s.top || s.y > s.bottom {
			return
		}
		top := s.top
		s.top = s.y
		if cmd.Final() == 'L' {
			s.scrollDown(n(0, 1))
		} else {
			s.scrollUp(n(0, 1))
		}
		s.top = top
		s.x = 0
	case 'S':
		s.scrollUp(n(0, 1))
		return
	case 'T':
		s.scrollDown(n(0, 1))
		return
	case 'r':
		s.top, s.bottom = n(0, 1)-1, n(1, s.h)-1
		s.top, s.bottom = min(max(s.top, 0), s.h-1), min(max(s.bottom, 0), s.h-1)
		s.x, s.y = 0, 0
	case 'b':
		for range n(0, 1) {
			s.put(s.last, ansi.StringWidth(s.last))
		}
		return
	default:
		return // SGR and others: no effect on the text
	}
	s.clampCursor()
}

// String is the screen's text, a line per row, trailing blanks trimmed.
func (s *sshTestScreen) String() string {
	var b strings.Builder
	for y, row := range s.cells {
		if y > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.TrimRight(strings.Join(row, ""), " "))
	}
	return b.String()
}
