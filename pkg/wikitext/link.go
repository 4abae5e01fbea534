package wikitext

import "bytes"

// resolveLink replaces o[start:], the cleaned content of an internal link
// ("target" or "target|text"), with the text the link shows:
//
//	[[Paris]]                  → Paris
//	[[Paris|the capital]]      → the capital
//	[[New_York]]               → New York
//	[[Paris (Texas)|]]         → Paris        (pipe trick)
//	[[File:a.jpg|thumb|A cap]] → (nothing)    (also Image:, Media:, Category:)
//	[[fr:Paris]]               → (nothing)    (interlanguage link)
//	[[:Category:Cats]]         → Category:Cats
//
// A link trail needs no work: "[[bus]]es" leaves "bus" before "es".
func resolveLink(o []byte, start int) []byte {
	seg := o[start:]
	target, text, piped := seg, []byte(nil), false
	if p := bytes.IndexByte(seg, '|'); p >= 0 {
		target, text, piped = seg[:p], seg[p+1:], true
	}
	target = trimSpace(target)
	if len(target) > 0 && target[0] == ':' {
		target = trimSpace(target[1:]) // a visible link to a category or file
	} else if hiddenLink(target, piped) {
		return o[:start]
	}
	switch {
	case piped && len(trimSpace(text)) > 0:
		return append(o[:start], text...) // memmove: text lies inside o[start:]
	case piped:
		return appendTitle(o[:start], pipeTrick(target))
	}
	if m := schemeLen(target); m > 0 {
		// "[[http://example.org label]]": an external link in double brackets.
		sp := bytes.IndexAny(target, " \t")
		if sp < 0 {
			return o[:start]
		}
		return append(o[:start], trimSpace(target[sp+1:])...)
	}
	return appendTitle(o[:start], target)
}

// appendTitle appends a page title as text: underscores are spaces.
func appendTitle(dst, title []byte) []byte {
	n := len(dst)
	dst = append(dst, title...)
	for i := n; i < len(dst); i++ {
		if dst[i] == '_' {
			dst[i] = ' '
		}
	}
	return dst
}

// hiddenLink reports whether a link to target shows nothing on the page:
// files, categories and interlanguage links.
func hiddenLink(target []byte, piped bool) bool {
	colon := bytes.IndexByte(target, ':')
	if colon <= 0 {
		return false
	}
	prefix := trimSpace(target[:colon])
	switch {
	case equalFoldASCII(prefix, []byte("file")), equalFoldASCII(prefix, []byte("image")),
		equalFoldASCII(prefix, []byte("category")), equalFoldASCII(prefix, []byte("media")):
		return true
	}
	return !piped && isLanguageCode(prefix)
}

// isLanguageCode reports whether p looks like the prefix of an
// interlanguage link: "fr", "zh-min-nan", "simple". Lower case only, as
// such links are written; short interwiki prefixes that are not languages
// ("mw", "doi", ...) are excluded.
func isLanguageCode(p []byte) bool {
	if string(p) == "simple" {
		return true
	}
	n := 0
	for n < len(p) && p[n] >= 'a' && p[n] <= 'z' {
		n++
	}
	if n < 2 || n > 3 {
		return false
	}
	switch string(p[:n]) {
	case "mw", "wp", "doi", "rfc", "wmf", "iso", "bug":
		return false
	}
	for i := n; i < len(p); i++ {
		if p[i] != '-' && (p[i] < 'a' || p[i] > 'z') {
			return false
		}
	}
	return true
}

// pipeTrick returns the text MediaWiki derives from a link target whose
// text after '|' is empty: the title without its namespace and without a
// trailing parenthesis or comma part. "Paris (Texas)" → "Paris",
// "Help:Contents" → "Contents", "Seattle, Washington" → "Seattle".
func pipeTrick(target []byte) []byte {
	if i := bytes.IndexByte(target, ':'); i >= 0 {
		target = trimSpace(target[i+1:])
	}
	if len(target) > 0 && target[len(target)-1] == ')' {
		if i := bytes.LastIndex(target, []byte(" (")); i > 0 {
			return target[:i]
		}
		if i := bytes.LastIndex(target, []byte("_(")); i > 0 {
			return target[:i]
		}
	}
	if i := bytes.Index(target, []byte(", ")); i > 0 {
		return target[:i]
	}
	return target
}
