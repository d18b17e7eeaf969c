//go:build js && wasm

// Command tokensim-wasm is tokensim's player compiled to WebAssembly
// (issue 18 part 2), for the static build `tokensim web --export DIR`
// writes: the same tui.Model as `tokensim play` (lessons, sandbox,
// challenges; no export, no command hints), in a real tea.Program drawing
// into the web server's terminal (web/term), speaking the same frame
// protocol to the page as the WebSocket does (package wasmplay). Build it
// with `tokensim web --export DIR`: bubbletea v2.1.1 needs
// two small js files added at build time (_overlay/).
//
// The page's boot file (web/page/wasm-boot.js) sets
// globalThis.tokensimBridge = {out(json)} before running this program;
// main answers by setting bridge.send(json), bridge.quit(), and calls
// bridge.out(json) with each message for the page. main returns after the
// "bye". Under node (go_js_wasm_exec), -smoke LESSON TEXT [KEY TEXT]...
// plays LESSON with no page, waits for each TEXT on the screen (after
// pressing KEY, the bytes a terminal sends) and prints the screen each time.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall/js"

	tea "charm.land/bubbletea/v2"
	"github.com/tokensim/tokensim/cmd/tokensim-wasm/wasmplay"
	"github.com/tokensim/tokensim/progress"
	"github.com/tokensim/tokensim/web/term"
)

func main() {
	if len(os.Args) >= 3 && os.Args[1] == "-smoke" {
		os.Exit(smoke(os.Args[2], os.Args[3:]))
	}
	bridge := js.Global().Get("tokensimBridge")
	if bridge.Type() != js.TypeObject {
		fmt.Fprintln(os.Stderr, "tokensim-wasm: no globalThis.tokensimBridge: load me with the page's wasm-boot.js")
		os.Exit(2)
	}
	lesson := ""
	if l := bridge.Get("lesson"); l.Type() == js.TypeString {
		lesson = l.String()
	}
	out := bridge.Get("out")
	b := wasmplay.NewBridge(func() (tea.Model, error) {
		store, warning := pageStore()
		return wasmplay.Player(lesson, store, warning)
	}, func(msg []byte) { out.Invoke(string(msg)) })
	started := make(chan struct{})
	var once sync.Once
	send := js.FuncOf(func(_ js.Value, a []js.Value) any {
		if len(a) < 1 || a[0].Type() != js.TypeString {
			return "send(json)"
		}
		err := b.Handle([]byte(a[0].String()))
		once.Do(func() { close(started) })
		if err != nil {
			return err.Error()
		}
		return nil
	})
	defer send.Release()
	bridge.Set("send", send)
	<-started // callbacks run on the page's event loop meanwhile
	if done := b.Done(); done != nil {
		<-done
	}
}

// smoke plays lesson on a 100×30 screen with no page: the node check of
// the wasmbuild test. args are TEXT [KEY TEXT]...: it waits until the
// screen shows each TEXT (after pressing KEY) and prints the screen.
func smoke(lesson string, args []string) int {
	msgs := make(chan []byte, 1024)
	b := wasmplay.NewBridge(func() (tea.Model, error) {
		return wasmplay.Player(lesson, &progress.Memory{}, "")
	}, func(m []byte) { msgs <- m })
	var mirror wasmplay.Mirror
	first := []byte(`{"type":"resize","cols":100,"rows":30}`)
	for i, a := range args {
		if i%2 == 0 {
			if err := b.Handle(first); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			first = nil
			for !strings.Contains(mirror.Text(), a) {
				if typ, why := mirror.Apply(<-msgs); typ == "bye" {
					fmt.Fprintf(os.Stderr, "bye before %q: %s\n", a, why)
					return 1
				}
			}
			fmt.Printf("---- the screen shows %q\n%s", a, mirror.Text())
			continue
		}
		first, _ = json.Marshal(term.In{Type: "key", Data: a})
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
