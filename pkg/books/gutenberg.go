package books

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Markers that end the Project Gutenberg header, matched against the start
// of a line after its leading stars and spaces, ignoring case and the width
// of runs of spaces.
var startMarkers = []string{
	"START OF THE PROJECT GUTENBERG", // since 2006 THE, before THIS
	"START OF THIS PROJECT GUTENBERG",
	"START OF PROJECT GUTENBERG",
	"END*THE SMALL PRINT", // 1990s: *END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*
	"END THE SMALL PRINT",
}

// Markers that start the footer.
var endMarkers = []string{
	"END OF THE PROJECT GUTENBERG", // *** END OF THE PROJECT GUTENBERG EBOOK X ***, End of the Project Gutenberg EBook of X
	"END OF THIS PROJECT GUTENBERG",
	"END OF PROJECT GUTENBERG", // End of Project Gutenberg's X, by Y
}

// Credits that open many Gutenberg books right after the header.
var credits = []string{
	"PRODUCED BY",
	"E-TEXT PREPARED BY",
	"ETEXT PREPARED BY",
	"THIS ETEXT WAS PREPARED BY",
	"THIS EBOOK WAS PRODUCED BY",
	"TRANSCRIBED FROM",
}

// cutGutenberg returns the lines between the Project Gutenberg header and
// footer, and whether a header was found. The body runs from after the last
// start marker that precedes the first end marker, so it holds no marker.
func cutGutenberg(lines [][]byte) ([][]byte, bool) {
	first := -1
	for i, l := range lines {
		if isMarker(l, startMarkers) {
			first = i
			break
		}
	}
	end := len(lines)
	for i := first + 1; i < len(lines); i++ {
		if isMarker(lines[i], endMarkers) {
			end = i
			break
		}
	}
	if first < 0 {
		return lines[:end], false
	}
	last := first
	for i := first + 1; i < end; i++ {
		if isMarker(lines[i], startMarkers) {
			last = i
		}
	}
	body := last + 1
	if unclosed(lines[last]) {
		// "*** START OF THE PROJECT GUTENBERG EBOOK A VERY LONG" wrapped,
		// its "TITLE ***" on one of the next lines.
		for i := body; i < end && i <= last+3; i++ {
			if bytes.HasSuffix(bytes.TrimSpace(lines[i]), []byte("***")) {
				body = i + 1
				break
			}
		}
	}
	return lines[body:end], true
}

// isMarker reports whether line, after leading stars and spaces, starts with
// one of markers.
func isMarker(line []byte, markers []string) bool {
	i := 0
	for i < len(line) && (line[i] == '*' || line[i] == ' ') {
		i++
	}
	if i == len(line) {
		return false
	}
	if c := line[i] | 0x20; c != 's' && c != 'e' {
		return false // fast path: every marker starts with S or E
	}
	t := line[i:]
	for _, m := range markers {
		if hasPrefixFold(t, m) {
			return true
		}
	}
	return false
}

// unclosed reports whether a marker line opens with "***" but does not
// close with it.
func unclosed(line []byte) bool {
	t := bytes.TrimSpace(line)
	if !bytes.HasPrefix(t, []byte("***")) {
		return false
	}
	return !bytes.Contains(bytes.TrimLeft(t, "*"), []byte("***"))
}

// hasPrefixFold reports whether s starts with the upper-case ASCII prefix,
// ignoring ASCII case; a space in prefix matches a run of spaces in s.
func hasPrefixFold(s []byte, prefix string) bool {
	i := 0
	for j := 0; j < len(prefix); j++ {
		if i >= len(s) {
			return false
		}
		p := prefix[j]
		if p == ' ' {
			if s[i] != ' ' {
				return false
			}
			for i < len(s) && s[i] == ' ' {
				i++
			}
			continue
		}
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != p {
			return false
		}
		i++
	}
	return true
}

// dropCredits removes a leading "Produced by ..." paragraph.
func dropCredits(paras [][]byte) [][]byte {
	if len(paras) == 0 {
		return paras
	}
	for _, c := range credits {
		if hasPrefixFold(paras[0], c) {
			return paras[1:]
		}
	}
	return paras
}

