package expr

import (
	"strings"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// isStringLiteral reports whether t is a string literal in the sense of
// section 17.4.3: a simple literal, an xsd:string or a language-tagged
// string.
func isStringLiteral(t rdf.Term) bool {
	return t.Kind == rdf.KindLiteral && (t.Datatype == rdf.XSDString || t.Datatype == rdf.RDFLangString)
}

// isSimpleString reports whether t is a simple literal or an xsd:string
// (one and the same since RDF 1.1).
func isSimpleString(t rdf.Term) bool {
	return t.Kind == rdf.KindLiteral && t.Datatype == rdf.XSDString
}

// stringArg checks that t is a string literal.
func stringArg(op string, t rdf.Term) error {
	if isStringLiteral(t) {
		return nil
	}
	if t.IsZero() {
		return errUnbound
	}
	return errorf(op, "not a string literal: "+t.String())
}

// simpleStringArg checks that t is a simple literal or an xsd:string.
func simpleStringArg(op string, t rdf.Term) error {
	if isSimpleString(t) {
		return nil
	}
	if t.IsZero() {
		return errUnbound
	}
	return errorf(op, "not a simple literal: "+t.String())
}

// compatibleArgs checks the argument compatibility rules of section
// 17.4.3.1.1: both arguments are string literals, and the second has no
// language tag or the same one as the first.
func compatibleArgs(op string, a, b rdf.Term) error {
	if err := stringArg(op, a); err != nil {
		return err
	}
	if err := stringArg(op, b); err != nil {
		return err
	}
	if b.Lang != "" && !strings.EqualFold(a.Lang, b.Lang) {
		return errorf(op, "incompatible arguments "+a.String()+" and "+b.String())
	}
	return nil
}

// sameStringType returns the literal s with the type (and language tag) of
// the string literal like.
func sameStringType(like rdf.Term, s string) rdf.Term {
	if like.Datatype == rdf.RDFLangString {
		return rdf.LangLiteral(s, like.Lang)
	}
	return rdf.String(s)
}

// fnStr implements STR: the lexical form of a literal, the IRI of an IRI.
func fnStr(t rdf.Term) (rdf.Term, error) {
	switch t.Kind {
	case rdf.KindLiteral:
		if t.Datatype == rdf.XSDString {
			return t, nil
		}
		return rdf.String(t.Value), nil
	case rdf.KindIRI:
		return rdf.String(t.Value), nil
	}
	return rdf.Term{}, errorf("STR", "no string form for a "+t.Kind.String())
}

// fnLang implements LANG: the language tag of a literal, "" for none.
func fnLang(t rdf.Term) (rdf.Term, error) {
	if t.Kind != rdf.KindLiteral {
		return rdf.Term{}, errorf("LANG", "not a literal: "+t.String())
	}
	return rdf.String(t.Lang), nil
}

// fnDatatype implements DATATYPE.
func fnDatatype(t rdf.Term) (rdf.Term, error) {
	if t.Kind != rdf.KindLiteral {
		return rdf.Term{}, errorf("DATATYPE", "not a literal: "+t.String())
	}
	if t.Datatype == "" {
		return rdf.IRI(rdf.XSDString), nil
	}
	return rdf.IRI(t.Datatype), nil
}

// fnIRI implements IRI and URI: an IRI is returned as is, a simple literal
// is resolved against the base IRI.
func fnIRI(op string, t rdf.Term, env *Env) (rdf.Term, error) {
	if t.Kind == rdf.KindIRI {
		return t, nil
	}
	if err := simpleStringArg(op, t); err != nil {
		return rdf.Term{}, err
	}
	if strings.ContainsAny(t.Value, " <>\"{}|^`\\\t\n\r") {
		return rdf.Term{}, errorf(op, "invalid IRI "+t.String())
	}
	base := ""
	if env != nil {
		base = env.BaseIRI
	}
	if base == "" && !rdf.IsAbsoluteIRI(t.Value) {
		return rdf.Term{}, errorf(op, "relative IRI "+t.String()+" without a base IRI")
	}
	iri, err := rdf.ResolveIRI(base, t.Value)
	if err != nil {
		return rdf.Term{}, errorf(op, err.Error())
	}
	return rdf.IRI(iri), nil
}

// fnBNode implements BNODE() and BNODE(str).
func fnBNode(args []rdf.Term, env *Env) (rdf.Term, error) {
	if len(args) == 0 {
		return NewBlank(), nil
	}
	if err := simpleStringArg("BNODE", args[0]); err != nil {
		return rdf.Term{}, err
	}
	if env == nil || env.BNodes == nil {
		return NewBlank(), nil
	}
	return env.BNodes.get(args[0].Value), nil
}

// fnStrDT implements STRDT(lexical, datatype).
func fnStrDT(lex, dt rdf.Term) (rdf.Term, error) {
	if err := simpleStringArg("STRDT", lex); err != nil {
		return rdf.Term{}, err
	}
	if dt.Kind != rdf.KindIRI {
		return rdf.Term{}, errorf("STRDT", "datatype is not an IRI: "+dt.String())
	}
	if dt.Value == rdf.RDFLangString {
		return rdf.Term{}, errorf("STRDT", "rdf:langString needs a language tag")
	}
	return rdf.Literal(lex.Value, dt.Value), nil
}

// fnStrLang implements STRLANG(lexical, tag).
func fnStrLang(lex, tag rdf.Term) (rdf.Term, error) {
	if err := simpleStringArg("STRLANG", lex); err != nil {
		return rdf.Term{}, err
	}
	if err := simpleStringArg("STRLANG", tag); err != nil {
		return rdf.Term{}, err
	}
	if !isLanguageTag(tag.Value) {
		return rdf.Term{}, errorf("STRLANG", "invalid language tag "+tag.String())
	}
	return rdf.LangLiteral(lex.Value, tag.Value), nil
}

// isLanguageTag reports whether s has the shape of a BCP 47 tag:
// [a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*.
func isLanguageTag(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if len(part) == 0 || len(part) > 8 {
			return false
		}
		for j := 0; j < len(part); j++ {
			c := part[j] | 0x20
			if !(c >= 'a' && c <= 'z' || i > 0 && part[j] >= '0' && part[j] <= '9') {
				return false
			}
		}
	}
	return true
}

