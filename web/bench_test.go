package web

// The web room's benchmarks, measured as the SSH room's are
// (workshop/bench_test.go, memory_bench_test.go): the pages run in
// another process (bench_client_test.go), a lesson open at 120×40, and
// the same load, so that the figures compare.

import (
	"context"
	"fmt"
	"github.com/tokensim/tokensim/internal/procmem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"testing"
	"time"

	"github.com/tokensim/tokensim/scenarios"
	"github.com/tokensim/tokensim/workshop"
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(benchClientEnv); spec != "" {
		if err := benchClientProcess(spec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(runTests(m))
}

// benchLesson is the lesson the benchmarks play, the SSH benchmarks'
// (workshop's sshTestBenchLesson): eleven steps, the first five without
// a quiz, so that stepping always changes the frame.
const benchLesson = "refresh-theft-rotation"

// benchServer is the server under test, served on a loopback port: the
// bench lesson alone, as the SSH benchmarks serve it. It is the one place
// the benchmarks build a server.
func benchServer(b *testing.B) (url string) {
	b.Helper()
	sc, err := scenarios.Lookup(benchLesson)
	if err != nil {
		b.Fatal(err)
	}
	// TOKENSIM_BENCH_MEMORY_BUDGET measures the room under
	// --memory-budget: the door keeps the process's soft memory limit at
	// what its sessions need (workshop/memory.go), as tokensim web does.
	d, err := workshop.NewDoor(workshop.Config{Catalogue: []*scenarios.Scenario{sc},
		MemoryBudget: os.Getenv("TOKENSIM_BENCH_MEMORY_BUDGET") != ""})
	if err != nil {
		b.Fatal(err)
	}
	s := New(Config{Door: d})
	hs := httptest.NewServer(s)
	b.Cleanup(func() {
		s.Close()
		hs.Close()
		_ = d.Shutdown(context.Background())
	})
	return hs.URL
}

// benchActiveFor is how long the active pages press keys before the RSS
// benchmark reads the process's memory: several GC cycles, as workshop's
// sshTestActiveFor.
const benchActiveFor = 20 * time.Second

// benchHeap is the live heap and the goroutine stacks after two GCs.
func benchHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// benchReportLatency reports the median and the 99th percentile of lat
// under prefix, in milliseconds.
func benchReportLatency(b *testing.B, prefix string, lat []time.Duration) {
	if len(lat) == 0 {
		b.Fatal("no latency measured")
	}
	lat = slices.Clone(lat)
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), prefix+"p50-ms")
	b.ReportMetric(pct(0.99), prefix+"p99-ms")
}

// BenchmarkWebRSSPerActiveSession is workshop's
// BenchmarkRSSPerActiveSession for the web door: 100 pages at 120×40
// open the bench lesson and each steps every 2 s (forward and back);
// after benchActiveFor of that, while they still press, it reports the
// server process's VmRSS less VmRSS before the pages, per session
// (rss-MB/session), and the runtime's memory classes per session. Then
// the key→frame latency of every key of those 20 s (key-p50-ms,
// key-p99-ms: from the key message written to the first frame that
// shows the step it goes to read whole, both at the page), each page's
// WebSocket dial to its first frame while the 100 connect at once
// (connect-first-frame-p50-ms, …-p99-ms), the live heap and stacks after
// two GCs per session (heap+stacks-MB/session), the goroutines per
// session, and RSS once the runtime returned its free memory
// (rss-after-free-MB/session). With TOKENSIM_BENCH_MEMORY_BUDGET set, it
// runs under the memory limit --memory-budget would set
// (benchMemoryBudget).
func BenchmarkWebRSSPerActiveSession(b *testing.B) {
	const n = 100
	for range b.N {
		url := benchServer(b)
		heap0 := benchHeap()
		rss0, ok := procmem.RSS()
		if !ok {
			b.Skip("no /proc/self/status")
		}
		m0, g0 := procmem.Read(), runtime.NumGoroutine()
		c := benchStartClients(b, url, n, "lesson", 120, 40)
		if _, _, err := c.do("every 2s"); err != nil {
			b.Fatal(err)
		}
		// The sessions at work: the load model, not a wait for a result.
		busy := time.NewTimer(benchActiveFor)
		<-busy.C
		rss1, _ := procmem.RSS()
		m1, g1 := procmem.Read(), runtime.NumGoroutine()
		lat, _, err := c.do("stop")
		if err != nil {
			b.Fatal(err)
		}
		per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / n / (1 << 20) }
		b.ReportMetric(per(rss1, rss0), "rss-MB/session")
		for _, cl := range procmem.Classes {
			b.ReportMetric(per(m1[cl.Unit], m0[cl.Unit]), cl.Unit+"-MB/session")
		}
		b.ReportMetric(float64(g1-g0)/n, "goroutines/session")
		benchReportLatency(b, "key-", lat)
		benchReportLatency(b, "connect-first-frame-", c.first)
		heap1 := benchHeap()
		if path := os.Getenv("TOKENSIM_BENCH_HEAPPROFILE"); path != "" {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
		b.ReportMetric(per(heap1, heap0), "heap+stacks-MB/session")
		debug.FreeOSMemory()
		rss2, _ := procmem.RSS()
		b.ReportMetric(per(rss2, rss0), "rss-after-free-MB/session")
		if err := c.close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(0, "ns/op")
	}
}

