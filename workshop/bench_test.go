package workshop

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/tokensim/tokensim/internal/loadmodel"
	"io"
	"os"
	"os/exec"
	"runtime"
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
	sess  *gossh.Session
	in    io.Writer
	mu    sync.Mutex
	out   []byte
	first time.Time     // when the first byte of out arrived
	got   chan struct{} // output arrived
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
			if len(r.out) == 0 && n > 0 {
				r.first = time.Now()
			}
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

// sshTestConnect opens n w×h sessions: "idle" and "follow" ones stay at
// the picker's first frame, "lesson" ones open the bench lesson, "active"
// ones open it and take five steps.
func sshTestConnect(ctx context.Context, addr string, hostKey gossh.PublicKey, n int, mode string, w, h int) ([]*sshTestRaw, error) {
	terms := make([]*sshTestRaw, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			// A user name each: the server keeps progress per user, and a
			// lesson another session of the same user has stepped through
			// opens on its resume offer, not on its first screen.
			c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: fmt.Sprintf("bench%d", i), HostKeyCallback: gossh.FixedHostKey(hostKey),
				// A room with an instructor password lets attendees in by
				// keyboard-interactive with no question; an open one by "none".
				Auth: []gossh.AuthMethod{sshTestNoQuestions}})
			if err != nil {
				errs <- err
				return
			}
			t, err := sshTestOpenRaw(c, w, h)
			if err == nil {
				err = t.until(ctx, "pick a lesson")
			}
			if err == nil && mode != "idle" && mode != "follow" {
				if _, err = t.step(ctx, "\r"); err == nil {
					err = t.until(ctx, "take the first step")
				}
			}
			for k := 0; mode == "active" && k < 5 && err == nil; k++ {
				_, err = t.step(ctx, "l")
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

// sshTestBurst presses key in every session at once and returns each
// latency.
func sshTestBurst(ctx context.Context, terms []*sshTestRaw, key string) ([]time.Duration, error) {
	lat := make([]time.Duration, len(terms))
	errs := make(chan error, len(terms))
	var wg sync.WaitGroup
	for i, t := range terms {
		wg.Go(func() {
			d, err := t.step(ctx, key)
			lat[i] = d
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return lat, nil
}

// sshTestPaced has every attendee press a step key about once a second
// (loadmodel.Paced: about 200 keys a second from 200 sessions), keys in
// all, back and forth between the first two steps so that every key
// changes the frame, and returns each latency.
func sshTestPaced(ctx context.Context, terms []*sshTestRaw, keys int) ([]time.Duration, error) {
	return loadmodel.Paced(ctx, len(terms), keys, func(ctx context.Context, i, k int) (time.Duration, error) {
		key := "l"
		if k%2 == 1 {
			key = "h"
		}
		return terms[i].step(ctx, key)
	})
}

// sshTestClientProcess is the client side of a benchmark: it connects
// ("addr,n,mode,hostkey,w,h", mode as sshTestConnect's, each session a
// w×h terminal), says "ready" and holds the sessions until stdin closes.
// In mode "lesson" it also runs the commands read from stdin, "burst KEY"
// (sshTestBurst), "paced N" (sshTestPaced) and "every D" (sshTestEvery),
// and answers each with one line: the CPU time the process spent on it,
// then every latency, in microseconds. Mode "follow" adds an instructor
// who leads the n attendees (sshTestLeadRoom) and runs "lead N".
func sshTestClientProcess(spec string) error {
	parts := strings.Split(spec, ",")
	if len(parts) != 6 {
		return fmt.Errorf("%s: want addr,n,mode,hostkey,w,h", sshTestClientEnv)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return err
	}
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(parts[3]))
	if err != nil {
		return err
	}
	w, err1 := strconv.Atoi(parts[4])
	h, err2 := strconv.Atoi(parts[5])
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	terms, err := sshTestConnect(ctx, parts[0], key, n, parts[2], w, h)
	if err != nil {
		return err
	}
	var lead *sshTestRaw
	var took time.Duration
	if parts[2] == "follow" {
		if lead, took, err = sshTestLeadRoom(ctx, parts[0], key, terms, w, h); err != nil {
			return err
		}
	}
	fmt.Println("ready", took.Microseconds())
	if parts[2] != "lesson" && parts[2] != "follow" {
		_, _ = io.Copy(io.Discard, os.Stdin)
		return nil
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		cpu0, _ := sshTestCPU()
		var lat []time.Duration
		switch cmd {
		case "burst":
			lat, err = sshTestBurst(ctx, terms, arg)
		case "paced":
			var keys int
			if keys, err = strconv.Atoi(arg); err == nil {
				lat, err = sshTestPaced(ctx, terms, keys)
			}
		case "every":
			var d time.Duration
			if d, err = time.ParseDuration(arg); err == nil {
				go sshTestEvery(ctx, terms, d)
			}
		case "lead":
			var steps int
			if steps, err = strconv.Atoi(arg); err == nil && lead != nil {
				lat, err = sshTestLeadSteps(ctx, lead, terms, steps)
			}
		default:
			err = fmt.Errorf("unknown command %q", in.Text())
		}
		if err != nil {
			return err
		}
		cpu, _ := sshTestCPU()
		out := []string{strconv.FormatInt((cpu - cpu0).Microseconds(), 10)}
		for _, d := range lat {
			out = append(out, strconv.FormatInt(d.Microseconds(), 10))
		}
		fmt.Println(strings.Join(out, " "))
	}
	return in.Err()
}

// sshTestClients is a client process (sshTestClientProcess) connected to
// a server: the clients' CPU and memory are not the server's.
type sshTestClients struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
	ready  time.Duration // how long the room took to follow (mode "follow")
}

// sshTestStartClients starts a client process with n sessions in mode and
// waits until they are connected.
func sshTestStartClients(b *testing.B, srv *Server, addr string, n int, mode string) *sshTestClients {
	return sshTestStartClientsAt(b, srv, addr, n, mode, 100, 30)
}

// sshTestStartClientsAt is sshTestStartClients with w×h terminals.
func sshTestStartClientsAt(b *testing.B, srv *Server, addr string, n int, mode string, w, h int) *sshTestClients {
	b.Helper()
	c := &sshTestClients{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	pub := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(srv.cfg.HostKey.PublicKey())))
	c.cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%s,%s,%d,%d", sshTestClientEnv, addr, n, mode, pub, w, h))
	c.stdin, _ = c.cmd.StdinPipe()
	stdout, _ := c.cmd.StdoutPipe()
	c.stdout = bufio.NewReader(stdout)
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := c.stdout.ReadString('\n')
	us, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
	v, perr := strconv.ParseInt(us, 10, 64)
	if err != nil || !ok || perr != nil {
		_ = c.cmd.Wait()
		b.Fatalf("client process: %q %v %s", line, err, c.stderr.String())
	}
	c.ready = time.Duration(v) * time.Microsecond
	return c
}

// do runs a command in the client process and returns the latencies it
// measured and the CPU time it spent.
func (c *sshTestClients) do(cmd string) ([]time.Duration, time.Duration, error) {
	if _, err := fmt.Fprintln(c.stdin, cmd); err != nil {
		return nil, 0, err
	}
	line, err := c.stdout.ReadString('\n')
	if err != nil {
		return nil, 0, fmt.Errorf("client process: %w: %s", err, c.stderr.String())
	}
	var us []int64
	for f := range strings.FieldsSeq(line) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("client process said %q: %w", line, err)
		}
		us = append(us, v)
	}
	if len(us) == 0 {
		return nil, 0, fmt.Errorf("client process said %q", line)
	}
	lat := make([]time.Duration, len(us)-1)
	for i, v := range us[1:] {
		lat[i] = time.Duration(v) * time.Microsecond
	}
	return lat, time.Duration(us[0]) * time.Microsecond, nil
}

