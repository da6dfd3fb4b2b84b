package parser

import (
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// Update is a parsed SPARQL 1.1 Update request: a sequence of operations
// separated by ';'. Prologue declarations accumulate across the request;
// each operation records the prologue in effect for it.
type Update struct {
	Operations []Operation
}

// Operation is one update operation (rule Update1): one of *Load, *Clear,
// *Drop, *Create, *Transfer, *InsertData, *DeleteData, *DeleteWhere,
// *Modify.
type Operation interface {
	// Prologue returns the BASE and PREFIX declarations in effect for
	// the operation.
	Prologue() *Prologue
	// Position returns the position of the operation's first keyword.
	Position() Pos
}

// OpHeader holds what every update operation has: its position and the
// prologue in effect.
type OpHeader struct {
	Pos      Pos
	prologue *Prologue
}

// Prologue returns the BASE and PREFIX declarations in effect for the
// operation.
func (h *OpHeader) Prologue() *Prologue { return h.prologue }

// Position returns the position of the operation's first keyword.
func (h *OpHeader) Position() Pos { return h.Pos }

// GraphTargetKind says which graphs a CLEAR, DROP or CREATE targets.
type GraphTargetKind uint8

// Graph targets (rules GraphRef, GraphRefAll and GraphOrDefault).
const (
	TargetGraph   GraphTargetKind = iota // GRAPH <iri> (or a bare IRI)
	TargetDefault                        // DEFAULT
	TargetNamed                          // NAMED: all named graphs
	TargetAll                            // ALL: the default and all named graphs
)

// GraphTarget is a graph operand of a graph management operation.
type GraphTarget struct {
	Kind GraphTargetKind
	IRI  string // for TargetGraph
}

// Load is LOAD [SILENT] <iri> [INTO GRAPH <g>]; Into is "" for the default
// graph.
type Load struct {
	OpHeader
	Silent bool
	IRI    string
	Into   string
}

// Clear is CLEAR [SILENT] target.
type Clear struct {
	OpHeader
	Silent bool
	Target GraphTarget
}

// Drop is DROP [SILENT] target.
type Drop struct {
	OpHeader
	Silent bool
	Target GraphTarget
}

// Create is CREATE [SILENT] GRAPH <iri>.
type Create struct {
	OpHeader
	Silent bool
	Graph  string
}

// Transfer is ADD, MOVE or COPY [SILENT] from TO to; Op is the upper-case
// keyword. Both targets are TargetGraph or TargetDefault.
type Transfer struct {
	OpHeader
	Op       string
	Silent   bool
	From, To GraphTarget
}

// QuadPattern is a triple pattern in a graph: Graph is a variable, an IRI,
// or zero for the default graph (or the WITH graph of a Modify).
type QuadPattern struct {
	TriplePattern
	Graph Term
}

// InsertData is INSERT DATA { quads }; the quads have no variables.
type InsertData struct {
	OpHeader
	Quads []QuadPattern
}

// DeleteData is DELETE DATA { quads }; the quads have no variables and no
// blank nodes.
type DeleteData struct {
	OpHeader
	Quads []QuadPattern
}

// DeleteWhere is DELETE WHERE { quads }: the quads are both the pattern
// and the template. They have no blank nodes.
type DeleteWhere struct {
	OpHeader
	Quads []QuadPattern
}

// Modify is [WITH <g>] DELETE {...} INSERT {...} USING ... WHERE {...}.
// HasDelete and HasInsert say which templates were written (either may be
// written empty).
type Modify struct {
	OpHeader
	With      string
	Delete    []QuadPattern
	Insert    []QuadPattern
	HasDelete bool
	HasInsert bool
	Using     []DatasetClause
	Where     *GroupPattern
}

// ParseUpdate parses a SPARQL 1.1 Update request. base is the IRI against
// which relative IRIs are resolved until a BASE declaration; it may be
// empty. Errors are *rdf.SyntaxError.
func ParseUpdate(src string, base string) (*Update, error) {
	p, err := newParser(src, base)
	if err != nil {
		return nil, err
	}
	u := &Update{}
	// Blank node labels of INSERT DATA are scoped to the whole request.
	dataLabels := map[string]int{}
	for {
		if err := p.prologueDecls(); err != nil {
			return nil, err
		}
		t := p.peek()
		if t.kind == tokEOF {
			if _, err := p.peekN(0); err != nil {
				return nil, err
			}
			break
		}
		// Each operation sees a snapshot of the prologue.
		snap := *p.prologue
		snap.Prefixes = append([]PrefixDecl(nil), snap.Prefixes...)
		snap.prefixes = make(map[string]string, len(p.prologue.prefixes))
		for k, v := range p.prologue.prefixes {
			snap.prefixes[k] = v
		}
		hdr := OpHeader{Pos: t.pos(), prologue: &snap}
		op, err := p.updateOperation(hdr)
		if err != nil {
			return nil, err
		}
		if ins, ok := op.(*InsertData); ok {
			for _, q := range ins.Quads {
				for _, term := range []Term{q.Subject, q.Object} {
					if !term.Value.IsBlank() || isGeneratedLabel(term.Value.Value) {
						continue
					}
					if first, ok := dataLabels[term.Value.Value]; ok && first != len(u.Operations) {
						return nil, p.errorPos(hdr.Pos, "blank node label _:%s is used in more than one operation", term.Value.Value)
					}
					dataLabels[term.Value.Value] = len(u.Operations)
				}
			}
		}
		u.Operations = append(u.Operations, op)
		if !p.acceptPunct(";") {
			if t := p.peek(); t.kind != tokEOF {
				if _, err := p.peekN(0); err != nil {
					return nil, err
				}
				return nil, p.errorAt(t, "expected ';' or end of update, found %s", t.describe())
			}
			break
		}
	}
	return u, nil
}

// updateOperation parses rule Update1.
func (p *parser) updateOperation(hdr OpHeader) (Operation, error) {
	t, _ := p.next()
	kw := strings.ToUpper(t.text)
	if t.kind != tokKeyword {
		kw = ""
	}
	switch kw {
	case "LOAD":
		op := &Load{OpHeader: hdr, Silent: p.acceptKeyword("SILENT")}
		iri, err := p.iri()
		if err != nil {
			return nil, err
		}
		op.IRI = iri
		if p.acceptKeyword("INTO") {
			if _, err := p.expectKeyword("GRAPH"); err != nil {
				return nil, err
			}
			if op.Into, err = p.iri(); err != nil {
				return nil, err
			}
		}
		return op, nil
	case "CLEAR", "DROP":
		silent := p.acceptKeyword("SILENT")
		target, err := p.graphRefAll()
		if err != nil {
			return nil, err
		}
		if kw == "CLEAR" {
			return &Clear{OpHeader: hdr, Silent: silent, Target: target}, nil
		}
		return &Drop{OpHeader: hdr, Silent: silent, Target: target}, nil
	case "CREATE":
		op := &Create{OpHeader: hdr, Silent: p.acceptKeyword("SILENT")}
		if _, err := p.expectKeyword("GRAPH"); err != nil {
			return nil, err
		}
		iri, err := p.iri()
		op.Graph = iri
		return op, err
	case "ADD", "MOVE", "COPY":
		op := &Transfer{OpHeader: hdr, Op: kw, Silent: p.acceptKeyword("SILENT")}
		var err error
		if op.From, err = p.graphOrDefault(); err != nil {
			return nil, err
		}
		if _, err := p.expectKeyword("TO"); err != nil {
			return nil, err
		}
		if op.To, err = p.graphOrDefault(); err != nil {
			return nil, err
		}
		return op, nil
	case "INSERT", "DELETE":
		if p.acceptKeyword("DATA") {
			quads, err := p.quadBlock(false)
			if err != nil {
				return nil, err
			}
			for _, q := range quads {
				if err := p.checkGround(q, kw == "DELETE", hdr.Pos, kw+" DATA"); err != nil {
					return nil, err
				}
			}
			if kw == "INSERT" {
				return &InsertData{OpHeader: hdr, Quads: quads}, nil
			}
			return &DeleteData{OpHeader: hdr, Quads: quads}, nil
		}
		if kw == "DELETE" && p.acceptKeyword("WHERE") {
			quads, err := p.quadBlock(true)
			if err != nil {
				return nil, err
			}
			if err := p.noBlanks(quads, hdr.Pos, "DELETE WHERE"); err != nil {
				return nil, err
			}
			return &DeleteWhere{OpHeader: hdr, Quads: quads}, nil
		}
		p.buf = append([]token{t}, p.buf...)
		return p.modify(hdr, "")
	case "WITH":
		with, err := p.iri()
		if err != nil {
			return nil, err
		}
		return p.modify(hdr, with)
	}
	return nil, p.errorAt(t, "expected an update operation, found %s", t.describe())
}

// modify parses the rest of rule Modify after an optional WITH.
func (p *parser) modify(hdr OpHeader, with string) (Operation, error) {
	op := &Modify{OpHeader: hdr, With: with}
	if p.acceptKeyword("DELETE") {
		quads, err := p.quadBlock(true)
		if err != nil {
			return nil, err
		}
		if err := p.noBlanks(quads, hdr.Pos, "a DELETE template"); err != nil {
			return nil, err
		}
		op.Delete, op.HasDelete = quads, true
	}
	if p.acceptKeyword("INSERT") {
		quads, err := p.quadBlock(true)
		if err != nil {
			return nil, err
		}
		op.Insert, op.HasInsert = quads, true
	}
	if !op.HasDelete && !op.HasInsert {
		return nil, p.unexpected("DELETE or INSERT")
	}
	for p.acceptKeyword("USING") {
		named := p.acceptKeyword("NAMED")
		iri, err := p.iri()
		if err != nil {
			return nil, err
		}
		op.Using = append(op.Using, DatasetClause{IRI: iri, Named: named})
	}
	if _, err := p.expectKeyword("WHERE"); err != nil {
		return nil, err
	}
	g, err := p.groupGraphPattern()
	if err != nil {
		return nil, err
	}
	op.Where = g
	c := &checker{p: p, bnodeBGP: map[string]int{}}
	if err := c.group(g); err != nil {
		return nil, err
	}
	return op, nil
}

// graphRefAll parses rule GraphRefAll.
func (p *parser) graphRefAll() (GraphTarget, error) {
	switch {
	case p.acceptKeyword("DEFAULT"):
		return GraphTarget{Kind: TargetDefault}, nil
	case p.acceptKeyword("NAMED"):
		return GraphTarget{Kind: TargetNamed}, nil
	case p.acceptKeyword("ALL"):
		return GraphTarget{Kind: TargetAll}, nil
	case p.acceptKeyword("GRAPH"):
		iri, err := p.iri()
		return GraphTarget{Kind: TargetGraph, IRI: iri}, err
	}
	return GraphTarget{}, p.unexpected("GRAPH <iri>, DEFAULT, NAMED or ALL")
}

// graphOrDefault parses rule GraphOrDefault.
func (p *parser) graphOrDefault() (GraphTarget, error) {
	if p.acceptKeyword("DEFAULT") {
		return GraphTarget{Kind: TargetDefault}, nil
	}
	p.acceptKeyword("GRAPH")
	iri, err := p.iri()
	return GraphTarget{Kind: TargetGraph, IRI: iri}, err
}

// quadBlock parses '{' Quads '}' (rules QuadPattern and QuadData). GRAPH
// names may be variables only when vars is set.
func (p *parser) quadBlock(vars bool) ([]QuadPattern, error) {
	if _, err := p.expectPunct("{", "to open the quads"); err != nil {
		return nil, err
	}
	var quads []QuadPattern
	add := func(ts []TriplePattern, g Term) {
		for _, t := range ts {
			quads = append(quads, QuadPattern{TriplePattern: t, Graph: g})
		}
	}
	needDot := false
	for {
		t := p.peek()
		switch {
		case t.isPunct("}"):
			p.next()
			return quads, nil
		case t.isKeyword("GRAPH"):
			p.next()
			var name Term
			var err error
			if vars {
				name, err = p.varOrIRI()
			} else {
				var iri string
				iri, err = p.iri()
				name = Const(rdf.IRI(iri))
			}
			if err != nil {
				return nil, err
			}
			if _, err := p.expectPunct("{", "after the GRAPH name"); err != nil {
				return nil, err
			}
			ts, err := p.triplesTemplate()
			if err != nil {
				return nil, err
			}
			if _, err := p.expectPunct("}", "to close GRAPH"); err != nil {
				return nil, err
			}
			add(ts, name)
			p.acceptPunct(".")
			needDot = false
		case p.startsTriples() && !needDot:
			var ts []TriplePattern
			needDot = true
			for p.startsTriples() {
				if err := p.triplesSameSubject(&ts, false); err != nil {
					return nil, err
				}
				if needDot = !p.acceptPunct("."); needDot {
					break
				}
			}
			add(ts, Term{})
		default:
			if _, err := p.peekN(0); err != nil {
				return nil, err
			}
			return nil, p.unexpected("'}' to close the quads")
		}
	}
}

// checkGround rejects variables (and, for DELETE DATA, blank nodes) in
// quad data.
func (p *parser) checkGround(q QuadPattern, noBlank bool, pos Pos, what string) error {
	for _, term := range []Term{q.Subject, q.Predicate, q.Object, q.Graph} {
		if term.IsVar() {
			return p.errorPos(pos, "variable ?%s is not allowed in %s", term.Var, what)
		}
		if noBlank && term.Value.IsBlank() {
			return p.errorPos(pos, "blank nodes are not allowed in %s", what)
		}
	}
	return nil
}

// noBlanks rejects blank nodes in quads that are used to delete.
func (p *parser) noBlanks(quads []QuadPattern, pos Pos, what string) error {
	ts := make([]TriplePattern, len(quads))
	for i, q := range quads {
		ts[i] = q.TriplePattern
	}
	if _, ok := hasBlank(ts); ok {
		return p.errorPos(pos, "blank nodes are not allowed in %s", what)
	}
	return nil
}
