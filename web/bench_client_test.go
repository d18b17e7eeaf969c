package web

// The client side of the web benchmarks: pages that speak the frame
// protocol (term.In, term.Frame) over a WebSocket, as the page script
// does, without a browser. They run in another process (benchClients),
// as the SSH benchmarks' clients do (workshop/bench_test.go), so that
// their memory and CPU are not the server's.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tokensim/tokensim/internal/loadmodel"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/tokensim/tokensim/web/term"
)

// benchClientEnv, when set ("url,n,mode,cols,rows"), makes the test
// binary a client process (benchClientProcess).
const benchClientEnv = "TOKENSIM_WEB_BENCH_CLIENT"

// benchPage is one visitor's page: the text of each row from the frames
// so far, read by a goroutine of its own.
type benchPage struct {
	c  *websocket.Conn
	mu sync.Mutex
	// lines is the screen's text, row by row, as the page draws it.
	lines []string
	// want, when set, is text a key should bring to the screen; the
	// reader sends on hit how long after sent the frame that first
	// shows it arrived.
	want string
	sent time.Time
	hit  chan time.Duration
	// first is when the first frame arrived; changed wakes until.
	first   chan time.Time
	changed chan struct{}
	done    chan struct{} // the socket closed
	err     error
}

// benchDial opens a page at cols×rows: the WebSocket, then the size, as
// the page script does on load. It returns once the first frame arrived,
// and how long that took from the start of the dial.
func benchDial(ctx context.Context, url string, cols, rows int) (*benchPage, time.Duration, error) {
	start := time.Now()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/ws", &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {url}},
	})
	if err != nil {
		return nil, 0, err
	}
	c.SetReadLimit(16 << 20) // a full frame of a large screen
	p := &benchPage{c: c, hit: make(chan time.Duration, 1), first: make(chan time.Time, 1),
		changed: make(chan struct{}, 1), done: make(chan struct{})}
	if err := p.send(ctx, term.In{Type: "resize", Cols: cols, Rows: rows}); err != nil {
		c.CloseNow()
		return nil, 0, err
	}
	go p.read(ctx)
	select {
	case t := <-p.first:
		return p, t.Sub(start), nil
	case <-p.done:
		return nil, 0, fmt.Errorf("no first frame: %w", p.err)
	case <-ctx.Done():
		c.CloseNow()
		return nil, 0, ctx.Err()
	}
}

func (p *benchPage) send(ctx context.Context, m term.In) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return p.c.Write(ctx, websocket.MessageText, b)
}

// read applies every frame until the socket closes. The time of a frame
// is when its message was read whole, before it is decoded.
func (p *benchPage) read(ctx context.Context) {
	defer close(p.done)
	firstSeen := false
	for {
		_, b, err := p.c.Read(ctx)
		at := time.Now()
		if err != nil {
			p.err = err
			return
		}
		var f term.Frame
		if err := json.Unmarshal(b, &f); err != nil {
			p.err = err
			return
		}
		if f.Type != "frame" {
			continue
		}
		p.mu.Lock()
		if len(p.lines) != f.Rows {
			p.lines = make([]string, f.Rows)
		}
		for _, l := range f.Lines {
			var sb strings.Builder
			for _, s := range l.Spans {
				sb.WriteString(s.Text)
			}
			if l.Y >= 0 && l.Y < len(p.lines) {
				p.lines[l.Y] = sb.String()
			}
		}
		if p.want != "" && strings.Contains(strings.Join(p.lines, "\n"), p.want) {
			p.want = ""
			p.hit <- at.Sub(p.sent)
		}
		p.mu.Unlock()
		if !firstSeen {
			firstSeen = true
			p.first <- at
		}
		select {
		case p.changed <- struct{}{}:
		default:
		}
	}
}

func (p *benchPage) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// until waits until the screen shows text.
func (p *benchPage) until(ctx context.Context, text string) error {
	for !strings.Contains(p.text(), text) {
		select {
		case <-p.changed:
		case <-p.done:
			return fmt.Errorf("the socket closed before %q (%v):\n%s", text, p.err, p.text())
		case <-ctx.Done():
			return fmt.Errorf("%q: %w:\n%s", text, ctx.Err(), p.text())
		}
	}
	return nil
}

