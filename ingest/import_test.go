package ingest_test

import (
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/turtle"
)
