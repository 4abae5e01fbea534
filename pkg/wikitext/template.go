package wikitext

import "bytes"

// renderFunc writes a whitelisted template (see the package comment) from
// its positional arguments and its named ones, as key, value pairs. Nested
// templates and links inside the arguments are already resolved.
type renderFunc func(dst []byte, pos, named [][]byte) []byte

// renderers maps normalised template names (see templateName) to their
// rendering; every other template is dropped.
var renderers = map[string]renderFunc{}

func init() {
	for _, n := range []string{
		"nowrap", "nobr", "small", "smaller", "big", "larger", "sc", "smallcaps",
		"small caps", "em", "strong", "abbr", "visible anchor", "not a typo",
		"proper name", "as written", "nihongo", "lang-x", "mvar", "math",
	} {
		renderers[n] = renderArg(1)
	}
	for _, n := range []string{"lang", "langx"} {
		renderers[n] = renderArg(2)
	}
	renderers["transl"] = renderLast
	renderers["sic"] = renderJoined
	renderers["quote"] = renderQuote
	renderers["blockquote"] = renderQuote
	renderers["convert"] = renderConvert
	renderers["cvt"] = renderConvert
	renderers["frac"] = renderFrac
	renderers["circa"] = renderPrefixed("c. ")
	renderers["c."] = renderPrefixed("c. ")
	renderers["floruit"] = renderPrefixed("fl. ")
	renderers["fl."] = renderPrefixed("fl. ")
	for _, n := range []string{
		"birth date", "birth date and age", "death date", "death date and age",
		"start date", "start date and age", "end date", "dob",
	} {
		renderers[n] = renderDate
	}
	for _, n := range []string{"birth year and age", "death year and age"} {
		renderers[n] = renderArg(1)
	}
	for n, v := range map[string]string{
		"'": "'", "'s": "'s", "ndash": "–", "mdash": "—", "snd": " – ",
		"spaced ndash": " – ", "spaced en dash": " – ", "nbsp": " ", "spaces": " ",
		"nbhyph": "-",
	} {
		renderers[n] = renderLiteral(v)
	}
}

// closeTemplate replaces o[f.out:], the cleaned content of a template that
// just closed, with its rendering, or cuts it.
func (c *Cleaner) closeTemplate(o []byte, f frame) []byte {
	if f.open != 2 {
		return o[:f.out] // {{{parameter}}}
	}
	seg := o[f.out:]
	end := bytes.IndexByte(seg, '|')
	if end < 0 {
		end = len(seg)
	}
	if name := trimSpace(seg[:end]); hasBlankLine(name) && (len(name) == 0 || name[0] != '#') {
		// No template name holds a blank line: MediaWiki shows such
		// "{{...}}" as text. Typically a stray "{{" has met the "}}" of
		// some later debris; keeping the text between them saves it.
		return o
	}
	c.name = templateName(c.name[:0], seg[:end])
	r, ok := renderers[string(c.name)]
	if !ok {
		if !hasPrefix(c.name, "lang-") {
			return o[:f.out]
		}
		r = renderers["lang-x"]
	}
	c.args, c.named = c.args[:0], c.named[:0]
	if end < len(seg) {
		c.args, c.named = splitArgs(c.args, c.named, seg[end+1:])
	}
	c.tmp = r(c.tmp[:0], c.args, c.named)
	return append(o[:f.out], c.tmp...)
}

// templateName appends the normalised form of name to dst: trimmed, lower
// case, underscores as spaces, runs of white space as one space, without a
// "Template:" (or "subst:", "safesubst:", "msg:") prefix.
func templateName(dst, name []byte) []byte {
	name = trimSpace(name)
	for {
		i := bytes.IndexByte(name, ':')
		if i < 0 {
			break
		}
		p := trimSpace(name[:i])
		if !equalFoldASCII(p, []byte("template")) && !equalFoldASCII(p, []byte("subst")) &&
			!equalFoldASCII(p, []byte("safesubst")) && !equalFoldASCII(p, []byte("msg")) {
			break
		}
		name = trimSpace(name[i+1:])
	}
	for _, b := range name {
		if b == '_' || isSpace(b) || b == '\n' {
			if len(dst) > 0 && dst[len(dst)-1] != ' ' {
				dst = append(dst, ' ')
			}
			continue
		}
		dst = append(dst, lower(b))
	}
	return bytes.TrimRight(dst, " ")
}

// splitArgs splits a|b|k=v into trimmed positional and named arguments.
// named holds key, value pairs. "2=x" sets the second positional argument.
func splitArgs(pos, named [][]byte, s []byte) ([][]byte, [][]byte) {
	for {
		end := bytes.IndexByte(s, '|')
		a := s
		if end >= 0 {
			a = s[:end]
		}
		if eq := bytes.IndexByte(a, '='); eq >= 0 {
			k, v := trimSpace(a[:eq]), trimSpace(a[eq+1:])
			if idx, ok := smallInt(k); ok && idx >= 1 && idx <= 20 {
				for len(pos) < idx {
					pos = append(pos, nil)
				}
				pos[idx-1] = v
			} else {
				named = append(named, k, v)
			}
		} else {
			pos = append(pos, trimSpace(a))
		}
		if end < 0 {
			return pos, named
		}
		s = s[end+1:]
	}
}

