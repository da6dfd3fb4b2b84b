package turtle

// Character classes of the Turtle and TriG grammars (Turtle 1.1 section
// 6.5). ASCII is answered from a table; the rest from the Unicode ranges
// the grammar lists.

const (
	classBase     uint8 = 1 << iota // PN_CHARS_BASE
	classChars                      // PN_CHARS: PN_CHARS_U, '-', digits and a few marks
	classIRIBad                     // not allowed unescaped in an IRIREF
	classHex                        // [0-9A-Fa-f]
	classLocalEsc                   // may follow '\' in a local name (PN_LOCAL_ESC)
)

var asciiClass [128]uint8

func init() {
	for c := 0; c < 128; c++ {
		var k uint8
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
			k = classBase | classChars
		case '0' <= c && c <= '9':
			k = classChars
		case c == '_':
			k = classChars
		case c == '-':
			k = classChars
		}
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' {
			k |= classHex
		}
		if c <= 0x20 {
			k |= classIRIBad
		}
		asciiClass[c] = k
	}
	for _, c := range `<>"{}|^` + "`\\" {
		asciiClass[c] |= classIRIBad
	}
	for _, c := range `_~.-!$&'()*+,;=/?#@%` {
		asciiClass[c] |= classLocalEsc
	}
}

// isPNCharsBase reports whether r is in PN_CHARS_BASE.
func isPNCharsBase(r rune) bool {
	if r < 128 {
		return r >= 0 && asciiClass[r]&classBase != 0
	}
	switch {
	case 0xC0 <= r && r <= 0xD6, 0xD8 <= r && r <= 0xF6, 0xF8 <= r && r <= 0x2FF,
		0x370 <= r && r <= 0x37D, 0x37F <= r && r <= 0x1FFF, 0x200C <= r && r <= 0x200D,
		0x2070 <= r && r <= 0x218F, 0x2C00 <= r && r <= 0x2FEF, 0x3001 <= r && r <= 0xD7FF,
		0xF900 <= r && r <= 0xFDCF, 0xFDF0 <= r && r <= 0xFFFD, 0x10000 <= r && r <= 0xEFFFF:
		return true
	}
	return false
}

// isPNCharsU reports whether r is in PN_CHARS_U.
func isPNCharsU(r rune) bool {
	return r == '_' || isPNCharsBase(r)
}

// isPNChars reports whether r is in PN_CHARS.
func isPNChars(r rune) bool {
	if r < 128 {
		return r >= 0 && asciiClass[r]&classChars != 0
	}
	return r == 0xB7 || 0x300 <= r && r <= 0x36F || r == 0x203F || r == 0x2040 || isPNCharsBase(r)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return c < 128 && asciiClass[c]&classHex != 0 }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func hexVal(c byte) rune {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0')
	case 'a' <= c && c <= 'f':
		return rune(c - 'a' + 10)
	default:
		return rune(c - 'A' + 10)
	}
}
