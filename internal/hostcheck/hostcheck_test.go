package hostcheck

import "testing"

// A rebinding page's Host (its own name) is refused; the server's own
// name and the loopback names on its port are accepted.
func TestAllowed(t *testing.T) {
	for _, c := range []struct {
		host string
		want bool
	}{
		{"127.0.0.1:8443", true}, {"localhost:8443", true}, {"LOCALHOST:8443", true}, {"[::1]:8443", true},
		{"tokensim.test:8443", true},
		{"evil.example:8443", false}, {"127.0.0.1:8444", false}, {"localhost", false}, {"", false},
		{"127.0.0.1.evil.example:8443", false},
	} {
		if got := Allowed(c.host, "tokensim.test", "8443", "80"); got != c.want {
			t.Errorf("Allowed(%q) = %v, want %v", c.host, got, c.want)
		}
	}
	if !Allowed("localhost", "127.0.0.1", "80", "80") {
		t.Error("a Host without a port is not taken with the scheme's")
	}
}
