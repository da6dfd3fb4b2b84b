package server

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// DefaultIdleRelease is how long the server waits without requests before
// it hands memory back to the operating system.
const DefaultIdleRelease = 30 * time.Second

// activity tracks requests, so the server can tell when it is idle.
type activity struct {
	inFlight atomic.Int64
	last     atomic.Int64 // unix nanoseconds of the last request's end
	released atomic.Bool  // memory was released since the last request
}

// track counts a request in flight and notes when it ends.
func (a *activity) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.inFlight.Add(1)
		a.released.Store(false)
		defer func() {
			a.last.Store(time.Now().UnixNano())
			a.inFlight.Add(-1)
		}()
		next.ServeHTTP(w, r)
	})
}

// idleFor reports how long no request has been in flight.
func (a *activity) idleFor(now time.Time) time.Duration {
	if a.inFlight.Load() > 0 {
		return 0
	}
	return now.Sub(time.Unix(0, a.last.Load()))
}

// releaseWhenIdle releases the store's memory once the server has served
// no request for Config.IdleRelease, and again after each later busy
// period, until ctx ends. Reads map the store's files into memory and the
// pages stay resident after a burst of queries; a process that is merely
// waiting for the next request should not hold them.
func (s *Server) releaseWhenIdle(ctx context.Context) {
	wait := s.cfg.IdleRelease
	if wait < 0 {
		return
	}
	tick := time.NewTicker(max(wait/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if s.activity.released.Load() || s.activity.idleFor(now) < wait {
				continue
			}
			n, err := s.cfg.Store.ReleaseMemory()
			if err != nil {
				s.log.Warn("releasing memory while idle", "err", err)
			} else {
				s.log.Debug("idle: released memory", "mapped-bytes", n)
			}
			s.activity.released.Store(true)
		}
	}
}