// key presses key and returns how long until the first frame that shows
// want arrived. want must not be on the screen before the key (so no
// frame already on its way can count): key fails if it is.
func (p *benchPage) key(ctx context.Context, key, want string) (time.Duration, error) {
	p.mu.Lock()
	if strings.Contains(strings.Join(p.lines, "\n"), want) {
		p.mu.Unlock()
		return 0, fmt.Errorf("%q is on the screen before the key", want)
	}
	p.want, p.sent = want, time.Now()
	p.mu.Unlock()
	if err := p.send(ctx, term.In{Type: "key", Data: key}); err != nil {
		return 0, err
	}
	select {
	case d := <-p.hit:
		return d, nil
	case <-p.done:
		return 0, fmt.Errorf("the socket closed before %q: %v", want, p.err)
	case <-ctx.Done():
		return 0, fmt.Errorf("%q after %q: %w:\n%s", want, key, ctx.Err(), p.text())
	}
}

// benchStepRe finds the stepper's "step N/M" in its header.
var benchStepRe = regexp.MustCompile(`step (\d+)/(\d+)`)

// step presses "l" (forward) on even k and "h" (back) on odd k, as the
// SSH benchmarks do, and waits for the header's step number to change to
// the one the key goes to: the frame that reflects the key.
func (p *benchPage) step(ctx context.Context, k int) (time.Duration, error) {
	m := benchStepRe.FindStringSubmatch(p.text())
	if m == nil {
		return 0, fmt.Errorf("no step number on the screen:\n%s", p.text())
	}
	cur, _ := strconv.Atoi(m[1])
	key, next := "l", cur+1
	if k%2 == 1 {
		key, next = "h", cur-1
	}
	return p.key(ctx, key, fmt.Sprintf("step %d/%s", next, m[2]))
}

// benchConnect opens n pages; in mode "lesson" each opens the bench
// lesson (Enter on the picker) and shows its first step. It returns the
// pages and each one's dial-to-first-frame time.
func benchConnect(ctx context.Context, url string, n int, mode string, cols, rows int) ([]*benchPage, []time.Duration, error) {
	pages := make([]*benchPage, n)
	first := make([]time.Duration, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			p, d, err := benchDial(ctx, url, cols, rows)
			if err == nil {
				err = p.until(ctx, "pick a lesson")
			}
			if err == nil && mode == "lesson" {
				if err = p.send(ctx, term.In{Type: "key", Data: "\r"}); err == nil {
					err = p.until(ctx, "take the first step")
				}
			}
			pages[i], first[i] = p, d
			errs <- err
		}()
	}
	var errAll error
	for range n {
		errAll = errors.Join(errAll, <-errs)
	}
	if errAll != nil {
		return nil, nil, errAll
	}
	return pages, first, nil
}

