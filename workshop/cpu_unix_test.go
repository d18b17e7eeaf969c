//go:build unix

package workshop

import (
	"syscall"
	"time"
)

// sshTestCPU is the CPU time (user and system) the process has used: the
// latency benchmarks report it per step, since wall-clock latency on a
// shared machine depends on what else runs there.
func sshTestCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
