package sim

import (
	"sync"
	"time"
)

// Storage is where the app keeps its tokens. It decides what an attacker
// in a given position can reach.
type Storage string

const (
	// StorageMemory: a JavaScript variable in the single-page app. An
	// injected script cannot enumerate it the way it reads localStorage,
	// but it runs in the same page and can intercept it (hooking fetch, a
	// silent login of its own: draft-ietf-oauth-browser-based-apps); the
	// script position here models reading storage only, and says so.
	StorageMemory Storage = "memory"
	// StorageLocal: window.localStorage. Any script on the page, injected
	// ones included, can read it.
	StorageLocal Storage = "local-storage"
	// StorageCookie: a backend-for-frontend (BFF). The app's backend is a
	// confidential client that keeps every token; the browser holds only an
	// httpOnly, Secure, SameSite session cookie that scripts cannot read,
	// and the page's API calls go through the BFF, which forwards them
	// with its own access token (client_backend.go). In the first-party
	// topology the cookie carries the refresh token instead.
	StorageCookie Storage = "cookie"
	// StorageMediated: a token-mediating backend. The backend is a
	// confidential client that keeps the refresh token and hands the
	// access token to the page, which keeps it in memory and calls the
	// API itself (client_backend.go).
	StorageMediated Storage = "token-mediating"
	// StorageServer: a server-side web app (confidential client) keeps the
	// tokens in its own session store; the browser never sees them.
	StorageServer Storage = "server"
)

// Storages lists every storage location (a fresh slice each call).
func Storages() []Storage {
	return []Storage{StorageMemory, StorageLocal, StorageCookie, StorageMediated, StorageServer}
}

// Architectures are the browser architectures a single-page app has in a
// world of topology t, by where its tokens live: in the OAuth topology the
// three of draft-ietf-oauth-browser-based-apps (RFC 10017), browser-only
// (local-storage), a token-mediating backend and a backend-for-frontend
// (cookie); none in the first-party topology, whose backend is its own
// issuer. A fresh slice each call.
func (t Topology) Architectures() []Storage {
	if t != TopologyOAuth {
		return nil
	}
	return []Storage{StorageLocal, StorageMediated, StorageCookie}
}

// Architecture names the browser architecture an OAuth single-page app
// keeping its tokens in s has (server: a server-side web app).
func (s Storage) Architecture() string {
	switch s {
	case StorageMediated:
		return "token-mediating backend"
	case StorageCookie:
		return "backend-for-frontend (BFF)"
	case StorageServer:
		return "server-side web app"
	}
	return "browser-only (" + string(s) + ")"
}

// tokenStore holds an app's tokens. Several Clients (browser tabs) may share
// one store, which is how refresh races arise.
type tokenStore struct {
	mu        sync.Mutex
	access    string
	accessExp time.Time // from expires_in: clients treat access tokens as opaque (RFC 9068 §6)
	refresh   string
	id        string
	tokenType string      // the access token's token_type: Bearer, or DPoP when it is bound (RFC 9449 §5)
	dpop      *dpopHolder // the app's DPoP key; it outlives the tokens (dpop_client.go)
	flight    *flight     // a refresh in progress, for single-flight
	// other holds the access tokens the app obtained for other APIs, by
	// resource (RFC 8707; client_resource.go): one token per audience.
	other map[string]heldAccess
	// session is the backend's session id, the value of the browser's
	// session cookie (a BFF or token-mediating backend); "" when none.
	session string
}

// flight is one refresh that concurrent callers may share.
type flight struct {
	done chan struct{}
	out  Outcome
}

func (s *tokenStore) snapshot() (access string, exp time.Time, refresh, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access, s.accessExp, s.refresh, s.id
}

func (s *tokenStore) clear() {
	s.mu.Lock()
	s.access, s.refresh, s.id, s.accessExp, s.tokenType = "", "", "", time.Time{}, ""
	s.other = nil
	s.session = ""
	s.mu.Unlock()
}
