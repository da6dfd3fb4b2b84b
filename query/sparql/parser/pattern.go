package parser

import (
	"github.com/kplane/kplane/graph/rdf"
)

// groupGraphPattern parses rule GroupGraphPattern: a subquery or a
// GroupGraphPatternSub between braces.
func (p *parser) groupGraphPattern() (*GroupPattern, error) {
	lb, err := p.expectPunct("{", "to open a group pattern")
	if err != nil {
		return nil, err
	}
	g := &GroupPattern{Pos: lb.pos()}
	if p.peek().isKeyword("SELECT") {
		sub := &Query{Limit: -1, Offset: -1, Pos: p.peek().pos()}
		if err := p.selectQuery(sub, true); err != nil {
			return nil, err
		}
		if sub.Values, err = p.valuesClause(); err != nil {
			return nil, err
		}
		g.SubQuery = sub
		if _, err := p.expectPunct("}", "to close the subquery"); err != nil {
			return nil, err
		}
		return g, nil
	}
	// needDot is set after a TriplesBlock that did not end in '.': another
	// triple may not follow it directly.
	needDot := false
	for {
		t := p.peek()
		switch {
		case t.isPunct("}"):
			p.next()
			return g, nil
		case t.isPunct("{"):
			first, err := p.groupGraphPattern()
			if err != nil {
				return nil, err
			}
			if !p.peek().isKeyword("UNION") {
				g.Elements = append(g.Elements, first)
				break
			}
			u := &Union{Groups: []*GroupPattern{first}, Pos: t.pos()}
			for p.acceptKeyword("UNION") {
				next, err := p.groupGraphPattern()
				if err != nil {
					return nil, err
				}
				u.Groups = append(u.Groups, next)
			}
			g.Elements = append(g.Elements, u)
		case t.isKeyword("OPTIONAL"):
			p.next()
			og, err := p.groupGraphPattern()
			if err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &Optional{Group: og, Pos: t.pos()})
		case t.isKeyword("MINUS"):
			p.next()
			mg, err := p.groupGraphPattern()
			if err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &Minus{Group: mg, Pos: t.pos()})
		case t.isKeyword("GRAPH"):
			p.next()
			name, err := p.varOrIRI()
			if err != nil {
				return nil, err
			}
			gg, err := p.groupGraphPattern()
			if err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &Graph{Name: name, Group: gg, Pos: t.pos()})
		case t.isKeyword("SERVICE"):
			p.next()
			silent := p.acceptKeyword("SILENT")
			name, err := p.varOrIRI()
			if err != nil {
				return nil, err
			}
			sg, err := p.groupGraphPattern()
			if err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &Service{Silent: silent, Name: name, Group: sg, Pos: t.pos()})
		case t.isKeyword("FILTER"):
			p.next()
			e, err := p.constraint()
			if err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &Filter{Expr: e, Pos: t.pos()})
		case t.isKeyword("BIND"):
			p.next()
			if _, err := p.expectPunct("(", "after BIND"); err != nil {
				return nil, err
			}
			e, err := p.expression()
			if err != nil {
				return nil, err
			}
			if _, err := p.expectKeyword("AS"); err != nil {
				return nil, err
			}
			vt := p.peek()
			if vt.kind != tokVar {
				return nil, p.unexpected("a variable after AS")
			}
			p.next()
			if _, err := p.expectPunct(")", "to close BIND"); err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &Bind{Expr: e, Var: vt.text, Pos: t.pos()})
		case t.isKeyword("VALUES"):
			p.next()
			vb, err := p.dataBlock()
			if err != nil {
				return nil, err
			}
			g.Elements = append(g.Elements, &InlineValues{Values: vb})
		default:
			if !p.startsTriples() || needDot {
				if _, err := p.peekN(0); err != nil {
					return nil, err
				}
				if needDot && p.startsTriples() {
					return nil, p.unexpected("'.' between triples or '}' to close group")
				}
				return nil, p.unexpected("'}' to close group")
			}
			tb := &TriplesBlock{Pos: t.pos()}
			// TriplesBlock: triples separated by '.', the last '.'
			// optional.
			needDot = true
			for p.startsTriples() {
				if err := p.triplesSameSubject(&tb.Triples, true); err != nil {
					return nil, err
				}
				if needDot = !p.acceptPunct("."); needDot {
					break
				}
			}
			g.Elements = append(g.Elements, tb)
			continue
		}
		// A '.' may follow any GraphPatternNotTriples.
		p.acceptPunct(".")
		needDot = false
	}
}

// startsTriples reports whether the next token can start a triple.
func (p *parser) startsTriples() bool {
	t := p.peek()
	switch t.kind {
	case tokVar, tokIRI, tokPName, tokBlank, tokString, tokInteger, tokDecimal, tokDouble:
		return true
	case tokKeyword:
		return t.isKeyword("true") || t.isKeyword("false")
	case tokPunct:
		return t.text == "[" || t.text == "(" || t.text == "+" || t.text == "-"
	}
	return false
}

