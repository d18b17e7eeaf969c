package workshop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// sshTestBenchLesson is the lesson the benchmarks play: eleven steps, the
// first five without a quiz, so that stepping always changes the frame.
const sshTestBenchLesson = "refresh-theft-rotation"

// sshTestClientEnv, when set, makes the test binary a client process for
// the memory benchmarks ("addr,n,idle|active"): the clients' memory must
// not count as the server's.
const sshTestClientEnv = "TOKENSIM_SSH_BENCH_CLIENT"

func TestMain(m *testing.M) {
	if spec := os.Getenv(sshTestClientEnv); spec != "" {
		if err := sshTestClientProcess(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// sshTestRaw is a light client session: it reads the raw stream and tells
// when output arrives, without emulating a screen.
type sshTestRaw struct {
	sess *gossh.Session
	in   io.Writer
	mu   sync.Mutex
	out  []byte
	got  chan struct{} // output arrived
}

func sshTestOpenRaw(c *gossh.Client, w, h int) (*sshTestRaw, error) {
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", h, w, nil); err != nil {
		return nil, err
	}
	r := &sshTestRaw{sess: sess, got: make(chan struct{}, 1)}
	if r.in, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			r.mu.Lock()
			r.out = append(r.out, buf[:n]...)
			if len(r.out) > 64<<10 { // keep the tail only: a search needs the last frame
				r.out = append(r.out[:0], r.out[len(r.out)-16<<10:]...)
			}
			r.mu.Unlock()
			select {
			case r.got <- struct{}{}:
			default:
			}
			if err != nil {
				close(r.got)
				return
			}
		}
	}()
	return r, nil
}

// until waits for text in the stream (spaces ignored; text that a frame
// draws whole, such as a new screen's), or for ctx.
func (r *sshTestRaw) until(ctx context.Context, text string) error {
	want := sshTestCompact(text)
	for {
		r.mu.Lock()
		found := strings.Contains(sshTestCompact(ansi.Strip(string(r.out))), want)
		if found {
			r.out = r.out[:0]
		}
		r.mu.Unlock()
		if found {
			return nil
		}
		select {
		case _, ok := <-r.got:
			if !ok {
				return fmt.Errorf("the session ended before %q", text)
			}
		case <-ctx.Done():
			return fmt.Errorf("%q: %w", text, ctx.Err())
		}
	}
}

// step presses a key and waits for the next output: the new frame.
func (r *sshTestRaw) step(ctx context.Context, key string) (time.Duration, error) {
	r.mu.Lock()
	r.out = r.out[:0]
	r.mu.Unlock()
	select { // drop a stale signal
	case <-r.got:
	default:
	}
	start := time.Now()
	if _, err := io.WriteString(r.in, key); err != nil {
		return 0, err
	}
	select {
	case _, ok := <-r.got:
		if !ok {
			return 0, errors.New("the session ended")
		}
		return time.Since(start), nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// sshTestConnect opens n sessions: idle ones stay at the picker's first
// frame, active ones open the bench lesson and take five steps.
func sshTestConnect(ctx context.Context, addr string, hostKey gossh.PublicKey, n int, active bool) ([]*sshTestRaw, error) {
	terms := make([]*sshTestRaw, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			sshTestClientSide(ctx)
			c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "bench", HostKeyCallback: gossh.FixedHostKey(hostKey)})
			if err != nil {
				errs <- err
				return
			}
			t, err := sshTestOpenRaw(c, 100, 30)
			if err == nil {
				err = t.until(ctx, "pick a lesson")
			}
			if err == nil && active {
				if _, err = t.step(ctx, "\r"); err == nil {
					err = t.until(ctx, "take the first step")
				}
				for k := 0; k < 5 && err == nil; k++ {
					_, err = t.step(ctx, "l")
				}
			}
			terms[i] = t
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			return nil, err
		}
	}
	return terms, nil
}

// sshTestClientProcess is the client side of a memory benchmark: it
// connects, says "ready" and holds the sessions until stdin closes.
func sshTestClientProcess(spec string) error {
	parts := strings.Split(spec, ",")
	if len(parts) != 4 {
		return fmt.Errorf("%s: want addr,n,mode,hostkey", sshTestClientEnv)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return err
	}
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(parts[3]))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := sshTestConnect(ctx, parts[0], key, n, parts[2] == "active"); err != nil {
		return err
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// sshTestHeap is the live heap and the goroutine stacks after a GC.
func sshTestHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// benchmarkSessionMemory measures the server's memory per session, with
// the clients in another process.
func benchmarkSessionMemory(b *testing.B, active bool) {
	const n = 50
	mode := "idle"
	if active {
		mode = "active"
	}
	for range b.N {
		srv, addr := sshTestServer(b, Config{Catalogue: sshTestCatalogue(b, sshTestBenchLesson)})
		before := sshTestHeap()
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(srv.cfg.HostKey.PublicKey())))
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%s,%s", sshTestClientEnv, addr, n, mode, pub))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "ready\n" {
			b.Fatalf("client process: %q %v %s", line, err, stderr.String())
		}
		if got := srv.Sessions(); got != n {
			b.Fatalf("%d sessions, want %d", got, n)
		}
		after := sshTestHeap()
		b.ReportMetric(float64(after-before)/n, "bytes/session")
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatalf("client process: %v %s", err, stderr.String())
		}
	}
}