// fnStrlen implements STRLEN: the length in characters (code points).
func fnStrlen(t rdf.Term) (rdf.Term, error) {
	if err := stringArg("STRLEN", t); err != nil {
		return rdf.Term{}, err
	}
	return number{kind: kindInteger, i: int64(utf8.RuneCountInString(t.Value))}.term(), nil
}

// fnSubstr implements SUBSTR(str, start[, length]) as fn:substring does:
// the characters at the 1-based positions p with round(start) <= p <
// round(start) + round(length), so that fractional, negative, infinite and
// NaN arguments all have a defined result.
func fnSubstr(args []rdf.Term) (rdf.Term, error) {
	s := args[0]
	if err := stringArg("SUBSTR", s); err != nil {
		return rdf.Term{}, err
	}
	startNum, err := numericArg("SUBSTR", args[1])
	if err != nil {
		return rdf.Term{}, err
	}
	from := roundHalfUp(startNum.toFloat())
	to := 0.0
	hasLength := len(args) > 2
	if hasLength {
		lengthNum, err := numericArg("SUBSTR", args[2])
		if err != nil {
			return rdf.Term{}, err
		}
		to = from + roundHalfUp(lengthNum.toFloat())
	}
	begin, end := -1, len(s.Value)
	p := 0.0
	for i := range s.Value {
		p++
		inside := p >= from && (!hasLength || p < to)
		if inside && begin < 0 {
			begin = i
		}
		if !inside && begin >= 0 {
			end = i
			break
		}
	}
	if begin < 0 {
		return sameStringType(s, ""), nil
	}
	return sameStringType(s, s.Value[begin:end]), nil
}

