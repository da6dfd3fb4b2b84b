package graph

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestSettle checks that Settle returns once the table files stay the same
// for the quiet period, and gives up with the context's error.
func TestSettle(t *testing.T) {
	s := openTemp(t)
	waited, err := s.Settle(context.Background(), 200*time.Millisecond)
	if err != nil || waited < 200*time.Millisecond || waited > 5*time.Second {
		t.Errorf("Settle on an idle store: waited %v, err %v; want about 200ms", waited, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Settle(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Settle past its context: err %v, want deadline exceeded", err)
	}
}
