package tui

// SetSize gives the list the room the preview leaves.
func (p *picker) SetSize(w, h int) {
	// The root lays every screen out again on many messages, the picker
	// behind a lesson included (a workshop's every step: jump); the list
	// re-measures its title, status and pages each time, 4% of the
	// server's CPU for a follower's frame in workshop's
	// BenchmarkRoomBurst200Followers. At the same size there is nothing
	// to redo.
	if p.sized && w == p.w && h == p.h {
		return
	}
	p.sized = true
	short := (p.h > 0 && p.h < shortPicker) != (h > 0 && h < shortPicker)
	p.w, p.h = w, h
	if short {
		p.setDelegate()
	}
	if w >= 100 {
		p.list.SetSize(w/2, h)
	} else {
		p.list.SetSize(w, max(h-previewHeight(h), 3))
	}
	// The list gives its filter input its width less the prompt, but not
	// less the title bar's padding: while filtering, the list was two cells
	// wider than its column and every line of it was cut with "…".
	p.list.FilterInput.SetWidth(max(p.list.FilterInput.Width()-p.list.Styles.TitleBar.GetHorizontalFrameSize(), 1))
}
