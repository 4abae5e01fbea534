package wikitext

// needsWork reports whether cleaning the paragraph p again could change
// it. It mirrors, construct by construct, what the two passes act on; a
// paragraph for which it is false is a fixed point of Clean. Every byte it
// flags is rare in prose, so checking costs little.
func needsWork(p []byte) bool {
	if lineNeedsWork(p) {
		return true
	}
	n := len(p)
	var scratch [16]byte
	for i := 0; i < n; i++ {
		b := p[i]
		if !checkSpecial[b] {
			continue
		}
		var next byte
		if i+1 < n {
			next = p[i+1]
		}
		switch b {
		case '{':
			if next == '{' || next == '|' {
				return true
			}
		case '}', ']', '\'':
			if next == b {
				return true
			}
		case '[':
			if next == '[' || schemeLen(p[i+1:]) > 0 {
				return true
			}
		case '|':
			if next == '}' || next == '-' {
				return true
			}
		case '<':
			if tagChanges(p[i:]) {
				return true
			}
		case '&':
			if _, m := appendEntity(scratch[:0], p[i:]); m > 0 {
				return true
			}
		case '_':
			if magicWord(p[i:]) > 0 {
				return true
			}
		case 0xc2:
			if c2Space(p, i) {
				return true
			}
		default: // controls, '\n'
			return true
		}
	}
	return false
}

var checkSpecial [256]bool

func init() {
	for b := 0; b < ' '; b++ {
		checkSpecial[b] = true
	}
	for _, b := range []byte("{}[]|'<&_\x7f\xc2") {
		checkSpecial[b] = true
	}
}

// lineNeedsWork reports whether p starts or ends like a line that the
// paragraph pass would rewrite: a list item, a heading, a table row, a
// horizontal rule, or white space at either end.
func lineNeedsWork(p []byte) bool {
	n := len(p)
	if n == 0 {
		return false
	}
	switch p[0] {
	case '*', '#', ':', ';', '|', ' ':
		return true
	case '=':
		return p[n-1] == '='
	case '-':
		return hasPrefix(p, "----")
	}
	return p[n-1] == ' '
}