// close ends the client process and its sessions.
func (c *sshTestClients) close() error {
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("client process: %w: %s", err, c.stderr.String())
	}
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
		srv, addr := sshTestServer(b, sshTestBenchConfig(b))
		before := sshTestHeap()
		c := sshTestStartClients(b, srv, addr, n, mode)
		if got := srv.Sessions(); got != n {
			b.Fatalf("%d sessions, want %d", got, n)
		}
		after := sshTestHeap()
		b.ReportMetric(float64(after-before)/n, "bytes/session")
		if err := c.close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemoryPerIdleSession: a session at the picker's first frame.
func BenchmarkMemoryPerIdleSession(b *testing.B) { benchmarkSessionMemory(b, false) }

// BenchmarkMemoryPerActiveSession: a session that opened a lesson (every
// step computed up front) and took five steps.
func BenchmarkMemoryPerActiveSession(b *testing.B) { benchmarkSessionMemory(b, true) }

// sshTestRoom starts a server and a client process with n sessions in the
// bench lesson, at its first step.
func sshTestRoom(b *testing.B, n int) *sshTestClients {
	b.Helper()
	srv, addr := sshTestServer(b, sshTestBenchConfig(b))
	c := sshTestStartClients(b, srv, addr, n, "lesson")
	b.Cleanup(func() {
		if err := c.close(); err != nil {
			b.Error(err)
		}
	})
	return c
}

