package workshop

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"unsafe"

	uv "github.com/charmbracelet/ultraviolet"
)

// memoryBudget keeps the Go runtime's soft memory limit
// (runtime/debug.SetMemoryLimit) at what the room holds now: the server
// as it started, plus each session's budget at its window's size, plus
// each departed world kept for a reconnect. Left to GOGC=100 alone, the
// heap grows to about twice what was live before the collector runs, and
// a room's RSS was about twice its live memory (3.1 MB a session against
// 1.45 MB of heap and stacks, README "Performance"); at the limit the
// collector runs sooner and returns free memory to the system. The limit
// is soft: the collector never takes more than about half the CPU to keep
// to it (the runtime's GC CPU limiter), so a budget guessed too small
// slows the room, it does not stop it. It is a trade: at 200 sessions the
// collector's extra work took the paced p99 from 22 to 38–62 ms and a
// burst frame's CPU up by about 15% (README, Performance), so it is
// tokensim ssh --memory-budget, off by default. The limit is the
// process's, so only tokensim ssh turns this on (Config.MemoryBudget),
// and Shutdown restores the limit it found.
type memoryBudget struct {
	mu    sync.Mutex
	base  int64 // the process's memory when the server started, and budgetServer
	inUse int64 // the sessions' and kept worlds' budgets
	prev  int64 // the limit before the server set one
	set   func(int64) int64
}

// The budgets, calibrated with BenchmarkRSSPerActiveSession (100 sessions
// at 120×40: live heap 1.35 MB a session, of which 1.08 MB are Bubble
// Tea's two cell buffers; stacks 0.3 MB in 13 goroutines).
const (
	// budgetSession is a session besides its screen's cell buffers: the
	// player's model, Bubble Tea's program and input tables, the SSH
	// channel, goroutine stacks, and the collector's headroom.
	budgetSession = 640 << 10
	// budgetWorld is a departed session's world kept for a reconnect:
	// its model, without a program.
	budgetWorld = 512 << 10
	// budgetServer is the server besides its sessions: the lessons' runs
	// the room shares (scenarios.RunCache: at most 256 of about 150 KB),
	// the catalogue, the SSH server, the runtime.
	budgetServer = 16 << 20
)

// screenBudget is the memory of Bubble Tea's renderer for a w×h window:
// a cell buffer for the screen shown and one for the next frame.
func screenBudget(w, h int) int64 {
	return 2 * int64(w) * int64(h) * int64(unsafe.Sizeof(uv.Cell{}))
}

// newMemoryBudget sets the limit to the process's memory now plus
// budgetServer; set is debug.SetMemoryLimit (tests pass their own).
func newMemoryBudget(set func(int64) int64) *memoryBudget {
	if set == nil {
		set = debug.SetMemoryLimit
	}
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	b := &memoryBudget{base: int64(s[0].Value.Uint64()-s[1].Value.Uint64()) + budgetServer, set: set}
	b.prev = set(b.base)
	return b
}

// add changes the budget by d bytes (a session came, went or resized; a
// world was kept or taken back). A nil budget does nothing.
func (b *memoryBudget) add(d int64) {
	if b == nil || d == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inUse += d
	b.set(b.base + b.inUse)
}

// restore puts back the limit the server found.
func (b *memoryBudget) restore() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.prev <= 0 {
		b.prev = math.MaxInt64
	}
	b.set(b.prev)
}
