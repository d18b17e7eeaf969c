package wasmplay

import (
	"errors"
	"testing"

	"github.com/tokensim/tokensim/progress"
)

type mapKV struct {
	m    map[string]string
	full bool
}

func (k *mapKV) Get(key string) (string, bool) { v, ok := k.m[key]; return v, ok }
func (k *mapKV) Set(key, v string) error {
	if k.full {
		return errors.New("QuotaExceededError")
	}
	k.m[key] = v
	return nil
}

func TestStoredKeepsProgressAcrossPageLoads(t *testing.T) {
	kv := &mapKV{m: map[string]string{}}
	s, err := OpenStored(kv)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Save("login", progress.Record{Steps: 2, Step: 1, Answers: map[int]int{1: 2}}); err != nil {
		t.Fatal(err)
	}
	again, err := OpenStored(kv) // the next page load
	if err != nil {
		t.Fatal(err)
	}
	r, ok := again.Load("login")
	if !ok || r.Step != 1 || r.Steps != 2 || r.Answers[1] != 2 {
		t.Fatalf("after reload: %+v, %v; want step 1 of 2 with answer 2", r, ok)
	}
}

func TestStoredWarnsOnceWhenStorageRefuses(t *testing.T) {
	kv := &mapKV{m: map[string]string{}, full: true}
	s, _ := OpenStored(kv)
	if err := s.Save("login", progress.Record{Step: 1}); !errors.Is(err, ErrStorage) {
		t.Fatalf("first refused save: %v, want ErrStorage", err)
	}
	if err := s.Save("login", progress.Record{Step: 2}); err != nil {
		t.Fatalf("second refused save: %v, want no second warning", err)
	}
	if r, _ := s.Load("login"); r.Step != 2 {
		t.Fatalf("kept step %d, want 2 (kept in memory)", r.Step)
	}
}

func TestStoredStartsAfreshOnUnreadableOrOtherVersion(t *testing.T) {
	for _, data := range []string{"{not json", `{"version":99,"lessons":{"login":{"step":1}}}`} {
		s, err := OpenStored(&mapKV{m: map[string]string{StorageKey: data}})
		if !errors.Is(err, ErrStorage) {
			t.Errorf("%q: %v, want an ErrStorage warning", data, err)
		}
		if _, ok := s.Load("login"); ok {
			t.Errorf("%q: a record was loaded from unreadable storage", data)
		}
	}
}

func TestStoredSharesNoMapWithThePlayer(t *testing.T) {
	s, _ := OpenStored(&mapKV{m: map[string]string{}})
	ans := map[int]int{1: 1}
	_ = s.Save("login", progress.Record{Answers: ans})
	ans[1] = 3
	r, _ := s.Load("login")
	r.Answers[1] = 2
	if again, _ := s.Load("login"); again.Answers[1] != 1 {
		t.Fatalf("stored answer %d, want 1: the store shares a map with its caller", again.Answers[1])
	}
}
