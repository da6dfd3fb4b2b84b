package graph

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

// TestConcurrentCollectors runs several CollectGarbage calls beside the
// background collector over many garbage instances: each instance is
// collected once whoever gets to it first, and none is left.
func TestConcurrentCollectors(t *testing.T) {
	s := openTemp(t)
	for round := range 12 {
		var qs []rdf.Quad
		for i := range 50 {
			qs = append(qs, rdf.Quad{S: iri(fmt.Sprintf("s%d", i)), P: iri("p"), O: rdf.String(fmt.Sprint(round))})
		}
		for g := range 4 { // each replace turns the previous instance into garbage
			load(t, s, LoadOptions{Graph: iri(fmt.Sprintf("g%d", g)), Replace: true}, qs...)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			if err := s.CollectGarbage(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for id, r := range s.current().cat.instances {
		if r.State == instanceGarbage {
			t.Errorf("instance %s is still garbage", id)
		}
	}
	if got := len(quads(t, s, Pattern{Graph: AllNamedGraphs})); got != 4*50 {
		t.Errorf("%d quads left, want %d", got, 4*50)
	}
}
