package ontology_test

import (
	"syscall"
	"time"
)

// rusageThread is RUSAGE_THREAD: the resource use of the calling thread.
const rusageThread = 1

// threadCPU returns the CPU time the calling OS thread has used, or false
// where it cannot be measured. The benchmarks lock the goroutine to its
// thread around a query, so the difference is the query's own CPU time,
// unaffected by what else runs on the machine.
func threadCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
