//go:build js && wasm

// Command tokensim-wasm is tokensim's player compiled to WebAssembly
// (issue 18 part 2): the same tui.Model as `tokensim play`, driven by
// package wasmplay without tea.Program. Build it with build.sh (bubbletea
// v2.1.1 needs two small js files added at build time; see there).
//
// In a page it sets globalThis.tokensim = {start(lesson, cols, rows, dark),
// send(json)} and calls globalThis.tokensimOut(json) with each
// frame-protocol message. Under node (go_js_wasm_exec) with the argument
// -smoke LESSON [KEY...] it prints the first frame as text, and the
// screen after the keys; -smoke-program LESSON tries the other adapter
// (program_js.go).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"syscall/js"

	"github.com/tokensim/tokensim/cmd/tokensim-wasm/wasmplay"
	"github.com/tokensim/tokensim/progress"
)

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "-smoke" {
		os.Exit(smoke(os.Args[2], os.Args[3:]))
	}
	if len(os.Args) == 3 && os.Args[1] == "-smoke-program" {
		os.Exit(smokeProgram(os.Args[2]))
	}
	var d *wasmplay.Driver
	out := func(v any) {
		b, err := json.Marshal(v)
		if err != nil {
			return
		}
		if f := js.Global().Get("tokensimOut"); f.Type() == js.TypeFunction {
			f.Invoke(string(b))
		}
	}
	api := js.Global().Get("Object").New()
	api.Set("start", js.FuncOf(func(_ js.Value, a []js.Value) any {
		if d != nil || len(a) < 4 {
			return "already started, or start(lesson, cols, rows, dark)"
		}
		store, warning := pageStore()
		m, err := wasmplay.Player(a[0].String(), store, warning)
		if err != nil {
			return err.Error()
		}
		d = wasmplay.New(m, a[1].Int(), a[2].Int(), a[3].Bool(), out)
		go d.Run()
		return nil
	}))
	api.Set("send", js.FuncOf(func(_ js.Value, a []js.Value) any {
		if d == nil || len(a) < 1 {
			return nil
		}
		var in struct {
			Type       string
			Data, Text string
			Cols, Rows int
		}
		if json.Unmarshal([]byte(a[0].String()), &in) != nil {
			return nil
		}
		switch in.Type {
		case "key":
			d.Key(in.Data)
		case "paste":
			d.Key("\x1b[200~" + in.Text + "\x1b[201~") // bracketed paste, as a terminal sends it
		case "resize":
			d.Resize(in.Cols, in.Rows)
		}
		return nil
	}))
	js.Global().Set("tokensim", api)
	select {} // callbacks run on the page's event loop from here on
}

// smoke plays lesson on a 100×30 screen, presses keys (bytes, one
// argument each), and prints the screen after the first frame and after
// the keys.
func smoke(lesson string, keys []string) int {
	m, err := wasmplay.Player(lesson, &progress.Memory{}, "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	frames := make(chan struct{}, 64)
	d := wasmplay.New(m, 100, 30, true, func(v any) {
		if _, ok := v.(wasmplay.Frame); ok {
			frames <- struct{}{}
		}
	})
	go d.Run()
	<-frames
	fmt.Print(d.Text())
	for _, k := range keys {
		d.Key(k)
		<-frames
	}
	if len(keys) > 0 {
		fmt.Println("---- after keys")
		fmt.Print(d.Text())
	}
	return 0
}

// pageStore keeps progress in the page's localStorage, or, where there is
// none (node, storage disabled), for as long as the page lives, and says so.
func pageStore() (progress.Store, string) {
	ls := js.Global().Get("localStorage")
	if ls.Type() != js.TypeObject {
		return &progress.Memory{}, "This browser keeps no local storage: progress lasts until the page closes."
	}
	s, err := wasmplay.OpenStored(localStorage{ls})
	if err != nil {
		return s, err.Error()
	}
	return s, ""
}

// localStorage is the page's Web Storage
// (https://html.spec.whatwg.org/multipage/webstorage.html#the-storage-interface).
type localStorage struct{ v js.Value }

func (l localStorage) Get(key string) (string, bool) {
	got := l.v.Call("getItem", key) // null when there is no such key
	if got.Type() != js.TypeString {
		return "", false
	}
	return got.String(), true
}

// Set calls setItem, which throws a QuotaExceededError when the storage
// is full; syscall/js turns the exception into a panic, recovered here.
func (l localStorage) Set(key, value string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("localStorage.setItem: %v", r)
		}
	}()
	l.v.Call("setItem", key, value)
	return nil
}
