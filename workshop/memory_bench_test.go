package workshop

import (
	"github.com/tokensim/tokensim/internal/procmem"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"testing"
	"time"
)

// sshTestBenchConfig is the server the benchmarks measure: the bench
// lesson, as tokensim ssh runs it by default; with
// TOKENSIM_BENCH_MEMORY_BUDGET set, as tokensim ssh --memory-budget runs
// it (one server in the process).
func sshTestBenchConfig(b *testing.B) Config { return sshTestBenchConfigWith(b, Config{}) }

func sshTestBenchConfigWith(b *testing.B, cfg Config) Config {
	cfg.Catalogue = sshTestCatalogue(b, sshTestBenchLesson)
	cfg.MemoryBudget = os.Getenv("TOKENSIM_BENCH_MEMORY_BUDGET") != ""
	return cfg
}

// sshTestActiveFor is how long the active sessions press keys before the
// RSS benchmark reads the process's memory: several GC cycles.
const sshTestActiveFor = 20 * time.Second

// BenchmarkRSSPerActiveSession: the whole server's resident memory per
// active session. 100 sessions at 120×40 open the bench lesson and each
// presses a step key every 2 s (forward and back); after
// sshTestActiveFor of that, while they still press, it reports VmRSS less
// the VmRSS before the sessions, per session (rss-MB/session), and the
// runtime's memory classes per session (MB/session each, deltas over the
// same baseline: runtime/metrics). Then, after two forced GCs, the live
// heap and goroutine stacks per session as BenchmarkMemoryPerActiveSession
// counts them (heap+stacks-MB/session), the goroutines per session, and RSS again once the runtime has
// returned its free memory (rss-after-free-MB/session).
func BenchmarkRSSPerActiveSession(b *testing.B) {
	const n = 100
	for range b.N {
		srv, addr := sshTestServer(b, sshTestBenchConfig(b))
		heap0 := sshTestHeap()
		rss0, ok := procmem.RSS()
		if !ok {
			b.Skip("no /proc/self/status")
		}
		m0, g0 := procmem.Read(), runtime.NumGoroutine()
		c := sshTestStartClientsAt(b, srv, addr, n, "lesson", 120, 40)
		if _, _, err := c.do("every 2s"); err != nil {
			b.Fatal(err)
		}
		// The sessions at work: the load model, not a wait for a result.
		busy := time.NewTimer(sshTestActiveFor)
		<-busy.C
		rss1, _ := procmem.RSS()
		m1, g1 := procmem.Read(), runtime.NumGoroutine()
		per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / n / (1 << 20) }
		b.ReportMetric(per(rss1, rss0), "rss-MB/session")
		for _, cl := range procmem.Classes {
			b.ReportMetric(per(m1[cl.Unit], m0[cl.Unit]), cl.Unit+"-MB/session")
		}
		b.ReportMetric(float64(g1-g0)/n, "goroutines/session")
		heap1 := sshTestHeap()
		if path := os.Getenv("TOKENSIM_BENCH_HEAPPROFILE"); path != "" {
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
		b.ReportMetric(per(heap1, heap0), "heap+stacks-MB/session")
		debugFreeOSMemory()
		rss2, _ := procmem.RSS()
		b.ReportMetric(per(rss2, rss0), "rss-after-free-MB/session")
		if got := srv.Sessions(); got != n {
			b.Fatalf("%d sessions, want %d", got, n)
		}
		if err := c.close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(0, "ns/op")
	}
}

// debugFreeOSMemory forces a GC and returns the free memory to the OS.
func debugFreeOSMemory() { debug.FreeOSMemory() }
