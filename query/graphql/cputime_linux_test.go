package graphql

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the whole process has used, or false
// where it cannot be measured: every thread's, the garbage collector's
// and graphql-go's executor goroutine's included.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
