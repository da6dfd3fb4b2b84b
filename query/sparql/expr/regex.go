package expr

import (
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// regexCache holds compiled patterns by pattern and flags. Queries apply
// the same few patterns to every solution, so compiling once matters more
// than bounding memory finely: the cache is simply emptied when full.
var regexCache struct {
	sync.Mutex
	m map[regexKey]*regexp.Regexp
}

type regexKey struct{ pattern, flags string }

// regexCacheSize bounds the number of cached patterns.
const regexCacheSize = 512

// compileRegex compiles an XPath regular expression with XPath flags,
// using the cache.
func compileRegex(op, pattern, flags string) (*regexp.Regexp, error) {
	key := regexKey{pattern, flags}
	regexCache.Lock()
	re, ok := regexCache.m[key]
	regexCache.Unlock()
	if ok {
		return re, nil
	}
	src, err := translateRegex(pattern, flags)
	if err != nil {
		return nil, errorf(op, err.Error())
	}
	re, err = regexp.Compile(src)
	if err != nil {
		return nil, errorf(op, "invalid pattern "+strconvQuote(pattern)+": "+err.Error())
	}
	regexCache.Lock()
	if regexCache.m == nil || len(regexCache.m) >= regexCacheSize {
		regexCache.m = make(map[regexKey]*regexp.Regexp)
	}
	regexCache.m[key] = re
	regexCache.Unlock()
	return re, nil
}

// regexError is an error in a pattern or its flags.
type regexError string

func (e regexError) Error() string { return string(e) }

// translateRegex turns an XPath regular expression (XML Schema's syntax
// with the XPath extensions: anchors, reluctant quantifiers, flags) into
// the syntax of Go's regexp package. The differences it bridges:
//
//   - the flags s, m, i, x and q (x strips whitespace outside character
//     classes; q takes the pattern literally);
//   - without the s flag, "." matches anything but \n and \r;
//   - \d, \w and \s mean Unicode digits, XSD word characters and XML
//     whitespace, and \i, \c (XML name characters) do not exist in Go;
//   - \p{IsBlock} names a Unicode block, which Go does not know: the
//     common blocks are translated, others are refused.
//
// Back-references and character class subtraction have no equivalent in
// Go's RE2 engine and are refused.
func translateRegex(pattern, flags string) (string, error) {
	var dotAll, multiLine, ignoreCase, extended, literal bool
	for _, f := range flags {
		switch f {
		case 's':
			dotAll = true
		case 'm':
			multiLine = true
		case 'i':
			ignoreCase = true
		case 'x':
			extended = true
		case 'q':
			literal = true
		default:
			return "", regexError("invalid flag " + string(f) + " in " + strconvQuote(flags))
		}
	}
	var b strings.Builder
	if ignoreCase || multiLine {
		b.WriteString("(?")
		if ignoreCase {
			b.WriteByte('i')
		}
		if multiLine {
			b.WriteByte('m')
		}
		b.WriteByte(')')
	}
	if literal {
		b.WriteString(regexp.QuoteMeta(pattern))
		return b.String(), nil
	}
	inClass := false
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		i += size
		if extended && !inClass && (r == ' ' || r == '\t' || r == '\n' || r == '\r') {
			continue
		}
		switch r {
		case '\\':
			if i >= len(pattern) {
				return "", regexError("pattern ends with \\")
			}
			e, size := utf8.DecodeRuneInString(pattern[i:])
			i += size
			if e == 'p' || e == 'P' {
				name, n, err := categoryName(pattern[i:])
				if err != nil {
					return "", err
				}
				i += n
				if err := writeCategory(&b, name, e == 'P', inClass); err != nil {
					return "", err
				}
				continue
			}
			if err := writeEscape(&b, e, inClass); err != nil {
				return "", err
			}
		case '[':
			if inClass {
				return "", regexError("character class subtraction or nested class is not supported")
			}
			inClass = true
			b.WriteByte('[')
			if strings.HasPrefix(pattern[i:], "^") {
				b.WriteByte('^')
				i++
			}
		case ']':
			inClass = false
			b.WriteByte(']')
		case '-':
			if inClass && strings.HasPrefix(pattern[i:], "[") {
				return "", regexError("character class subtraction is not supported")
			}
			b.WriteByte('-')
		case '.':
			switch {
			case inClass:
				b.WriteByte('.')
			case dotAll:
				b.WriteString(`(?s:.)`)
			default:
				b.WriteString(`[^\n\r]`)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// writeEscape writes the Go form of the escape \e.
func writeEscape(b *strings.Builder, e rune, inClass bool) error {
	// set is the translation inside a character class, class outside.
	set, class := "", ""
	switch e {
	case 'n', 'r', 't', '\\', '|', '.', '-', '^', '?', '*', '+', '{', '}', '(', ')', '[', ']', '$':
		b.WriteByte('\\')
		b.WriteRune(e)
		return nil
	case 'd':
		set = `\p{Nd}`
	case 'D':
		set = `\P{Nd}`
	case 's':
		set = `\t\n\r `
	case 'S':
		class = `[^\t\n\r ]`
	case 'w':
		set = `\p{L}\p{M}\p{N}\p{S}`
	case 'W':
		set = `\p{P}\p{Z}\p{C}`
	case 'i':
		set = `\p{L}_:`
	case 'I':
		class = `[^\p{L}_:]`
	case 'c':
		set = `\p{L}\p{M}\p{Nd}\p{Nl}._:\-\x{B7}`
	case 'C':
		class = `[^\p{L}\p{M}\p{Nd}\p{Nl}._:\-\x{B7}]`
	default:
		if e >= '0' && e <= '9' {
			return regexError("back-references are not supported")
		}
		return regexError("invalid escape \\" + string(e))
	}
	switch {
	case set != "" && inClass:
		b.WriteString(set)
	case set != "":
		b.WriteString("[" + set + "]")
	case inClass:
		return regexError("negated escape \\" + string(e) + " inside a character class is not supported")
	default:
		b.WriteString(class)
	}
	return nil
}

// categoryName reads the {Name} after \p or \P and returns the name and
// the number of bytes read.
func categoryName(s string) (string, int, error) {
	if !strings.HasPrefix(s, "{") {
		return "", 0, regexError(`\p must be followed by {name}`)
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return "", 0, regexError(`unterminated \p{`)
	}
	return s[1:end], end + 1, nil
}

// unicodeBlocks are the code point ranges of the Unicode blocks \p{IsX}
// most often names.
var unicodeBlocks = map[string]string{
	"BasicLatin":               `\x{0}-\x{7F}`,
	"Latin-1Supplement":        `\x{80}-\x{FF}`,
	"LatinExtended-A":          `\x{100}-\x{17F}`,
	"LatinExtended-B":          `\x{180}-\x{24F}`,
	"IPAExtensions":            `\x{250}-\x{2AF}`,
	"Greek":                    `\x{370}-\x{3FF}`,
	"GreekandCoptic":           `\x{370}-\x{3FF}`,
	"Cyrillic":                 `\x{400}-\x{4FF}`,
	"Armenian":                 `\x{530}-\x{58F}`,
	"Hebrew":                   `\x{590}-\x{5FF}`,
	"Arabic":                   `\x{600}-\x{6FF}`,
	"Devanagari":               `\x{900}-\x{97F}`,
	"Thai":                     `\x{E00}-\x{E7F}`,
	"Hiragana":                 `\x{3040}-\x{309F}`,
	"Katakana":                 `\x{30A0}-\x{30FF}`,
	"CJKUnifiedIdeographs":     `\x{4E00}-\x{9FFF}`,
	"HangulSyllables":          `\x{AC00}-\x{D7AF}`,
	"GeneralPunctuation":       `\x{2000}-\x{206F}`,
	"CurrencySymbols":          `\x{20A0}-\x{20CF}`,
	"LetterlikeSymbols":        `\x{2100}-\x{214F}`,
	"Arrows":                   `\x{2190}-\x{21FF}`,
	"MathematicalOperators":    `\x{2200}-\x{22FF}`,
	"BoxDrawing":               `\x{2500}-\x{257F}`,
	"CJKSymbolsandPunctuation": `\x{3000}-\x{303F}`,
}

// writeCategory writes the Go form of \p{name} (negated for \P).
func writeCategory(b *strings.Builder, name string, negated, inClass bool) error {
	if block, ok := strings.CutPrefix(name, "Is"); ok {
		r, ok := unicodeBlocks[block]
		if !ok {
			return regexError("unsupported Unicode block " + block)
		}
		switch {
		case !negated && inClass:
			b.WriteString(r)
		case !negated:
			b.WriteString("[" + r + "]")
		case inClass:
			return regexError(`\P{Is...} inside a character class is not supported`)
		default:
			b.WriteString("[^" + r + "]")
		}
		return nil
	}
	if _, err := regexp.Compile(`\p{` + name + `}`); err != nil {
		return regexError("unknown Unicode category " + name)
	}
	if negated {
		b.WriteString(`\P{` + name + `}`)
	} else {
		b.WriteString(`\p{` + name + `}`)
	}
	return nil
}

// regexArgs checks the arguments of REGEX and REPLACE and compiles the
// pattern.
func regexArgs(op string, text, pattern rdf.Term, flags *rdf.Term) (*regexp.Regexp, error) {
	if err := stringArg(op, text); err != nil {
		return nil, err
	}
	if err := simpleStringArg(op, pattern); err != nil {
		return nil, err
	}
	f := ""
	if flags != nil {
		if err := simpleStringArg(op, *flags); err != nil {
			return nil, err
		}
		f = flags.Value
	}
	return compileRegex(op, pattern.Value, f)
}

// fnRegex implements REGEX(text, pattern[, flags]).
func fnRegex(args []rdf.Term) (rdf.Term, error) {
	var flags *rdf.Term
	if len(args) > 2 {
		flags = &args[2]
	}
	re, err := regexArgs("REGEX", args[0], args[1], flags)
	if err != nil {
		return rdf.Term{}, err
	}
	return Bool(re.MatchString(args[0].Value)), nil
}

// fnReplace implements REPLACE(text, pattern, replacement[, flags]) as
// fn:replace does: $N in the replacement stands for the Nth group, \$ and
// \\ for $ and \; a pattern that matches the empty string is an error.
func fnReplace(args []rdf.Term) (rdf.Term, error) {
	var flags *rdf.Term
	if len(args) > 3 {
		flags = &args[3]
	}
	text, repl := args[0], args[2]
	re, err := regexArgs("REPLACE", text, args[1], flags)
	if err != nil {
		return rdf.Term{}, err
	}
	if err := simpleStringArg("REPLACE", repl); err != nil {
		return rdf.Term{}, err
	}
	if re.MatchString("") {
		return rdf.Term{}, errorf("REPLACE", "pattern "+strconvQuote(args[1].Value)+" matches the empty string")
	}
	parts, err := parseReplacement(repl.Value, re.NumSubexp())
	if err != nil {
		return rdf.Term{}, err
	}
	s := text.Value
	matches := re.FindAllStringSubmatchIndex(s, -1)
	if matches == nil {
		return text, nil
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(s[last:m[0]])
		for _, p := range parts {
			if p.group < 0 {
				b.WriteString(p.text)
			} else if g := 2 * p.group; g+1 < len(m) && m[g] >= 0 {
				b.WriteString(s[m[g]:m[g+1]])
			}
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return sameStringType(text, b.String()), nil
}

// replacementPart is literal text (group < 0) or a group reference.
type replacementPart struct {
	text  string
	group int
}

// parseReplacement parses the replacement string of fn:replace for a
// pattern with groups capturing groups. After $, digits are taken as long
// as they still name an existing group; a reference to a group that does
// not exist yields the empty string.
func parseReplacement(s string, groups int) ([]replacementPart, error) {
	var parts []replacementPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replacementPart{text: lit.String(), group: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 >= len(s) || s[i+1] != '\\' && s[i+1] != '$' {
				return nil, errorf("REPLACE", `\ in the replacement must be followed by \ or $`)
			}
			i++
			lit.WriteByte(s[i])
		case '$':
			if i+1 >= len(s) || s[i+1] < '0' || s[i+1] > '9' {
				return nil, errorf("REPLACE", "$ in the replacement must be followed by a digit")
			}
			i++
			n := int(s[i] - '0')
			for i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && n*10+int(s[i+1]-'0') <= groups {
				i++
				n = n*10 + int(s[i]-'0')
			}
			flush()
			if n <= groups {
				parts = append(parts, replacementPart{group: n})
			}
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}

// strconvQuote quotes s for an error message.
func strconvQuote(s string) string { return `"` + s + `"` }