// triplesTemplate parses rule TriplesTemplate (triples without paths),
// possibly empty.
func (p *parser) triplesTemplate() ([]TriplePattern, error) {
	var out []TriplePattern
	for p.startsTriples() {
		if err := p.triplesSameSubject(&out, false); err != nil {
			return nil, err
		}
		if !p.acceptPunct(".") {
			break
		}
	}
	return out, nil
}

// varOrIRI parses rule VarOrIri.
func (p *parser) varOrIRI() (Term, error) {
	t := p.peek()
	if t.kind == tokVar {
		p.next()
		return Variable(t.text), nil
	}
	if isIRIToken(t) {
		iri, err := p.iri()
		return Const(rdf.IRI(iri)), err
	}
	return Term{}, p.unexpected("a variable or an IRI")
}

// triplesSameSubject parses TriplesSameSubjectPath (paths set) or
// TriplesSameSubject, appending the triples to out.
func (p *parser) triplesSameSubject(out *[]TriplePattern, paths bool) error {
	if (p.peek().isPunct("[") && !p.isANON()) || (p.peek().isPunct("(") && !p.isNIL()) {
		subj, err := p.triplesNode(out, paths)
		if err != nil {
			return err
		}
		if p.startsVerb(paths) {
			return p.propertyList(subj, out, paths)
		}
		return nil
	}
	subj, err := p.varOrTerm()
	if err != nil {
		return err
	}
	if !p.startsVerb(paths) {
		return p.unexpected("a predicate")
	}
	return p.propertyList(subj, out, paths)
}

// startsVerb reports whether the next token can start a predicate.
func (p *parser) startsVerb(paths bool) bool {
	t := p.peek()
	switch {
	case t.kind == tokVar, isIRIToken(t), t.kind == tokKeyword && t.text == "a":
		return true
	case paths && (t.isPunct("^") || t.isPunct("!") || t.isPunct("(")):
		return true
	}
	return false
}

// propertyList parses PropertyListPathNotEmpty or PropertyListNotEmpty for
// subj.
func (p *parser) propertyList(subj Term, out *[]TriplePattern, paths bool) error {
	for {
		var pred Term
		var path Path
		t := p.peek()
		if t.kind == tokVar {
			p.next()
			pred = Variable(t.text)
		} else if paths {
			pp, err := p.path()
			if err != nil {
				return err
			}
			if iri, ok := pp.(PathIRI); ok {
				pred = Const(rdf.IRI(string(iri)))
			} else {
				path = pp
			}
		} else {
			if t.kind == tokKeyword && t.text == "a" {
				p.next()
				pred = Const(rdf.IRI(rdf.RDFType))
			} else {
				iri, err := p.iri()
				if err != nil {
					return p.unexpected("a predicate")
				}
				pred = Const(rdf.IRI(iri))
			}
		}
		// ObjectList
		for {
			obj, err := p.graphNode(out, paths)
			if err != nil {
				return err
			}
			*out = append(*out, TriplePattern{Subject: subj, Predicate: pred, Path: path, Object: obj})
			if !p.acceptPunct(",") {
				break
			}
		}
		if !p.peek().isPunct(";") {
			return nil
		}
		for p.acceptPunct(";") {
		}
		if !p.startsVerb(paths) {
			return nil
		}
	}
}

// graphNode parses GraphNodePath or GraphNode: a term, a blank node
// property list or a collection.
func (p *parser) graphNode(out *[]TriplePattern, paths bool) (Term, error) {
	if (p.peek().isPunct("[") && !p.isANON()) || (p.peek().isPunct("(") && !p.isNIL()) {
		return p.triplesNode(out, paths)
	}
	return p.varOrTerm()
}

// triplesNode parses a blank node property list '[ ... ]' or a collection
// '( ... )', appending its triples, and returns the node that stands for it.
func (p *parser) triplesNode(out *[]TriplePattern, paths bool) (Term, error) {
	t, _ := p.next()
	if t.isPunct("[") {
		b := Const(p.freshBlank())
		if err := p.propertyList(b, out, paths); err != nil {
			return Term{}, err
		}
		if _, err := p.expectPunct("]", "to close the blank node property list"); err != nil {
			return Term{}, err
		}
		return b, nil
	}
	// Collection: build the rdf:first/rdf:rest list.
	var items []Term
	for !p.peek().isPunct(")") {
		if p.peek().kind == tokEOF {
			return Term{}, p.unexpected("')' to close the collection")
		}
		item, err := p.graphNode(out, paths)
		if err != nil {
			return Term{}, err
		}
		items = append(items, item)
	}
	p.next()
	first := Const(rdf.IRI(rdf.RDFFirst))
	rest := Const(rdf.IRI(rdf.RDFRest))
	head := Const(p.freshBlank())
	cur := head
	for i, item := range items {
		*out = append(*out, TriplePattern{Subject: cur, Predicate: first, Object: item})
		next := Const(rdf.IRI(rdf.RDFNil))
		if i < len(items)-1 {
			next = Const(p.freshBlank())
		}
		*out = append(*out, TriplePattern{Subject: cur, Predicate: rest, Object: next})
		cur = next
	}
	return head, nil
}

