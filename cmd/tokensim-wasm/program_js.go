//go:build js && wasm

package main

import (
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
	"github.com/tokensim/tokensim/cmd/tokensim-wasm/wasmplay"
	"github.com/tokensim/tokensim/progress"
)

// smokeProgram is the other adapter, kept for comparison: a real
// tea.Program (it compiles for js/wasm with build.sh's shims) writing into
// an x/vt emulator, as the web server does per visitor. It is a spike's
// smoke run, not a test: it waits on the wall clock for the renderer.
func smokeProgram(lesson string) int {
	m, err := wasmplay.Player(lesson, &progress.Memory{}, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	emu := vt.NewEmulator(100, 30)
	in, toProgram := io.Pipe()
	go func() { _, _ = io.Copy(toProgram, emu) }() // the terminal's replies (background colour, ...) are the program's input
	// The renderer ends lines with a bare LF, as a tty's output processing
	// (ONLCR) adds the CR; without crlf the rows drift right in the emulator.
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(crlf{emu}), tea.WithWindowSize(100, 30),
		tea.WithoutSignals(), tea.WithColorProfile(colorprofile.TrueColor), tea.WithEnvironment([]string{"TERM=xterm-256color"}))
	go func() {
		if _, err := p.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "tokensim-wasm:", err)
		}
	}()
	time.Sleep(1500 * time.Millisecond)
	fmt.Println(emu.String())
	emu.SendKeys(vt.KeyPressEvent{Code: vt.KeyRight})
	time.Sleep(500 * time.Millisecond)
	fmt.Println("---- after →")
	fmt.Println(emu.String())
	return 0
}

// crlf turns each LF into CR LF on the way to the emulator (a tty's ONLCR).
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p)+16)
	for _, b := range p {
		if b == '\n' {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
