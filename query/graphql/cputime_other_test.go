//go:build !linux

package graphql

import "time"

// processCPU cannot measure the process's CPU time on this system.
func processCPU() (time.Duration, bool) { return 0, false }
