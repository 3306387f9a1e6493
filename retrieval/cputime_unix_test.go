//go:build unix

package retrieval

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user and system) the process has used, on
// every thread: a measure of work that a machine shared with other jobs
// does not inflate as it does wall-clock time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
