package wikitext

import (
	"html"
	"unicode/utf8"
)

// maxEntityName bounds a named reference: the longest HTML5 name,
// "CounterClockwiseContourIntegral", has 31 letters.
const maxEntityName = 32

// commonEntities holds the named references met most often in wikitext, so
// that decoding them needs neither html.UnescapeString nor an allocation.
// The values come from html.UnescapeString itself, except the spaces: every
// kind of no-break or typographic space becomes an ASCII space.
var commonEntities = map[string]string{}

// cp1252 maps the numeric references &#128; … &#159; the way HTML does.
var cp1252 [32]string

func init() {
	for _, name := range []string{
		"amp", "lt", "gt", "quot", "apos", "ndash", "mdash", "minus", "hellip",
		"times", "divide", "deg", "plusmn", "middot", "bull", "lsquo", "rsquo",
		"ldquo", "rdquo", "sbquo", "bdquo", "laquo", "raquo", "prime", "Prime",
		"frac12", "frac14", "frac34", "sup1", "sup2", "sup3", "copy", "reg",
		"trade", "euro", "pound", "yen", "cent", "sect", "para", "dagger",
		"Dagger", "shy", "zwj", "zwnj", "larr", "rarr", "harr", "uarr", "darr",
		"le", "ge", "ne", "asymp", "infin", "micro", "alpha", "beta", "gamma",
		"delta", "pi", "sigma", "mu", "lambda", "omega", "theta", "Omega",
		"aacute", "eacute", "iacute", "oacute", "uacute", "agrave", "egrave",
		"ouml", "uuml", "auml", "Ouml", "Uuml", "Auml", "szlig", "ccedil",
		"ntilde", "oslash", "aring", "aelig", "iexcl", "iquest", "ordm", "ordf",
	} {
		commonEntities[name] = html.UnescapeString("&" + name + ";")
	}
	for _, name := range []string{"nbsp", "ensp", "emsp", "thinsp", "hairsp", "numsp", "puncsp", "MediumSpace", "NonBreakingSpace"} {
		commonEntities[name] = " "
	}
	for i := range cp1252 {
		cp1252[i] = html.UnescapeString("&#" + itoa(128+i) + ";")
	}
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// appendEntity decodes the character reference at the start of s (s[0] ==
// '&') onto dst. It returns dst and the number of bytes of s consumed, or
// n == 0 (dst unchanged) when s does not start with a reference. Only
// references closed by ';' count, as in MediaWiki. Invalid code points become
// U+FFFD; controls, line breaks and no-break spaces become an ASCII space, so
// a reference can never start a new line.
func appendEntity(dst, s []byte) ([]byte, int) {
	if len(s) < 3 {
		return dst, 0
	}
	if s[1] == '#' {
		return appendNumericEntity(dst, s)
	}
	j := 1
	for j < len(s) && j <= maxEntityName && (isLetter(s[j]) || isDigit(s[j])) {
		j++
	}
	if j == 1 || j >= len(s) || s[j] != ';' {
		return dst, 0
	}
	name := s[1:j]
	if v, ok := commonEntities[string(name)]; ok {
		return append(dst, v...), j + 1
	}
	// Rare names: let the standard library's full HTML5 table decide.
	// UnescapeString also decodes a known prefix ("&notit;" → "¬it;"), which
	// leaves a letter or digit before the final ';': reject that.
	ref := string(s[:j+1])
	v := html.UnescapeString(ref)
	if v == ref || len(v) >= 2 && v[len(v)-1] == ';' && (isLetter(v[len(v)-2]) || isDigit(v[len(v)-2])) {
		return dst, 0
	}
	return appendClean(dst, v), j + 1
}

func appendNumericEntity(dst, s []byte) ([]byte, int) {
	j := 2
	hex := j < len(s) && (s[j] == 'x' || s[j] == 'X')
	if hex {
		j++
	}
	start := j
	cp := 0
	for j < len(s) && j-start < 8 {
		b := s[j]
		var d int
		switch {
		case isDigit(b):
			d = int(b - '0')
		case hex && lower(b) >= 'a' && lower(b) <= 'f':
			d = int(lower(b)-'a') + 10
		default:
			goto done
		}
		if hex {
			cp = cp*16 + d
		} else {
			cp = cp*10 + d
		}
		j++
	}
done:
	if j == start || j >= len(s) || s[j] != ';' {
		return dst, 0
	}
	switch {
	case cp < 0x20 || cp == 0x7f:
		if cp == 0 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, ' ')
		}
	case cp >= 0x80 && cp < 0xa0:
		dst = append(dst, cp1252[cp-0x80]...)
	case cp == 0xa0:
		dst = append(dst, ' ')
	case cp > utf8.MaxRune || cp >= 0xd800 && cp < 0xe000:
		dst = utf8.AppendRune(dst, utf8.RuneError)
	default:
		dst = utf8.AppendRune(dst, rune(cp))
	}
	return dst, j + 1
}

// appendClean appends v, replacing controls with a space.
func appendClean(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b < 0x20 || b == 0x7f {
			b = ' '
		}
		dst = append(dst, b)
	}
	return dst
}
