package sim_test

import (
	"fmt"
	"time"

	"github.com/tokensim/tokensim/sim"
)

// The README's "engine in ten lines", kept honest: go test checks the
// output.
func Example() {
	w, _ := sim.New(sim.Config{Seed: 1})                   // default preset "tokensim"
	w.App().Login(sim.DemoUser, sim.DemoPassword, "")      // authorization code + PKCE via the browser
	w.App().Call("GET", "/api/orders")                     // Authorization: Bearer <JWT>
	w.Attacker().Steal(sim.SourceScript, sim.TokenRefresh) // XSS reads localStorage
	w.Advance(16 * time.Minute)                            // the access token has expired
	w.Attacker().Refresh()                                 // attacker rotates first: 200
	o := w.App().Call("GET", "/api/orders")                // victim presents the retired token
	fmt.Println(o.Status, o.Error, o.Reason)
	// Output:
	// 400 invalid_grant refresh token rt-1 was rotated at 09:16:00 and presented again: reuse detected, family f-1 revoked
}
