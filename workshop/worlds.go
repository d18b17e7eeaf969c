package workshop

import (
	"container/list"
	"sync"
)

// worlds keeps, for the server's life, the world of each session that
// left (its final model: lesson, step, answers, sandbox), keyed by who it
// was, so that the same user name with the same credential finds it again
// on reconnecting. Nothing is written to disk.
//
// A world is handed to one session at a time: a session that joins while
// another session of the same Who is live gets a fresh world (two
// programs must never share one model), and when both have left, the
// world of the last to leave is the one kept.
//
// An open room lets anyone connect under any user name, so the worlds
// kept are bounded: at most max, the oldest departure dropped first.
type worlds[T any] struct {
	max int // 0: keep none
	// counted, if set, hears how many worlds came or went (the memory
	// budget's: memory.go), under the lock.
	counted func(delta int)

	mu    sync.Mutex
	live  map[Who]int           // sessions of each Who running now
	kept  map[Who]*list.Element // → *keptWorld[T], in order
	order list.List             // oldest departure at the front
}

type keptWorld[T any] struct {
	who   Who
	world T
}

func newWorlds[T any](max int) *worlds[T] {
	return &worlds[T]{max: max, live: map[Who]int{}, kept: map[Who]*list.Element{}}
}

// join counts a session of who as live and hands it who's kept world, if
// there is one and no other session of who is live (busy: a fresh world,
// because that one's world is in use).
func (w *worlds[T]) join(who Who) (world T, found, busy bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.live[who]++
	if w.live[who] > 1 {
		return world, false, true
	}
	e, ok := w.kept[who]
	if !ok {
		return world, false, false
	}
	w.order.Remove(e)
	delete(w.kept, who)
	w.count(-1)
	return e.Value.(*keptWorld[T]).world, true, false
}

// leave ends a live session of who. With keep it keeps world (replacing
// any kept for who) and reports how many older worlds it dropped to stay
// within max.
func (w *worlds[T]) leave(who Who, world T, keep bool) (dropped int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.live[who]--; w.live[who] <= 0 {
		delete(w.live, who)
	}
	if !keep || w.max <= 0 {
		return 0
	}
	n := w.order.Len()
	if e, ok := w.kept[who]; ok {
		w.order.Remove(e)
	}
	w.kept[who] = w.order.PushBack(&keptWorld[T]{who: who, world: world})
	for w.order.Len() > w.max {
		oldest := w.order.Front()
		w.order.Remove(oldest)
		delete(w.kept, oldest.Value.(*keptWorld[T]).who)
		dropped++
	}
	w.count(w.order.Len() - n)
	return dropped
}

func (w *worlds[T]) count(delta int) {
	if w.counted != nil && delta != 0 {
		w.counted(delta)
	}
}

// len is the number of worlds kept.
func (w *worlds[T]) len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.order.Len()
}
