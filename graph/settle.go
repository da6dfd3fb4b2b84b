package graph

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// Settle waits until the store's background compaction, busy for a while
// after a large load, has stopped: until the set of table files in the
// store's directory has not changed for quiet. It returns how long it
// waited, or ctx's error when ctx ends first. Work timed while compaction
// runs competes with it for the disk and the processors; benchmarks that
// mean to show a steady store settle it first.
func (s *Store) Settle(ctx context.Context, quiet time.Duration) (time.Duration, error) {
	if s.dir == "" {
		return 0, nil
	}
	tables := func() (string, error) {
		entries, err := os.ReadDir(s.dir)
		if err != nil {
			return "", fmt.Errorf("settle %s: %w", s.dir, err)
		}
		var names []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sst") {
				names = append(names, e.Name())
			}
		}
		slices.Sort(names)
		return strings.Join(names, " "), nil
	}
	poll := min(quiet/4, 250*time.Millisecond)
	start := time.Now()
	last, err := tables()
	if err != nil {
		return 0, err
	}
	quietSince := start
	for time.Since(quietSince) < quiet {
		select {
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		case <-time.After(poll):
		}
		cur, err := tables()
		if err != nil {
			return time.Since(start), err
		}
		if cur != last {
			last, quietSince = cur, time.Now()
		}
	}
	return time.Since(start), nil
}