// maxHeading is the longest line, in bytes, taken for a heading.
const maxHeading = 80

// Words that open a numbered heading: "CHAPTER IV.", "Book One", "Part 2:
// The Storm".
var headingWords = []string{"CHAPTER", "BOOK", "PART", "VOLUME", "VOL.", "SECTION", "CANTO", "STAVE", "ACT", "SCENE"}

// Headings that stand alone.
var headingNames = []string{
	"PREFACE", "PROLOGUE", "EPILOGUE", "INTRODUCTION", "CONTENTS", "FOREWORD",
	"AFTERWORD", "APPENDIX", "CONCLUSION", "THE END", "FINIS",
}

// Number words after a heading word: "Chapter the First", "BOOK ONE".
var numberWords = []string{
	"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE", "TEN",
	"ELEVEN", "TWELVE", "THIRTEEN", "FOURTEEN", "FIFTEEN", "SIXTEEN", "SEVENTEEN",
	"EIGHTEEN", "NINETEEN", "TWENTY", "FIRST", "SECOND", "THIRD", "FOURTH",
	"FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH", "LAST", "THE",
}

// isHeading reports whether the trimmed line t is a heading. A heading word
// with a number ("Chapter 4: The Storm") counts anywhere in a block; weaker
// signs (an all-caps line, a lone roman numeral or number, "PREFACE") count
// only at the top of a block (top), where a wrapped paragraph's last word
// cannot be.
func isHeading(t []byte, top bool) bool {
	if len(t) == 0 || len(t) > maxHeading || 'a' <= t[0] && t[0] <= 'z' {
		return false
	}
	if numbered(t) {
		return true
	}
	if !top {
		return false
	}
	name := bytes.TrimRight(t, ".:")
	for _, h := range headingNames {
		if len(name) == len(h) && hasPrefixFold(name, h) {
			return true
		}
	}
	if isNumeral(name, false) {
		return true
	}
	return allCaps(t)
}

// numbered reports whether t is a heading word, a number and optionally
// punctuation or capitals: "CHAPTER IV. THE STORM", "Chapter 2: Home".
func numbered(t []byte) bool {
	word, rest, _ := bytes.Cut(t, []byte(" "))
	found := false
	for _, w := range headingWords {
		if len(word) == len(w) && hasPrefixFold(word, w) {
			found = true
			break
		}
	}
	if !found {
		return false
	}
	tok, tail, _ := bytes.Cut(bytes.TrimLeft(rest, " "), []byte(" "))
	if len(tok) == 3 && hasPrefixFold(tok, "THE") { // Chapter the First
		tok, tail, _ = bytes.Cut(bytes.TrimLeft(tail, " "), []byte(" "))
	}
	num := bytes.TrimRight(tok, ".:;,)—-")
	if !isNumeral(num, true) && !isNumberWord(num) {
		return false
	}
	tail = bytes.TrimSpace(tail)
	if len(num) < len(tok) || len(tail) == 0 {
		return true // "Chapter 4: ...", "CHAPTER IV"
	}
	r, _ := utf8.DecodeRune(tail)
	return unicode.IsPunct(r) || allCaps(tail)
}

// isNumeral reports whether s is a number in digits (at most four) or a
// roman numeral, upper case unless anyCase.
func isNumeral(s []byte, anyCase bool) bool {
	if len(s) == 0 {
		return false
	}
	if '0' <= s[0] && s[0] <= '9' {
		for _, c := range s {
			if c < '0' || c > '9' {
				return false
			}
		}
		return len(s) <= 4
	}
	for _, c := range s {
		if anyCase && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		switch c {
		case 'I', 'V', 'X', 'L', 'C', 'D', 'M':
		default:
			return false
		}
	}
	return true
}

func isNumberWord(s []byte) bool {
	for _, w := range numberWords {
		if len(s) == len(w) && hasPrefixFold(s, w) {
			return true
		}
	}
	return false
}

// allCaps reports whether t has at least two letters and none in lower case.
func allCaps(t []byte) bool {
	letters := 0
	for i := 0; i < len(t); {
		r, size := utf8.DecodeRune(t[i:])
		i += size
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}
