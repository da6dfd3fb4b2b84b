package search_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/kplane/kplane/query/search"
)

func TestZZProbe(t *testing.T) {
	if os.Getenv("KPLANE_BENCH_DIR") == "" {
		t.Skip()
	}
	ix, done := synthIndex(&testing.B{})
	defer done()
	ctx := context.Background()
	for _, r := range []search.Request{{Facets: true}, {Types: []string{"product"}, Facets: true}, {Types: []string{"product"}}, {}} {
		for range 3 {
			t0 := time.Now()
			res, err := ix.Search(ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Printf("%+v total=%d %v\n", r.Types, res.Total, time.Since(t0))
		}
	}
}