// benchEvery has every page step once every d (forward, back, …), the
// pages spread evenly over d, until stop closes; it returns every
// latency. This is the load of BenchmarkRSSPerActiveSession's "every"
// (workshop/room_bench_test.go), measured.
func benchEvery(ctx context.Context, pages []*benchPage, d time.Duration, stop <-chan struct{}) ([]time.Duration, error) {
	var (
		mu   sync.Mutex
		lat  []time.Duration
		errs = make(chan error, len(pages))
		wg   sync.WaitGroup
	)
	for i, p := range pages {
		wg.Go(func() {
			// The attendees' keys spread over d: the load model, not a
			// wait for a result.
			offset := time.NewTimer(d * time.Duration(i) / time.Duration(len(pages)))
			select {
			case <-offset.C:
			case <-stop:
				return
			}
			tick := time.NewTicker(d)
			defer tick.Stop()
			for k := 0; ; k++ {
				l, err := p.step(ctx, k)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				lat = append(lat, l)
				mu.Unlock()
				select {
				case <-tick.C:
				case <-stop:
					return
				}
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

// benchPaced is the room's paced load (loadmodel.Paced, as the SSH
// benchmark's) on pages: each key steps the page's lesson.
func benchPaced(ctx context.Context, pages []*benchPage, keys int) ([]time.Duration, error) {
	return loadmodel.Paced(ctx, len(pages), keys, func(ctx context.Context, i, k int) (time.Duration, error) {
		return pages[i].step(ctx, k)
	})
}

// benchClientProcess is the client process: it connects
// ("url,n,mode,cols,rows"), answers "ready" and each page's
// dial-to-first-frame time, then runs the commands read from stdin:
// "every D" (start benchEvery), "stop" (end it), "paced N" (benchPaced).
// Each is answered with one line: the process's CPU time spent on it,
// then every latency, in microseconds ("every" answers at once, with no
// latency; "stop" with those of the keys since "every").
func benchClientProcess(spec string) error {
	parts := strings.Split(spec, ",")
	if len(parts) != 5 {
		return fmt.Errorf("%s: want url,n,mode,cols,rows", benchClientEnv)
	}
	n, err1 := strconv.Atoi(parts[1])
	cols, err2 := strconv.Atoi(parts[3])
	rows, err3 := strconv.Atoi(parts[4])
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	pages, first, err := benchConnect(ctx, parts[0], n, parts[2], cols, rows)
	if err != nil {
		return err
	}
	defer func() {
		for _, p := range pages {
			_ = p.c.Close(websocket.StatusNormalClosure, "")
		}
	}()
	fmt.Println("ready " + benchMicros(first))
	var (
		stop    chan struct{}
		everyCh chan error
		lat     []time.Duration
		cpu0    time.Duration
	)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		var got []time.Duration
		switch cmd {
		case "every":
			var d time.Duration
			if d, err = time.ParseDuration(arg); err != nil {
				return err
			}
			cpu0 = benchCPU()
			stop, everyCh = make(chan struct{}), make(chan error, 1)
			go func() {
				l, err := benchEvery(ctx, pages, d, stop)
				lat = l
				everyCh <- err
			}()
			fmt.Println("0")
			continue
		case "stop":
			if stop == nil {
				return errors.New("stop without every")
			}
			close(stop)
			if err := <-everyCh; err != nil {
				return err
			}
			got, stop = lat, nil
		case "paced":
			keys, err := strconv.Atoi(arg)
			if err != nil {
				return err
			}
			cpu0 = benchCPU()
			if got, err = benchPaced(ctx, pages, keys); err != nil {
				return err
			}
		default:
			return fmt.Errorf("unknown command %q", in.Text())
		}
		fmt.Println(strconv.FormatInt((benchCPU()-cpu0).Microseconds(), 10) + " " + benchMicros(got))
	}
	return in.Err()
}

func benchMicros(ds []time.Duration) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = strconv.FormatInt(d.Microseconds(), 10)
	}
	return strings.Join(out, " ")
}

// benchCPU is the CPU time (user and system) this process has used.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchClients is a client process connected to the server under test.
type benchClients struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
	first  []time.Duration // each page's dial to first frame
}

// benchStartClients starts a client process with n pages at cols×rows
// in mode ("idle": at the picker; "lesson": the bench lesson open) and
// waits until they are.
func benchStartClients(b *testing.B, url string, n int, mode string, cols, rows int) *benchClients {
	b.Helper()
	c := &benchClients{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	c.cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%s,%d,%d", benchClientEnv, url, n, mode, cols, rows))
	c.stdin, _ = c.cmd.StdinPipe()
	stdout, _ := c.cmd.StdoutPipe()
	c.stdout = bufio.NewReader(stdout)
	c.cmd.Stderr = &c.stderr
	if err := c.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := c.stdout.ReadString('\n')
	us, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
	if err != nil || !ok {
		_ = c.cmd.Wait()
		b.Fatalf("client process: %q %v %s", line, err, c.stderr.String())
	}
	first, err := benchParseMicros(us)
	if err != nil {
		b.Fatal(err)
	}
	c.first = first
	return c
}

func benchParseMicros(s string) ([]time.Duration, error) {
	var out []time.Duration
	for f := range strings.FieldsSeq(s) {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("client process said %q: %w", s, err)
		}
		out = append(out, time.Duration(v)*time.Microsecond)
	}
	return out, nil
}

// do runs a command in the client process and returns the latencies it
// measured and the CPU time it spent.
func (c *benchClients) do(cmd string) ([]time.Duration, time.Duration, error) {
	if _, err := fmt.Fprintln(c.stdin, cmd); err != nil {
		return nil, 0, err
	}
	line, err := c.stdout.ReadString('\n')
	if err != nil {
		return nil, 0, fmt.Errorf("client process: %w: %s", err, c.stderr.String())
	}
	v, err := benchParseMicros(line)
	if err != nil || len(v) == 0 {
		return nil, 0, fmt.Errorf("client process said %q: %v", line, err)
	}
	return v[1:], v[0], nil
}

// close ends the client process and its pages.
func (c *benchClients) close() error {
	c.stdin.Close()
	if err := c.cmd.Wait(); err != nil {
		return fmt.Errorf("client process: %w: %s", err, c.stderr.String())
	}
	return nil
}