// BenchmarkMemoryPerIdleSession: a session at the picker's first frame.
func BenchmarkMemoryPerIdleSession(b *testing.B) { benchmarkSessionMemory(b, false) }

// BenchmarkMemoryPerActiveSession: a session that opened a lesson (every
// step computed up front) and took five steps.
func BenchmarkMemoryPerActiveSession(b *testing.B) { benchmarkSessionMemory(b, true) }

// sshTestRoomInLesson connects n sessions and opens the bench lesson in each.
func sshTestRoomInLesson(ctx context.Context, b *testing.B, n int) []*sshTestRaw {
	srv, addr := sshTestServer(b, Config{Catalogue: sshTestCatalogue(b, sshTestBenchLesson)})
	terms, err := sshTestConnect(ctx, addr, srv.cfg.HostKey.PublicKey(), n, false)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range terms {
		if _, err := t.step(ctx, "\r"); err != nil {
			b.Fatal(err)
		}
		if err := t.until(ctx, "take the first step"); err != nil {
			b.Fatal(err)
		}
	}
	return terms
}

// sshTestClientSide labels the calling goroutine, and every goroutine it
// starts (the client's SSH transport, the reader of a session), as the
// clients' in a CPU profile: `go tool pprof -tagignore side=client` is the
// server alone, `-tagfocus side=client` what the in-process clients cost.
func sshTestClientSide(ctx context.Context) {
	pprof.SetGoroutineLabels(pprof.WithLabels(ctx, pprof.Labels("side", "client")))
}

// sshTestReportLatency reports the median and the 99th percentile, and the
// process's CPU time per step since cpu0 (sshTestCPU): the server's and the
// in-process clients' together.
func sshTestReportLatency(b *testing.B, lat []time.Duration, cpu0 time.Duration) {
	if cpu, ok := sshTestCPU(); ok && len(lat) > 0 {
		b.ReportMetric(float64((cpu-cpu0).Microseconds())/1000/float64(len(lat)), "cpu-ms/step")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkStepLatency200Sessions: 200 sessions in a lesson, each
// attendee pressing a step key about once a second (a random pause of
// 0.5 to 1.5 s between keys: about 200 keys a second in all), b.N keys in
// all. The latency is from a key to the first byte of the frame it
// causes; the clients run in the same process, so their decryption
// counts against the server's two cores.
func BenchmarkStepLatency200Sessions(b *testing.B) {
	const n = 200
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	terms := sshTestRoomInLesson(ctx, b, n)
	var (
		mu   sync.Mutex
		lat  []time.Duration
		left = b.N
		errs = make(chan error, n)
		wg   sync.WaitGroup
	)
	cpu0, _ := sshTestCPU()
	b.ResetTimer()
	for i, t := range terms {
		wg.Go(func() {
			sshTestClientSide(ctx)
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for k := 0; ; k++ {
				mu.Lock()
				if left == 0 {
					mu.Unlock()
					return
				}
				left--
				mu.Unlock()
				// The attendee reads before the next key: the load model,
				// not a wait for a result.
				pause := time.NewTimer(500*time.Millisecond + time.Duration(rng.Int64N(int64(time.Second))))
				select {
				case <-pause.C:
				case <-ctx.Done():
					errs <- ctx.Err()
					return
				}
				key := "l"
				if k%2 == 1 {
					key = "h" // back and forth between the first two steps: every key changes the frame
				}
				d, err := t.step(ctx, key)
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
	b.StopTimer()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	sshTestReportLatency(b, lat, cpu0)
}

// BenchmarkStepLatency200SessionsAtOnce: the worst case, 200 sessions
// pressing a step key at the same moment (as when an instructor's "follow
// me" moves the whole room), b.N rounds.
func BenchmarkStepLatency200SessionsAtOnce(b *testing.B) {
	const n = 200
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	terms := sshTestRoomInLesson(ctx, b, n)
	var lat []time.Duration
	var mu sync.Mutex
	cpu0, _ := sshTestCPU()
	b.ResetTimer()
	for i := range b.N {
		key := "l"
		if i%2 == 1 {
			key = "h"
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for _, t := range terms {
			wg.Go(func() {
				sshTestClientSide(ctx)
				d, err := t.step(ctx, key)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			})
		}
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sshTestReportLatency(b, lat, cpu0)
}

// BenchmarkIdle200Sessions: what 200 sessions in a lesson cost while
// nobody presses a key (each program's renderer still wakes 60 times a
// second to look for a new frame), over b.N seconds: CPU time per second,
// clients included (they receive nothing).
func BenchmarkIdle200Sessions(b *testing.B) {
	const n = 200
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	sshTestRoomInLesson(ctx, b, n)
	cpu0, _ := sshTestCPU()
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		// The room at rest for a second: the load model, not a wait for
		// a result.
		rest := time.NewTimer(time.Second)
		select {
		case <-rest.C:
		case <-ctx.Done():
			b.Fatal(ctx.Err())
		}
	}
	b.StopTimer()
	if cpu, ok := sshTestCPU(); ok {
		b.ReportMetric(float64((cpu-cpu0).Microseconds())/1000/time.Since(start).Seconds(), "cpu-ms/s")
	}
	b.ReportMetric(0, "ns/op")
}
