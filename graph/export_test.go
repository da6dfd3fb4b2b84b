package graph

import badger "github.com/dgraph-io/badger/v4"

// ForceBatchSink lets external benchmarks compare the two load paths.
var ForceBatchSink = &forceBatchSink

func badgerKeysOnly() badger.IteratorOptions { return badger.IteratorOptions{PrefetchValues: false} }
