package progress

import "sync"

// Memory is a Store that lives as long as the process: a workshop's
// attendee's progress, which belongs to the attendee and must not become a
// file on the server. The zero value is ready to use.
type Memory struct {
	mu      sync.Mutex
	lessons map[string]Record
}

// Load returns the record of lesson id.
func (m *Memory) Load(id string) (Record, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.lessons[id]
	return r.clone(), ok
}

// Save replaces the record of lesson id. It never fails.
func (m *Memory) Save(id string, r Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lessons == nil {
		m.lessons = map[string]Record{}
	}
	m.lessons[id] = r.clone()
	return nil
}

// Users is one Memory per user name, for the life of a server: an
// attendee who reconnects under the same SSH user finds their progress.
// The zero value is ready to use.
type Users struct {
	mu    sync.Mutex
	users map[string]*Memory
}

// For returns user's store, made on first use.
func (u *Users) For(user string) *Memory {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.users == nil {
		u.users = map[string]*Memory{}
	}
	m, ok := u.users[user]
	if !ok {
		m = &Memory{}
		u.users[user] = m
	}
	return m
}
