package workshop

import (
	"errors"
	"fmt"
	"net"
	"strconv"
)

// DefaultAddr is where tokensim ssh listens: this machine only.
const DefaultAddr = "127.0.0.1:2222"

// ErrRemote is returned for an address other machines can reach when the
// caller did not allow it.
var ErrRemote = errors.New("reachable from other machines")

// CheckAddr accepts a host:port that only this machine can reach
// (a loopback address or "localhost"); any other, including an empty host
// (every interface), needs allowRemote. It reports whether addr is remote.
func CheckAddr(addr string, allowRemote bool) (remote bool, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("address %q: %w", addr, err)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil && port != "" || n > 65535 {
		return false, fmt.Errorf("address %q: the port must be a number from 0 to 65535 (0: any free port)", addr)
	}
	ip := net.ParseIP(host)
	remote = !(host == "localhost" || (ip != nil && ip.IsLoopback()))
	if remote && !allowRemote {
		what := host
		if host == "" {
			what = "every interface"
		}
		return true, fmt.Errorf("address %q (%s) is %w: add --allow-remote to serve the room on the network", addr, what, ErrRemote)
	}
	return remote, nil
}
