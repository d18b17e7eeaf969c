package sim

import "sync"

// env is what every part of one world shares: its clock, log, entropy,
// counters and current policy. Nothing in it is global: two worlds have two
// envs.
type env struct {
	clock    *Clock
	log      *Log
	rand     *entropy
	counters *Counters

	mu  sync.Mutex
	pol Policy
}

// policy returns a copy of the policy in force.
func (e *env) policy() Policy {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pol
}

func (e *env) setPolicy(p Policy) {
	e.mu.Lock()
	e.pol = p
	e.mu.Unlock()
}

func (e *env) emit(ev Event) int { return e.log.emit(ev) }
