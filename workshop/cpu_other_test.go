//go:build !unix

package workshop

import "time"

// sshTestCPU: no getrusage here, so the benchmarks report no CPU time.
func sshTestCPU() (time.Duration, bool) { return 0, false }