// sshTestReportLatency reports the median and the 99th percentile, and the
// CPU time per step of the server (this process since cpu0) and of the
// clients (clientCPU, the client process's).
func sshTestReportLatency(b *testing.B, lat []time.Duration, cpu0, clientCPU time.Duration) {
	if len(lat) == 0 {
		b.Fatal("no latency measured")
	}
	perStep := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(len(lat)) }
	if cpu, ok := sshTestCPU(); ok {
		b.ReportMetric(perStep(cpu-cpu0), "server-cpu-ms/step")
		b.ReportMetric(perStep(clientCPU), "client-cpu-ms/step")
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

// sshTestPacedKeys is how many keys one iteration of the paced benchmark
// presses: about ten per session, so that p99 rests on 2,000 samples even
// at the default -benchtime, where b.N is 1.
const sshTestPacedKeys = 2000

// BenchmarkStepLatency200Sessions: 200 sessions in a lesson, each
// attendee pressing a step key about once a second (sshTestPaced),
// sshTestPacedKeys keys per iteration. The latency is from a key to the first byte of the frame it
// causes, both seen at the client. The clients run in another process, as
// attendees' ssh runs on their own machines; on this machine they still
// share its cores with the server (client-cpu-ms/step says how much).
func BenchmarkStepLatency200Sessions(b *testing.B) {
	c := sshTestRoom(b, 200)
	cpu0, _ := sshTestCPU()
	b.ResetTimer()
	lat, clientCPU, err := c.do(fmt.Sprintf("paced %d", sshTestPacedKeys*b.N))
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	sshTestReportLatency(b, lat, cpu0, clientCPU)
}

// BenchmarkStepLatency200SessionsAtOnce: the worst case, 200 sessions
// pressing a step key at the same moment (as when an instructor's "follow
// me" moves the whole room), b.N rounds, measured as
// BenchmarkStepLatency200Sessions is.
func BenchmarkStepLatency200SessionsAtOnce(b *testing.B) {
	c := sshTestRoom(b, 200)
	var lat []time.Duration
	var clientCPU time.Duration
	cpu0, _ := sshTestCPU()
	b.ResetTimer()
	for i := range b.N {
		key := "l"
		if i%2 == 1 {
			key = "h"
		}
		l, cpu, err := c.do("burst " + key)
		if err != nil {
			b.Fatal(err)
		}
		lat, clientCPU = append(lat, l...), clientCPU+cpu
	}
	b.StopTimer()
	sshTestReportLatency(b, lat, cpu0, clientCPU)
}

// BenchmarkIdle200Sessions: what 200 sessions in a lesson cost the server
// while nobody presses a key (each program's renderer still wakes 60 times
// a second to look for a new frame), over b.N seconds: CPU time per
// second.
func BenchmarkIdle200Sessions(b *testing.B) {
	sshTestRoom(b, 200)
	cpu0, _ := sshTestCPU()
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		// The room at rest for a second: the load model, not a wait for
		// a result.
		rest := time.NewTimer(time.Second)
		<-rest.C
	}
	b.StopTimer()
	if cpu, ok := sshTestCPU(); ok {
		b.ReportMetric(float64((cpu-cpu0).Microseconds())/1000/time.Since(start).Seconds(), "cpu-ms/s")
	}
	b.ReportMetric(0, "ns/op")
}
