package squad

import (
	"strings"
	"unicode"
)

// The reference scripts are Python 3, and their results depend on what
// Python calls white space, a word character and a lower-case letter. The
// functions here give Python's answers where Go's differ.

// isPySpace reports whether Python's str.isspace (and so str.split and
// str.strip without arguments) treats r as white space: Unicode White_Space
// plus the information separators U+001C..U+001F, which Go's
// unicode.IsSpace leaves out.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyFields is Python's s.split(): the runs of s between white space.
func pyFields(s string) []string {
	return strings.FieldsFunc(s, isPySpace)
}

// isDocSpace is run_squad.py's is_whitespace, which splits a context into
// words: space, tab, CR, LF and U+202F only. Other white space (U+00A0,
// U+2009, ...) stays inside a word.
func isDocSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == 0x202f
}

// isPyWord reports whether r matches \w in a Python 3 regular expression on
// str: a letter (L*), a number (N*) or '_'. Marks (M*) are not word
// characters, so "\b" falls between a letter and a combining accent.
func isPyWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// pyLower is Python's str.lower: Unicode's full lower-case mapping, which
// differs from the simple one (unicode.ToLower) only for U+0130, and the
// Final_Sigma rule for capital sigma at the end of a word.
func pyLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch r {
		case 0x130: // İ → i + combining dot above
			b.WriteString("i\u0307")
		case 0x3a3: // Σ
			b.WriteRune(lowerSigma(rs, i))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// lowerSigma returns ς when the capital sigma at rs[i] ends a word (a cased
// letter before it, none after it, case-ignorable characters skipped on
// both sides) and σ otherwise, as CPython's handle_capital_sigma does.
func lowerSigma(rs []rune, i int) rune {
	j := i - 1
	for j >= 0 && isCaseIgnorable(rs[j]) {
		j--
	}
	final := j >= 0 && isCased(rs[j])
	if final {
		k := i + 1
		for k < len(rs) && isCaseIgnorable(rs[k]) {
			k++
		}
		final = k == len(rs) || !isCased(rs[k])
	}
	if final {
		return 0x3c2
	}
	return 0x3c3
}

// isCased and isCaseIgnorable are Unicode's Cased and Case_Ignorable
// properties; Case_Ignorable's Word_Break part (MidLetter, MidNumLet,
// Single_Quote) is listed by hand.
func isCased(r rune) bool {
	return unicode.In(r, unicode.Lu, unicode.Ll, unicode.Lt, unicode.Other_Lowercase, unicode.Other_Uppercase)
}

func isCaseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0x00B7, 0x0387, 0x055F, 0x05F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
