//go:build !linux

package ontology_test

import "time"

// threadCPU cannot measure a thread's CPU time on this system.
func threadCPU() (time.Duration, bool) { return 0, false }