// benchPacedKeys is how many keys one iteration of the paced benchmarks
// presses, as workshop's sshTestPacedKeys: p99 rests on 2,000 samples.
const benchPacedKeys = 2000

// benchPacedLatency has n pages at cols×rows in the bench lesson press
// benchPacedKeys keys per iteration, each after a pause of 0.5 to 1.5 s
// (workshop's sshTestPaced), and reports the key→frame latency (p50-ms,
// p99-ms), and the CPU time per key of the server (this process) and of
// the pages (the client process).
func benchPacedLatency(b *testing.B, n, cols, rows int) {
	url := benchServer(b)
	c := benchStartClients(b, url, n, "lesson", cols, rows)
	b.Cleanup(func() {
		if err := c.close(); err != nil {
			b.Error(err)
		}
	})
	cpu0 := benchCPU()
	b.ResetTimer()
	lat, clientCPU, err := c.do(fmt.Sprintf("paced %d", benchPacedKeys*b.N))
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	perKey := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(len(lat)) }
	b.ReportMetric(perKey(benchCPU()-cpu0), "server-cpu-ms/key")
	b.ReportMetric(perKey(clientCPU), "client-cpu-ms/key")
	benchReportLatency(b, "", lat)
	b.ReportMetric(0, "ns/op")
}

// BenchmarkWebStepLatency100Sessions: the load, 100 pages at
// 120×40 in a lesson, each stepping about once a second
// (benchPacedLatency). The latency is from the key message written to the
// first frame that shows the step it goes to, read whole, both at the
// page.
func BenchmarkWebStepLatency100Sessions(b *testing.B) { benchPacedLatency(b, 100, 120, 40) }

// BenchmarkWebStepLatency200Sessions is workshop's
// BenchmarkStepLatency200Sessions for the web door: 200 pages at 100×30,
// each stepping about once a second.
func BenchmarkWebStepLatency200Sessions(b *testing.B) { benchPacedLatency(b, 200, 100, 30) }

// BenchmarkWebFirstFrame: one visitor on loopback, the server's side of
// a page load: GET / and the files it loads (page-ms), then the
// WebSocket's dial, the size sent, and the first frame read whole
// (ws-first-frame-ms), and the whole (load-ms), per iteration. The page
// runs in this process (one visitor's page costs little); the browser's
// own work (parsing, drawing) is not in it: the browser tests measure
// the page's tokensimFirstFrameMs.
func BenchmarkWebFirstFrame(b *testing.B) {
	url := benchServer(b)
	ctx, cancel := context.WithTimeout(b.Context(), time.Minute)
	defer cancel()
	var page, ws time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for _, path := range []string{"/", "/app.js", "/style.css"} {
			resp, err := http.Get(url + path)
			if err != nil {
				b.Fatal(err)
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("GET %s: %s %v", path, resp.Status, err)
			}
		}
		page += time.Since(start)
		p, d, err := benchDial(ctx, url, 120, 40)
		if err != nil {
			b.Fatal(err)
		}
		ws += d
		b.StopTimer()
		if err := p.until(ctx, "pick a lesson"); err != nil {
			b.Fatal(err)
		}
		p.c.CloseNow()
		<-p.done
		b.StartTimer()
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(page), "page-ms")
	b.ReportMetric(ms(ws), "ws-first-frame-ms")
	b.ReportMetric(ms(page+ws), "load-ms")
}