// varOrTerm parses rule VarOrTerm.
func (p *parser) varOrTerm() (Term, error) {
	t := p.peek()
	switch {
	case t.kind == tokVar:
		p.next()
		return Variable(t.text), nil
	case isIRIToken(t):
		iri, err := p.iri()
		return Const(rdf.IRI(iri)), err
	case t.kind == tokBlank:
		p.next()
		return Const(rdf.Blank(t.text)), nil
	case p.isANON():
		p.next()
		p.next()
		return Const(p.freshBlank()), nil
	case p.isNIL():
		p.next()
		p.next()
		return Const(rdf.IRI(rdf.RDFNil)), nil
	case t.kind == tokString, isNumberToken(t), t.isPunct("+"), t.isPunct("-"),
		t.isKeyword("true"), t.isKeyword("false"):
		v, err := p.literal()
		return Const(v), err
	}
	if _, err := p.peekN(0); err != nil {
		return Term{}, err
	}
	return Term{}, p.unexpected("a variable or an RDF term")
}

// path parses rule Path (PathAlternative).
func (p *parser) path() (Path, error) {
	first, err := p.pathSequence()
	if err != nil {
		return nil, err
	}
	if !p.peek().isPunct("|") {
		return first, nil
	}
	alt := &PathAlternative{Paths: []Path{first}}
	for p.acceptPunct("|") {
		next, err := p.pathSequence()
		if err != nil {
			return nil, err
		}
		alt.Paths = append(alt.Paths, next)
	}
	return alt, nil
}

func (p *parser) pathSequence() (Path, error) {
	first, err := p.pathEltOrInverse()
	if err != nil {
		return nil, err
	}
	if !p.peek().isPunct("/") {
		return first, nil
	}
	seq := &PathSequence{Paths: []Path{first}}
	for p.acceptPunct("/") {
		next, err := p.pathEltOrInverse()
		if err != nil {
			return nil, err
		}
		seq.Paths = append(seq.Paths, next)
	}
	return seq, nil
}

func (p *parser) pathEltOrInverse() (Path, error) {
	if p.acceptPunct("^") {
		elt, err := p.pathElt()
		if err != nil {
			return nil, err
		}
		return &PathInverse{Path: elt}, nil
	}
	return p.pathElt()
}

// pathElt parses PathPrimary PathMod?.
func (p *parser) pathElt() (Path, error) {
	prim, err := p.pathPrimary()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.isPunct("?") || t.isPunct("*") || t.isPunct("+") {
		p.next()
		return &PathMod{Path: prim, Mod: t.text[0]}, nil
	}
	return prim, nil
}

func (p *parser) pathPrimary() (Path, error) {
	t := p.peek()
	switch {
	case t.kind == tokKeyword && t.text == "a":
		p.next()
		return PathIRI(rdf.RDFType), nil
	case isIRIToken(t):
		iri, err := p.iri()
		return PathIRI(iri), err
	case t.isPunct("("):
		p.next()
		inner, err := p.path()
		if err != nil {
			return nil, err
		}
		if _, err := p.expectPunct(")", "to close the path group"); err != nil {
			return nil, err
		}
		return inner, nil
	case t.isPunct("!"):
		p.next()
		neg := &PathNegated{}
		if !p.acceptPunct("(") {
			item, err := p.pathOneInPropertySet()
			if err != nil {
				return nil, err
			}
			neg.Items = []NegatedItem{item}
			return neg, nil
		}
		if p.acceptPunct(")") {
			return neg, nil
		}
		for {
			item, err := p.pathOneInPropertySet()
			if err != nil {
				return nil, err
			}
			neg.Items = append(neg.Items, item)
			if !p.acceptPunct("|") {
				break
			}
		}
		if _, err := p.expectPunct(")", "to close the negated property set"); err != nil {
			return nil, err
		}
		return neg, nil
	}
	if _, err := p.peekN(0); err != nil {
		return nil, err
	}
	return nil, p.unexpected("a predicate or property path")
}

func (p *parser) pathOneInPropertySet() (NegatedItem, error) {
	inv := p.acceptPunct("^")
	t := p.peek()
	if t.kind == tokKeyword && t.text == "a" {
		p.next()
		return NegatedItem{IRI: rdf.RDFType, Inverse: inv}, nil
	}
	if !isIRIToken(t) {
		return NegatedItem{}, p.unexpected("an IRI or 'a' in the negated property set")
	}
	iri, err := p.iri()
	return NegatedItem{IRI: iri, Inverse: inv}, err
}
