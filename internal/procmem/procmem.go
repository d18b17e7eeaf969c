// Package procmem reads where a process's memory goes, for the room
// benchmarks of package workshop (SSH) and package web (the browser):
// its resident set, and the Go runtime's memory classes, so that RSS and
// the live heap can be told apart. One copy, so the two doors' figures
// are measured alike.
package procmem

import (
	"bufio"
	"bytes"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
)

// RSS is the process's resident set (VmRSS in /proc/self/status), in
// bytes; ok is false where there is no /proc.
func RSS() (uint64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// Class is a runtime/metrics memory class and the short name a benchmark
// reports it under.
type Class struct{ Name, Unit string }

// Classes are the classes the benchmarks report per session: where the
// memory mapped for the heap goes.
var Classes = []Class{
	{"/memory/classes/heap/objects:bytes", "objects"},    // live and not yet swept dead objects
	{"/memory/classes/heap/unused:bytes", "unused"},      // free slots in spans in use (fragmentation)
	{"/memory/classes/heap/free:bytes", "free"},          // free spans not yet returned to the OS
	{"/memory/classes/heap/released:bytes", "released"},  // returned to the OS: not resident
	{"/memory/classes/heap/stacks:bytes", "stacks"},      // goroutine stacks
	{"/memory/classes/metadata/other:bytes", "metadata"}, // GC metadata, mspans, mcaches
	{"/memory/classes/other:bytes", "other"},
	{"/gc/heap/live:bytes", "live"}, // marked live at the last GC
}

// Read is each class's bytes now, by Unit.
func Read() map[string]uint64 {
	s := make([]metrics.Sample, len(Classes))
	for i, c := range Classes {
		s[i].Name = c.Name
	}
	metrics.Read(s)
	out := map[string]uint64{}
	for i, c := range Classes {
		if s[i].Value.Kind() == metrics.KindUint64 {
			out[c.Unit] = s[i].Value.Uint64()
		}
	}
	return out
}
