package wikitext

import (
	"bytes"
	"strings"
)

// disambigTemplates are the template names (normalised as by templateName)
// that mark a disambiguation page. Names ending in " disambiguation" ("Human
// name disambiguation", "Place name disambiguation", ...) count as well.
var disambigTemplates = map[string]bool{
	"disambiguation": true, "disambig": true, "disamb": true, "dab": true,
	"disam": true, "hndis": true, "geodis": true, "numberdis": true,
	"schooldis": true, "roaddis": true, "hospitaldis": true, "mathdab": true,
	"mil-unit-dis": true, "callsigndis": true, "letter-numbercombdisambig": true,
	"disambiguation cleanup": true, "disambig-cleanup": true, "dab cleanup": true,
	"hndis-cleanup": true, "geodis-cleanup": true, "disambiguation page": true,
}

// IsDisambiguation reports whether a page is a disambiguation page: its
// title ends in "(disambiguation)", or its text uses a disambiguation
// template ({{Disambiguation}}, {{disambig|geo}}, {{Template:Dab}},
// {{hndis}}, {{geodis}}, ..., in any case, with underscores as spaces) or
// the __DISAMBIG__ switch. It is safe for concurrent use.
func IsDisambiguation(title string, text []byte) bool {
	const suffix = "(disambiguation)"
	if t := strings.TrimSpace(title); len(t) >= len(suffix) && strings.EqualFold(t[len(t)-len(suffix):], suffix) {
		return true
	}
	if bytes.Contains(text, []byte("__DISAMBIG__")) {
		return true
	}
	var buf [64]byte
	for i := 0; ; {
		k := bytes.Index(text[i:], []byte("{{"))
		if k < 0 {
			return false
		}
		i += k + 2
		for i < len(text) && text[i] == '{' {
			i++
		}
		e := i
		for e < len(text) && e-i < 80 && text[e] != '|' && text[e] != '}' && text[e] != '{' {
			e++
		}
		if e-i >= 80 {
			continue
		}
		name := templateName(buf[:0], text[i:e])
		if disambigTemplates[string(name)] || bytes.HasSuffix(name, []byte(" disambiguation")) {
			return true
		}
	}
}
