package wasmplay

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"

	"github.com/tokensim/tokensim/progress"
)

// KV is the little of the browser's localStorage a Stored needs
// (getItem, setItem: https://html.spec.whatwg.org/multipage/webstorage.html).
// main.go backs it with syscall/js; tests with a map.
type KV interface {
	Get(key string) (string, bool)
	// Set fails when the storage refuses (QuotaExceededError, storage
	// disabled by the user).
	Set(key, value string) error
}

// StorageKey is where the progress is kept in localStorage.
const StorageKey = "tokensim.progress"

// storedFormat is the stored JSON, shaped as the progress file
// (progress.File): a version and the records by lesson id.
type storedFormat struct {
	Version int                        `json:"version"`
	Lessons map[string]progress.Record `json:"lessons"`
}

// Stored is a progress.Store kept in the page's localStorage: the records
// live in memory and each Save writes them all (a few KB) back.
type Stored struct {
	kv     KV
	mu     sync.Mutex
	recs   map[string]progress.Record
	warned bool
}

var _ progress.Store = (*Stored)(nil)

// ErrStorage is wrapped by the warnings of a store that cannot keep
// progress in the page.
var ErrStorage = errors.New("progress is not kept in this browser")

// OpenStored reads the progress kept in kv. Its warning, when not nil, is
// the one line to show: the stored progress was unreadable or of another
// version and the learner starts afresh (it is overwritten on the next
// save).
func OpenStored(kv KV) (*Stored, error) {
	s := &Stored{kv: kv, recs: map[string]progress.Record{}}
	data, ok := kv.Get(StorageKey)
	if !ok {
		return s, nil
	}
	var f storedFormat
	if err := json.Unmarshal([]byte(data), &f); err != nil {
		return s, fmt.Errorf("%w: the stored progress is unreadable (%v); starting afresh", ErrStorage, err)
	}
	if f.Version != progress.Version {
		return s, fmt.Errorf("%w: the stored progress is version %d, this player reads %d; starting afresh", ErrStorage, f.Version, progress.Version)
	}
	for id, r := range f.Lessons {
		s.recs[id] = r
	}
	return s, nil
}

// Load returns the record of lesson id.
func (s *Stored) Load(id string) (progress.Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[id]
	r.Answers = maps.Clone(r.Answers) // never share a map with the player (as progress.Memory)
	return r, ok
}

// Save keeps r and writes every record to the page's storage. A refused
// write is reported once; the progress stays for as long as the page.
func (s *Stored) Save(id string, r progress.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Answers = maps.Clone(r.Answers)
	s.recs[id] = r
	data, err := json.Marshal(storedFormat{Version: progress.Version, Lessons: s.recs})
	if err == nil {
		err = s.kv.Set(StorageKey, string(data))
	}
	if err == nil || s.warned {
		return nil
	}
	s.warned = true
	return fmt.Errorf("%w: %v (kept until the page closes)", ErrStorage, err)
}
