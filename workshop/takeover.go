package workshop

import (
	"strings"
	"sync"
	"time"
)

// A reconnect proven by a key takes the place of its older session. The
// key is its owner's alone, so a second session of the same Who by key is
// the same person, back from a connection that froze or a laptop that
// slept before the server noticed (keepalive.go notices within a minute):
// the older session ends, saying so on its terminal, gives back its slot
// and its world, and the new one takes them. A Who proven by a password
// or an open room is a shared name (every password login's credential is
// "password"), so there a second session still starts afresh (worlds.go).
// A browser's session cookie (package web) is one browser's alone, so it
// takes over as a key does.

// endReplaced: the same Who connected again by key (takeover.go).
const endReplaced endReason = 100

// msgReplaced is the older session's one line.
const msgReplaced = "tokensim: ended: you connected again from elsewhere."

// takeoverGrace is how long a replaced session has to end properly
// before its connection is closed from below (a frozen client may never
// read the frames that end it).
const takeoverGrace = 2 * time.Second

// liveSession is a running session as a takeover sees it.
type liveSession struct {
	end       func(endReason) // nil until the session's player starts
	closeConn func()
	addr      string
	done      chan struct{} // closed once its slot and world are given back
}

// liveSessions are the running sessions by Who.
type liveSessions struct {
	mu  sync.Mutex
	all map[Who]map[*liveSession]struct{}
}

func (l *liveSessions) add(who Who, ls *liveSession) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.all == nil {
		l.all = map[Who]map[*liveSession]struct{}{}
	}
	if l.all[who] == nil {
		l.all[who] = map[*liveSession]struct{}{}
	}
	l.all[who][ls] = struct{}{}
}

// started records the session's end, once its player runs.
func (l *liveSessions) started(ls *liveSession, end func(endReason)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ls.end = end
}

func (l *liveSessions) remove(who Who, ls *liveSession) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.all[who], ls)
	if len(l.all[who]) == 0 {
		delete(l.all, who)
	}
}

// of is who's sessions whose players run.
func (l *liveSessions) of(who Who) []*liveSession {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*liveSession
	for ls := range l.all[who] {
		if ls.end != nil {
			out = append(out, ls)
		}
	}
	return out
}

// byKey reports whether who was proven by a key's signature.
func byKey(who Who) bool { return strings.HasPrefix(who.Credential, "key ") }

// takeOver ends who's older sessions (play calls it when the proof is one
// person's: Terminal.TakeOver), and waits until each has given back its slot and world (or the new
// session's connection ends). It reports how many it ended.
func (s *Server) takeOver(who Who, from string, gone <-chan struct{}) int {
	old := s.live.of(who)
	proof := "key"
	if !byKey(who) {
		proof = "browser session"
	}
	for _, ls := range old {
		s.cfg.Logf("%s %q from %s: ended, the same %s connected again from %s", who.Role(), who.User, ls.addr, proof, from)
		ls.end(endReplaced)
	}
	for _, ls := range old {
		t := time.NewTimer(takeoverGrace)
		select {
		case <-ls.done:
		case <-gone:
		case <-t.C:
			ls.closeConn()
			select {
			case <-ls.done:
			case <-gone:
			}
		}
		t.Stop()
	}
	return len(old)
}