// fnCase implements UCASE (upper) and LCASE.
func fnCase(op string, t rdf.Term, upper bool) (rdf.Term, error) {
	if err := stringArg(op, t); err != nil {
		return rdf.Term{}, err
	}
	if upper {
		return sameStringType(t, strings.ToUpper(t.Value)), nil
	}
	return sameStringType(t, strings.ToLower(t.Value)), nil
}

// fnStringTest implements STRSTARTS, STRENDS and CONTAINS.
func fnStringTest(op string, a, b rdf.Term) (rdf.Term, error) {
	if err := compatibleArgs(op, a, b); err != nil {
		return rdf.Term{}, err
	}
	switch op {
	case "STRSTARTS":
		return Bool(strings.HasPrefix(a.Value, b.Value)), nil
	case "STRENDS":
		return Bool(strings.HasSuffix(a.Value, b.Value)), nil
	}
	return Bool(strings.Contains(a.Value, b.Value)), nil
}

// fnStrBefore implements STRBEFORE: the part of a before the first
// occurrence of b, typed like a; the empty simple literal when b does not
// occur.
func fnStrBefore(a, b rdf.Term) (rdf.Term, error) {
	if err := compatibleArgs("STRBEFORE", a, b); err != nil {
		return rdf.Term{}, err
	}
	i := strings.Index(a.Value, b.Value)
	if i < 0 {
		return rdf.String(""), nil
	}
	return sameStringType(a, a.Value[:i]), nil
}

// fnStrAfter implements STRAFTER: the part of a after the first occurrence
// of b, typed like a; the empty simple literal when b does not occur.
func fnStrAfter(a, b rdf.Term) (rdf.Term, error) {
	if err := compatibleArgs("STRAFTER", a, b); err != nil {
		return rdf.Term{}, err
	}
	i := strings.Index(a.Value, b.Value)
	if i < 0 {
		return rdf.String(""), nil
	}
	return sameStringType(a, a.Value[i+len(b.Value):]), nil
}

// fnEncodeForURI implements ENCODE_FOR_URI: every byte of the UTF-8 form
// but the unreserved characters of RFC 3986 is percent-encoded.
func fnEncodeForURI(t rdf.Term) (rdf.Term, error) {
	if err := stringArg("ENCODE_FOR_URI", t); err != nil {
		return rdf.Term{}, err
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(t.Value))
	for i := 0; i < len(t.Value); i++ {
		c := t.Value[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return rdf.String(b.String()), nil
}

// fnConcat implements CONCAT: the result carries the language tag the
// arguments share, if they all have the same one, and is a simple literal
// otherwise.
func fnConcat(args []rdf.Term) (rdf.Term, error) {
	n := 0
	for _, a := range args {
		if err := stringArg("CONCAT", a); err != nil {
			return rdf.Term{}, err
		}
		n += len(a.Value)
	}
	if len(args) == 0 {
		return rdf.String(""), nil
	}
	lang := args[0].Lang
	var b strings.Builder
	b.Grow(n)
	for _, a := range args {
		if !strings.EqualFold(a.Lang, lang) {
			lang = ""
		}
		b.WriteString(a.Value)
	}
	if lang != "" {
		return rdf.LangLiteral(b.String(), lang), nil
	}
	return rdf.String(b.String()), nil
}

// fnLangMatches implements langMatches(tag, range) with the basic
// filtering of RFC 4647 section 3.3.1: "*" matches any non-empty tag;
// otherwise the range matches the tag itself and the tags that extend it
// with "-" and more subtags, ignoring case.
func fnLangMatches(tag, rng rdf.Term) (rdf.Term, error) {
	if err := simpleStringArg("LANGMATCHES", tag); err != nil {
		return rdf.Term{}, err
	}
	if err := simpleStringArg("LANGMATCHES", rng); err != nil {
		return rdf.Term{}, err
	}
	return Bool(langMatches(tag.Value, rng.Value)), nil
}

func langMatches(tag, rng string) bool {
	if rng == "*" {
		return tag != ""
	}
	if len(tag) < len(rng) || !strings.EqualFold(tag[:len(rng)], rng) {
		return false
	}
	return len(tag) == len(rng) || tag[len(rng)] == '-'
}
