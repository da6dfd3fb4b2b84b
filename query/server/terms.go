package server

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
)

// termProto converts an RDF term to its message; the zero term becomes a
// Term with no kind set.
func termProto(t rdf.Term) *kplanev1.Term {
	switch t.Kind {
	case rdf.KindIRI:
		return &kplanev1.Term{Kind: &kplanev1.Term_Iri{Iri: t.Value}}
	case rdf.KindBlank:
		return &kplanev1.Term{Kind: &kplanev1.Term_Blank{Blank: t.Value}}
	case rdf.KindLiteral:
		return &kplanev1.Term{Kind: &kplanev1.Term_Literal{Literal: &kplanev1.Literal{
			Lexical: t.Value, Datatype: t.Datatype, Lang: t.Lang,
		}}}
	}
	return &kplanev1.Term{}
}

// TermFromProto converts a Term message to an RDF term; a Term with no kind
// set (or nil) becomes the zero term.
func TermFromProto(t *kplanev1.Term) rdf.Term {
	switch k := t.GetKind().(type) {
	case *kplanev1.Term_Iri:
		return rdf.IRI(k.Iri)
	case *kplanev1.Term_Blank:
		return rdf.Blank(k.Blank)
	case *kplanev1.Term_Literal:
		if k.Literal.GetLang() != "" {
			return rdf.LangLiteral(k.Literal.GetLexical(), k.Literal.GetLang())
		}
		dt := k.Literal.GetDatatype()
		if dt == "" {
			dt = rdf.XSDString
		}
		return rdf.Literal(k.Literal.GetLexical(), dt)
	}
	return rdf.Term{}
}

// QuadFromProto converts a Quad message to an RDF quad.
func QuadFromProto(q *kplanev1.Quad) rdf.Quad {
	return rdf.Quad{
		S: TermFromProto(q.GetSubject()), P: TermFromProto(q.GetPredicate()),
		O: TermFromProto(q.GetObject()), G: TermFromProto(q.GetGraph()),
	}
}

func quadProto(q rdf.Quad) *kplanev1.Quad {
	return &kplanev1.Quad{
		Subject: termProto(q.S), Predicate: termProto(q.P), Object: termProto(q.O), Graph: termProto(q.G),
	}
}

func graphInfoProto(gi graph.GraphInfo) *kplanev1.GraphInfo {
	return &kplanev1.GraphInfo{
		Name:        termProto(gi.Name),
		Source:      gi.Source,
		Format:      gi.Format,
		Owner:       gi.Owner,
		LoadedAt:    timestamp(gi.LoadedAt),
		ModifiedAt:  timestamp(gi.ModifiedAt),
		Quads:       gi.Quads,
		ContentHash: gi.ContentHash,
	}
}

func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
