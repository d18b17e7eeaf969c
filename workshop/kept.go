package workshop

import (
	"container/list"
	"sync"

	"github.com/tokensim/tokensim/progress"
)

// keptBy is a map keyed by Who that holds at most max entries, the one
// set longest ago dropped first, as worlds are (worlds.go): an open room
// lets anyone log in under any user name, and what the server remembers
// per user for its life must not grow with every name tried. It has no
// lock of its own: its owner's guards it.
type keptBy[V any] struct {
	max   int // ≤ 0: no bound
	byWho map[Who]*list.Element
	order list.List // → *keptEntry[V], the oldest set at the front
}

type keptEntry[V any] struct {
	who Who
	v   V
}

func (k *keptBy[V]) get(who Who) (v V, ok bool) {
	e, ok := k.byWho[who]
	if !ok {
		return v, false
	}
	return e.Value.(*keptEntry[V]).v, true
}

// set keeps v for who, as the newest, and reports how many of the oldest
// it dropped to stay within max.
func (k *keptBy[V]) set(who Who, v V) (dropped int) {
	if k.byWho == nil {
		k.byWho = map[Who]*list.Element{}
	}
	if e, ok := k.byWho[who]; ok {
		k.order.Remove(e)
	}
	k.byWho[who] = k.order.PushBack(&keptEntry[V]{who: who, v: v})
	for k.max > 0 && k.order.Len() > k.max {
		oldest := k.order.Front()
		k.order.Remove(oldest)
		delete(k.byWho, oldest.Value.(*keptEntry[V]).who)
		dropped++
	}
	return dropped
}

func (k *keptBy[V]) remove(who Who) {
	if e, ok := k.byWho[who]; ok {
		k.order.Remove(e)
		delete(k.byWho, who)
	}
}

func (k *keptBy[V]) len() int { return k.order.Len() }

// progressKept is each session's progress, in memory for the server's life
// (never a file on the server), keyed by the whole Who: the user name,
// the credential that proved it and the role. "dave" by password does not
// see the progress of "dave" by key, nor an attendee who logs in as the
// instructor's user name the instructor's. It holds Config.KeptWorlds
// users' progress, the least recently joined dropped first.
type progressKept struct {
	mu   sync.Mutex
	kept keptBy[*progress.Memory]
}

func newProgressKept(max int) *progressKept {
	return &progressKept{kept: keptBy[*progress.Memory]{max: max}}
}

// For is who's progress, made on first use; a session that joins makes
// it the newest.
func (p *progressKept) For(who Who) *progress.Memory {
	p.mu.Lock()
	defer p.mu.Unlock()
	m, ok := p.kept.get(who)
	if !ok {
		m = &progress.Memory{}
	}
	p.kept.set(who, m)
	return m
}

func (p *progressKept) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.kept.len()
}
