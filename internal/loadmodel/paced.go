// Package loadmodel is the load the room benchmarks put on a server, one
// copy for the SSH room (package workshop) and the web room (package
// web), so that their latency figures are measured alike.
package loadmodel

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Paced has each of clients press a key after a random pause of 0.5 to
// 1.5 s (an attendee reading before the next key: about one key a second
// each), keys in all, and returns each key's latency as step measures
// it. step(ctx, client, k) presses client's k-th key. The first error
// ends the run.
func Paced(ctx context.Context, clients, keys int, step func(ctx context.Context, client, k int) (time.Duration, error)) ([]time.Duration, error) {
	var (
		mu   sync.Mutex
		lat  []time.Duration
		left = keys
		errs = make(chan error, clients)
		wg   sync.WaitGroup
	)
	for i := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for k := 0; ; k++ {
				mu.Lock()
				if left == 0 {
					mu.Unlock()
					return
				}
				left--
				mu.Unlock()
				// The load model, not a wait for a result.
				pause := time.NewTimer(500*time.Millisecond + time.Duration(rng.Int64N(int64(time.Second))))
				select {
				case <-pause.C:
				case <-ctx.Done():
					pause.Stop()
					errs <- ctx.Err()
					return
				}
				d, err := step(ctx, i, k)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return lat, nil
}
