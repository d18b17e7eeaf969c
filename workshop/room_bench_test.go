package workshop

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// sshTestLeadPassword is the instructor's password in the room benchmarks:
// the instructor logs in as InstructorUser, in the client process.
const sshTestLeadPassword = "lead-bench"

// sshTestLeadRoom logs the instructor in (a w×h terminal), opens the bench
// lesson, presses F (follow me) and waits until every attendee in
// followers, at the picker, shows the lesson's following screen; it
// returns the instructor's session and how long that took from the key.
func sshTestLeadRoom(ctx context.Context, addr string, hostKey gossh.PublicKey, followers []*sshTestRaw, w, h int) (*sshTestRaw, time.Duration, error) {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: InstructorUser, HostKeyCallback: gossh.FixedHostKey(hostKey),
		Auth: []gossh.AuthMethod{gossh.Password(sshTestLeadPassword)}})
	if err != nil {
		return nil, 0, err
	}
	lead, err := sshTestOpenRaw(c, w, h)
	if err != nil {
		return nil, 0, err
	}
	if err := lead.until(ctx, "pick a lesson"); err != nil {
		return nil, 0, err
	}
	if _, err := lead.step(ctx, "\r"); err != nil {
		return nil, 0, err
	}
	if err := lead.until(ctx, "take the first step"); err != nil {
		return nil, 0, err
	}
	start := time.Now()
	if _, err := lead.step(ctx, "F"); err != nil {
		return nil, 0, err
	}
	errs := make(chan error, len(followers)+1)
	go func() { errs <- lead.until(ctx, "leading the room") }()
	for _, f := range followers {
		go func() { errs <- f.until(ctx, "The instructor takes the steps") }()
	}
	for range len(followers) + 1 {
		if err := <-errs; err != nil {
			return nil, 0, err
		}
	}
	return lead, time.Since(start), nil
}

// sshTestLeadSteps has the instructor take steps (forward and back between
// the bench lesson's first two steps, each a new frame for every
// follower) and returns, for each, the time from the instructor's key
// written to the first byte of the last follower's new frame: when the
// whole room sees the step.
func sshTestLeadSteps(ctx context.Context, lead *sshTestRaw, followers []*sshTestRaw, steps int) ([]time.Duration, error) {
	lat := make([]time.Duration, 0, steps)
	for i := range steps {
		key := "l"
		if i%2 == 1 {
			key = "h"
		}
		for _, f := range append([]*sshTestRaw{lead}, followers...) {
			f.mu.Lock()
			f.out = f.out[:0]
			f.mu.Unlock()
			select { // drop a stale signal
			case <-f.got:
			default:
			}
		}
		start := time.Now()
		if _, err := io.WriteString(lead.in, key); err != nil {
			return nil, err
		}
		var last time.Time
		for _, f := range followers {
			for {
				f.mu.Lock()
				first, arrived := f.first, len(f.out) > 0
				f.mu.Unlock()
				if arrived {
					if first.After(last) {
						last = first
					}
					break
				}
				select {
				case _, ok := <-f.got:
					if !ok {
						return nil, errors.New("a follower's session ended")
					}
				case <-ctx.Done():
					return nil, fmt.Errorf("step %d: %w", i, ctx.Err())
				}
			}
		}
		lat = append(lat, last.Sub(start))
		// The instructor speaks between steps: the load model, not a wait
		// for a result (every follower's frame has begun to arrive).
		pause := time.NewTimer(200 * time.Millisecond)
		select {
		case <-pause.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return lat, nil
}

// sshTestEvery has every session press a step key every d (forward and
// back), each at its own offset within d, until ctx ends: attendees at
// work, for the memory benchmarks.
func sshTestEvery(ctx context.Context, terms []*sshTestRaw, d time.Duration) {
	for i, t := range terms {
		go func() {
			offset := time.NewTimer(d * time.Duration(i) / time.Duration(len(terms)))
			select {
			case <-offset.C:
			case <-ctx.Done():
				return
			}
			tick := time.NewTicker(d)
			defer tick.Stop()
			for k := 0; ; k++ {
				key := "l"
				if k%2 == 1 {
					key = "h"
				}
				if _, err := io.WriteString(t.in, key); err != nil {
					return
				}
				select {
				case <-tick.C:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
}

// sshTestLeadSteps is how many steps one iteration of the room burst
// benchmark takes: p99 then rests on 100 bursts at the default -benchtime,
// where b.N is 1.
const sshTestLeadStepsPerRun = 100

// BenchmarkRoomBurst200Followers: the room-wide burst. 200 attendees
// follow an instructor (logged in with the instructor password), who takes
// sshTestLeadStepsPerRun steps per iteration, 200 ms apart; every
// terminal is 100×30 (as in BenchmarkStepLatency200SessionsAtOnce) or
// 120×40. Each step's latency is from the instructor's key written to the
// first byte of the last follower's new frame, both seen by the client
// process (the clients run apart from the server, as in
// BenchmarkStepLatency200Sessions). server-cpu-ms/frame is the server's
// CPU during the steps over the followers' frames (steps × 200): the
// instructor's own frames and the idle sessions' renderer ticks are in it.
// follow-me-ms is the F before the steps: from the key to the last of the
// 200 followers, all at the picker, showing the lesson (each opens it).
// With TOKENSIM_BENCH_CPUPROFILE set, a CPU profile of the steps alone is
// written there (go test's -cpuprofile also covers the 201 logins and the
// lesson opened by every follower).
func BenchmarkRoomBurst200Followers(b *testing.B) {
	for _, size := range []struct{ w, h int }{{100, 30}, {120, 40}} {
		b.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(b *testing.B) { benchmarkRoomBurst(b, 200, size.w, size.h) })
	}
}

func benchmarkRoomBurst(b *testing.B, n, w, h int) {
	srv, addr := sshTestServer(b, sshTestBenchConfigWith(b, Config{
		Auth: Auth{InstructorPassword: sshTestLeadPassword}}))
	c := sshTestStartClientsAt(b, srv, addr, n, "follow", w, h)
	b.Cleanup(func() {
		if err := c.close(); err != nil {
			b.Error(err)
		}
	})
	if path := os.Getenv("TOKENSIM_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	cpu0, _ := sshTestCPU()
	b.ResetTimer()
	lat, clientCPU, err := c.do(fmt.Sprintf("lead %d", sshTestLeadStepsPerRun*b.N))
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if cpu, ok := sshTestCPU(); ok {
		frames := float64(len(lat) * n)
		b.ReportMetric(float64((cpu-cpu0).Microseconds())/1000/frames, "server-cpu-ms/frame")
		b.ReportMetric(float64(clientCPU.Microseconds())/1000/frames, "client-cpu-ms/frame")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(c.ready.Microseconds())/1000, "follow-me-ms")
	b.ReportMetric(0, "ns/op")
}