func smallInt(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 3 {
		return 0, false
	}
	n := 0
	for _, d := range b {
		if !isDigit(d) {
			return 0, false
		}
		n = n*10 + int(d-'0')
	}
	return n, true
}

func arg(pos [][]byte, i int) []byte {
	if i < len(pos) {
		return pos[i]
	}
	return nil
}

func namedArg(named [][]byte, key string) []byte {
	for i := 0; i+1 < len(named); i += 2 {
		if equalFoldASCII(named[i], []byte(key)) {
			return named[i+1]
		}
	}
	return nil
}

func renderArg(n int) renderFunc {
	return func(dst []byte, pos, _ [][]byte) []byte { return append(dst, arg(pos, n-1)...) }
}

func renderLast(dst []byte, pos, _ [][]byte) []byte {
	if len(pos) == 0 {
		return dst
	}
	return append(dst, pos[len(pos)-1]...)
}

func renderJoined(dst []byte, pos, _ [][]byte) []byte {
	for _, p := range pos {
		dst = append(dst, p...)
	}
	return dst
}

// renderQuote writes the quotation as a paragraph of its own, as MediaWiki
// sets it apart in a block.
func renderQuote(dst []byte, pos, named [][]byte) []byte {
	q := namedArg(named, "text")
	if q == nil {
		q = namedArg(named, "quote")
	}
	if q == nil {
		q = arg(pos, 0)
	}
	dst = append(dst, "\n\n"...)
	dst = append(dst, q...)
	return append(dst, "\n\n"...)
}

func renderLiteral(s string) renderFunc {
	return func(dst []byte, _, _ [][]byte) []byte { return append(dst, s...) }
}

func renderPrefixed(p string) renderFunc {
	return func(dst []byte, pos, _ [][]byte) []byte {
		if a := arg(pos, 0); len(a) > 0 {
			dst = append(dst, p...)
			dst = append(dst, a...)
		}
		return dst
	}
}

// convertRange maps the range words of {{convert}} to their rendering.
var convertRange = map[string]string{
	"-": "–", "–": "–", "to": " to ", "to(-)": " to ", "and": " and ",
	"and(-)": " and ", "or": " or ", "x": " × ", "by": " by ", "+/-": " ± ",
	",": ", ", "&": " & ", "then": " then ",
}

// renderConvert writes the value and unit as given: {{convert|5|km|mi}} →
// "5 km". The conversion itself is left out.
func renderConvert(dst []byte, pos, _ [][]byte) []byte {
	if len(pos) == 0 || len(pos[0]) == 0 {
		return dst
	}
	dst = append(dst, pos[0]...)
	i := 1
	for i+1 < len(pos) {
		sep, ok := convertRange[string(pos[i])]
		if !ok {
			break
		}
		dst = append(dst, sep...)
		dst = append(dst, pos[i+1]...)
		i += 2
	}
	if i < len(pos) && len(pos[i]) > 0 {
		dst = append(dst, ' ')
		dst = append(dst, pos[i]...)
		i++
		// {{convert|6|ft|2|in}}: a second value and unit.
		if i+1 < len(pos) && len(pos[i]) > 0 && isDigit(pos[i][0]) && len(pos[i+1]) > 0 {
			dst = append(dst, ' ')
			dst = append(dst, pos[i]...)
			dst = append(dst, ' ')
			dst = append(dst, pos[i+1]...)
		}
	}
	return dst
}

func renderFrac(dst []byte, pos, _ [][]byte) []byte {
	switch len(pos) {
	case 0:
		return dst
	case 1:
		dst = append(dst, "1/"...)
		return append(dst, pos[0]...)
	case 2:
		dst = append(dst, pos[0]...)
		dst = append(dst, '/')
		return append(dst, pos[1]...)
	}
	dst = append(dst, pos[0]...)
	dst = append(dst, ' ')
	dst = append(dst, pos[1]...)
	dst = append(dst, '/')
	return append(dst, pos[2]...)
}

var months = [...]string{"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// renderDate writes year|month|day as "May 1, 1950", or "1 May 1950" when
// df=y; missing parts are left out. Ages are not rendered: they depend on
// the day the page is read.
func renderDate(dst []byte, pos, named [][]byte) []byte {
	year, month, day := arg(pos, 0), arg(pos, 1), arg(pos, 2)
	if len(year) == 0 {
		return dst
	}
	name := string(month)
	if m, ok := smallInt(month); ok && m >= 1 && m <= 12 {
		name = months[m-1]
	}
	if len(name) == 0 {
		return append(dst, year...)
	}
	if len(day) == 0 {
		dst = append(dst, name...)
		dst = append(dst, ' ')
		return append(dst, year...)
	}
	if df := namedArg(named, "df"); len(df) > 0 && lower(df[0]) == 'y' {
		dst = append(dst, day...)
		dst = append(dst, ' ')
		dst = append(dst, name...)
		dst = append(dst, ' ')
		return append(dst, year...)
	}
	dst = append(dst, name...)
	dst = append(dst, ' ')
	dst = append(dst, day...)
	dst = append(dst, ", "...)
	return append(dst, year...)
}

// hasBlankLine reports whether s holds a line break followed, after
// optional white space, by another.
func hasBlankLine(s []byte) bool {
	for {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			return false
		}
		s = s[i+1:]
		j := 0
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		if j < len(s) && s[j] == '\n' {
			return true
		}
	}
}
