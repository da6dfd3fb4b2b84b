package ntriples

import (
	"io"

	"github.com/kplane/kplane/ingest"
)

func init() {
	ingest.Register(ingest.Format{
		Name:       "ntriples",
		Extensions: []string{".nt"},
		MediaTypes: []string{"application/n-triples"},
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			return NewDecoder(r, opts), nil
		},
	})
	ingest.Register(ingest.Format{
		Name:       "nquads",
		Extensions: []string{".nq"},
		MediaTypes: []string{"application/n-quads"},
		Quads:      true,
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			return NewQuadsDecoder(r, opts), nil
		},
	})
}
