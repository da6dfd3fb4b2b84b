package graphql

import "time"

// Options configure the API. The zero value gives the defaults noted.
type Options struct {
	// Timeout bounds each request, SPARQL included (default 10s).
	Timeout time.Duration
	// MaxDepth is the deepest selection a query may make, not counting
	// introspection (default 12).
	MaxDepth int
	// MaxNodes caps the estimated number of values a query may return
	// (default 100000): each field counts once per parent, paginated
	// lists count their page size (first, or DefaultPageSize), and lists
	// without paging count EstimatedListSize.
	MaxNodes int
	// DefaultPageSize is the page size when first is not given (20);
	// MaxPageSize the largest first accepted (100).
	DefaultPageSize, MaxPageSize int
	// EstimatedListSize is the size the cost estimate assumes for lists
	// without paging, such as the ports of a product (default 3).
	EstimatedListSize int
	// MaxSPARQLRows caps the rows or triples of the sparql field (1000).
	MaxSPARQLRows int
	// MaxSearchResults caps what search asks its Searcher for (1000).
	MaxSearchResults int
	// Searcher serves search and resolves texts in productsAbout; nil
	// uses LabelSearcher.
	Searcher Searcher
	// MaxCachedStatements caps the statements kept in memory between
	// requests while the store does not change (default 2,000,000: a few hundred MB at most).
	MaxCachedStatements int
	// MaxBodyBytes caps the size of a request body (default 1 MiB).
	MaxBodyBytes int64

	// newReader wraps the reader of each request; tests count store
	// calls through it.
	newReader func(reader) reader
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	def(&o.MaxDepth, 12)
	def(&o.MaxNodes, 100000)
	def(&o.DefaultPageSize, 20)
	def(&o.MaxPageSize, 100)
	def(&o.EstimatedListSize, 3)
	def(&o.MaxSPARQLRows, 1000)
	def(&o.MaxSearchResults, 1000)
	def(&o.MaxCachedStatements, 2_000_000)
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.Searcher == nil {
		o.Searcher = LabelSearcher{}
	}
	return o
}
