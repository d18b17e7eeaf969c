package serve

import (
	"fmt"

	"github.com/tokensim/tokensim/sim"
)

// Client is one of the attendee's own clients, registered when the server
// starts (tokensim serve --client). With a Secret it is confidential
// (client_secret_basic or client_secret_post, like web); without, public
// with PKCE required (like cli). A loopback redirect URI registered with
// port * (http://127.0.0.1:*/cb) accepts any port; every other one is
// matched exactly. sim.Hosting.AddClient holds the rules.
type Client struct {
	ID, Secret   string
	RedirectURIs []string
}

// CheckClients reports why New would refuse cs, so that a command line can
// refuse it before binding a port: the index of the first client refused
// and what is wrong with it, or -1 and nil.
func CheckClients(cs []Client) (int, error) {
	h := &sim.Hosting{LoopbackClient: ClientCLI}
	for i, c := range cs {
		if err := h.AddClient(c.ID, c.Secret, c.RedirectURIs...); err != nil {
			return i, err
		}
	}
	return -1, nil
}

func addClients(h *sim.Hosting, cs []Client) error {
	for _, c := range cs {
		if err := h.AddClient(c.ID, c.Secret, c.RedirectURIs...); err != nil {
			return fmt.Errorf("client %s: %w", c.ID, err)
		}
	}
	return nil
}
