package wikitext

// How an HTML or extension tag is treated. Tags are matched by name,
// case-insensitively; attributes are ignored.
type tagKind uint8

const (
	tagInline tagKind = iota // drop the tag, keep its content: <b>x</b> → x
	tagBreak                 // a line break: a<br>b → a b
	tagBlock                 // a block: <p>a</p><div>b</div> → two paragraphs
	tagOpaque                // drop the tag and its content: <ref>x</ref> → nothing
)

type tagInfo struct {
	kind tagKind
	id   uint8 // opaque tags only: bit in Cleaner.unclosed
}

// maxTagName bounds the names looked up in tags; longer names are unknown.
const maxTagName = 20

// tags lists the tags the cleaner understands. Unknown opening tags are kept
// as text (MediaWiki shows them literally); unknown closing tags are dropped.
var tags = map[string]tagInfo{}

func init() {
	inline := []string{
		"abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "data", "del", "dfn",
		"em", "font", "i", "ins", "kbd", "mark", "nowiki", "noinclude", "onlyinclude",
		"q", "rb", "rp", "rt", "rtc", "ruby", "s", "samp", "section", "small", "span",
		"strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
	}
	block := []string{
		"blockquote", "center", "dd", "div", "dl", "dt", "hr", "li", "ol", "p",
		"poem", "ul",
	}
	// Content that is not running prose: citations, formulas, code, media,
	// page furniture and HTML tables and headings. At most 64: each owns a bit
	// of Cleaner.unclosed (TestTagTable checks).
	opaque := []string{
		"categorytree", "ce", "charinsert", "chem", "code", "dynamicpagelist",
		"gallery", "graph", "h1", "h2", "h3", "h4", "h5", "h6", "hiero", "imagemap",
		"includeonly", "indicator", "inputbox", "mapframe", "maplink", "math",
		"noscript", "phonos", "poll", "pre", "quiz", "ref", "references", "rss",
		"score", "script", "source", "style", "syntaxhighlight", "table",
		"templatedata", "templatestyles", "timeline",
	}
	for _, n := range inline {
		tags[n] = tagInfo{kind: tagInline}
	}
	for _, n := range block {
		tags[n] = tagInfo{kind: tagBlock}
	}
	tags["br"] = tagInfo{kind: tagBreak}
	for i, n := range opaque {
		tags[n] = tagInfo{kind: tagOpaque, id: uint8(i)}
	}
}

// lookupTag finds name (any case) in tags.
func lookupTag(name []byte) (tagInfo, bool) {
	if len(name) > maxTagName {
		return tagInfo{}, false
	}
	var buf [maxTagName]byte
	for i, b := range name {
		buf[i] = lower(b)
	}
	t, ok := tags[string(buf[:len(name)])]
	return t, ok
}

// isRefName reports whether name starts with "ref" in any case. Such tags are
// always dropped, known or not, so that no "<ref" survives in the output.
func isRefName(name []byte) bool {
	return len(name) >= 3 && lower(name[0]) == 'r' && lower(name[1]) == 'e' && lower(name[2]) == 'f'
}

// tagName returns the length of the tag name starting at s[0], which must be
// an ASCII letter for a name to exist.
func tagName(s []byte) int {
	if len(s) == 0 || !isLetter(s[0]) {
		return 0
	}
	n := 1
	for n < len(s) && (isLetter(s[n]) || isDigit(s[n])) {
		n++
	}
	return n
}

// tagChanges reports whether the cleaner rewrites the '<' at s[0]: a comment,
// any "</", or a tag whose name it knows.
func tagChanges(s []byte) bool {
	if len(s) < 2 {
		return false
	}
	switch {
	case s[1] == '/':
		return true
	case s[1] == '!':
		return hasPrefix(s, "<!--")
	}
	n := tagName(s[1:])
	if n == 0 {
		return false
	}
	name := s[1 : 1+n]
	_, known := lookupTag(name)
	return known || isRefName(name)
}

// findClose returns the index just past the closing tag "</name>" (any case,
// white space allowed before '>') in s at or after from, or -1.
func findClose(s []byte, from int, name []byte) int {
	for from < len(s) {
		k := indexString(s[from:], "</")
		if k < 0 {
			return -1
		}
		p := from + k + 2
		from = p
		if len(s)-p < len(name) || !equalFoldASCII(s[p:p+len(name)], name) {
			continue
		}
		p += len(name)
		for p < len(s) && isSpace(s[p]) {
			p++
		}
		if p < len(s) && s[p] == '>' {
			return p + 1
		}
	}
	return -1
}
