package wikidump

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
)

// A Page is one <page> of an export, reduced to its latest revision.
type Page struct {
	ID       int64
	Title    string
	NS       int    // from <ns>; for old exports without <ns>, derived from SiteInfo namespaces by title prefix
	Redirect string // target of <redirect title="..."/>, "" when not a redirect

	RevisionID int64  // of the latest revision
	Text       []byte // latest revision's wikitext, XML entities decoded; valid until the next call to Next
}

// SiteInfo is the <siteinfo> header of an export.
type SiteInfo struct {
	SiteName, DBName, Base string
	Namespaces             map[int]string // key → prefix, e.g. 1 → "Talk"; 0 → ""
}

// state is where a Reader is in the export's top level.
type state uint8

const (
	stateHead state = iota // before the root element
	stateBody              // between the root's children
	stateTail              // after </mediawiki>
)

// A Reader reads pages from a MediaWiki XML export. Not safe for concurrent use.
type Reader struct {
	src        io.Reader
	buf        []byte // holds input bytes [base, base+end); the unread ones start at pos
	pos, end   int
	base       int64
	gen        int   // counts moves of buf's contents
	rerr       error // the error that ended src, io.EOF included
	err        error // returned by every Next after the first failure
	fragment   bool
	state      state
	sawRoot    bool // a fragment's optional <mediawiki> start tag was seen
	site       *SiteInfo
	nsByPrefix map[string]int

	// The tag that next just read.
	tag       []byte // its name
	tagBytes  []byte // all of it, from '<' to '>'
	tagOff    int64
	selfClose bool

	title   string // title of the page being read, for error messages
	afterCR bool   // the last character data ended in a CR turned into LF
	text    []byte // Page.Text
	scratch []byte
	attrBuf []byte
	names   []byte // names of the elements skipElement is inside, ends[i] marks each end
	ends    []int
}

// NewReader returns a Reader for a whole export: a <mediawiki> root element
// holding an optional <siteinfo> and <page> elements.
func NewReader(r io.Reader) *Reader {
	return &Reader{src: r}
}

// NewFragmentReader returns a Reader for a run of bare <page> elements, as
// one stream of a multistream dump holds. site, which may be nil, supplies
// namespaces for pages without <ns>. A closing </mediawiki>, as the last
// stream of a dump holds, ends the input.
func NewFragmentReader(r io.Reader, site *SiteInfo) *Reader {
	return &Reader{src: r, fragment: true, site: site}
}

// SiteInfo returns the export's <siteinfo>, or nil until Next has read it.
// For a fragment Reader it is the SiteInfo given to NewFragmentReader.
func (r *Reader) SiteInfo() *SiteInfo { return r.site }

// Offset returns the number of input bytes consumed so far.
func (r *Reader) Offset() int64 { return r.off() }

// Next returns the next page. It returns io.EOF after the last page, a
// *SyntaxError on malformed input, and the source's error, wrapped, if
// reading fails. After an error every call returns the same error.
func (r *Reader) Next() (*Page, error) {
	if r.err != nil {
		return nil, r.err
	}
	p, err := r.nextPage()
	if err != nil {
		r.err = err
		return nil, err
	}
	return p, nil
}

// nextPage reads on to the next <page>, through the prolog and root start tag
// on the first call, reading <siteinfo> and skipping other elements on the way.
func (r *Reader) nextPage() (*Page, error) {
	if r.state == stateHead {
		if err := r.readHead(); err != nil {
			return nil, err
		}
	}
	for {
		tok, err := r.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokEOF:
			if r.state == stateTail || r.fragment {
				return nil, io.EOF
			}
			return nil, r.errEOF("<mediawiki>")
		case tokText:
			switch {
			case r.state == stateTail:
				err = r.skipSpace("after </mediawiki>")
			case r.fragment:
				err = r.skipSpace("between pages")
			default:
				err = r.skipSpace("inside <mediawiki>")
			}
		case tokStart:
			switch {
			case r.state == stateTail:
				err = r.malformed(r.tagOff, "<%s> after </mediawiki>", printable(r.tag))
			case string(r.tag) == "page":
				r.sawRoot = true // a fragment's <mediawiki> may only come first
				return r.readPage()
			case string(r.tag) == "siteinfo":
				err = r.readSiteInfo()
			case string(r.tag) == "mediawiki":
				if !r.fragment || r.sawRoot {
					return nil, r.malformed(r.tagOff, "nested <mediawiki>")
				}
				r.sawRoot = true
				if r.selfClose {
					r.state = stateTail
				}
			default:
				err = r.skipElement() // <logitem>, unknown elements
			}
		case tokEnd:
			if string(r.tag) != "mediawiki" || r.state == stateTail {
				return nil, r.malformed(r.tagOff, "unexpected </%s>", printable(r.tag))
			}
			r.state = stateTail
		}
		if err != nil {
			return nil, err
		}
	}
}

// readHead reads up to and including the root start tag of a whole export,
// or just a byte order mark from a fragment.
func (r *Reader) readHead() error {
	if r.at("\xEF\xBB\xBF") {
		r.pos += 3
	}
	r.state = stateBody
	if r.fragment {
		return nil
	}
	blank := r.off() // bytes of BOM and whitespace seen
	for {
		tok, err := r.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokEOF:
			if r.off() == blank {
				return r.syntax(r.off(), ErrEmpty)
			}
			return r.errEOF("prolog")
		case tokText:
			for (r.pos < r.end || r.fill(1)) && isSpace(r.buf[r.pos]) {
				r.pos++
				blank++
			}
			if r.pos < r.end && (r.buf[r.pos] != '<' || r.at(cdataOpen)) {
				return r.syntax(r.off(), fmt.Errorf("%w: text %s before the root element",
					ErrNotExport, quote(r.buf[r.pos:r.end])))
			}
		case tokStart:
			if string(r.tag) != "mediawiki" {
				return r.syntax(r.tagOff, fmt.Errorf("%w: root element is <%s>", ErrNotExport, printable(r.tag)))
			}
			if r.selfClose {
				r.state = stateTail
			}
			return nil
		case tokEnd:
			return r.syntax(r.tagOff, fmt.Errorf("%w: starts with </%s>", ErrNotExport, printable(r.tag)))
		}
	}
}

// readPage reads the page whose start tag was just read.
func (r *Reader) readPage() (*Page, error) {
	start := r.tagOff
	r.title = ""
	r.text = r.text[:0]
	if r.selfClose {
		return nil, r.syntax(start, ErrNoTitle)
	}
	p := &Page{}
	sawNS, redirect := false, false
	err := r.children(&pageElement, func() (err error) {
		switch string(r.tag) {
		case "title":
			r.scratch, err = r.readLeaf(r.scratch[:0], "title")
			p.Title = string(r.scratch)
			r.title = p.Title
		case "ns":
			var ns int64
			ns, err = r.readNumber("ns", true)
			p.NS, sawNS = int(ns), true
		case "id":
			p.ID, err = r.readNumber("id", false)
		case "redirect":
			redirect = true
			p.Redirect, _, err = r.attr("title")
			if err == nil {
				err = r.skipElement()
			}
		case "revision":
			err = r.readRevision(p)
		default:
			err = r.skipElement() // <restrictions>, <upload>, <discussionthreadinginfo>, ...
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if p.Title == "" {
		return nil, r.syntax(start, ErrNoTitle)
	}
	if !sawNS {
		p.NS = r.nsOf(p.Title)
	}
	p.Text = r.text
	if redirect && p.Redirect == "" {
		p.Redirect = redirectTarget(p.Text)
	}
	r.title = ""
	return p, nil
}

// readRevision reads the revision whose start tag was just read into p,
// replacing any earlier revision's id and text.
func (r *Reader) readRevision(p *Page) error {
	p.RevisionID = 0
	r.text = r.text[:0]
	if r.selfClose {
		return nil
	}
	return r.children(&revisionElement, func() (err error) {
		switch string(r.tag) {
		case "id":
			p.RevisionID, err = r.readNumber("id", false)
		case "text":
			r.text, err = r.readLeaf(r.text[:0], "text") // empty for <text deleted="deleted"/>
		default:
			err = r.skipElement() // <contributor> (which has an <id> of its own), <comment>, ...
		}
		return err
	})
}

// readNumber reads the decimal content of the element whose start tag was
// just read; ns numbers may be negative, ids may not.
func (r *Reader) readNumber(name string, signed bool) (int64, error) {
	off := r.off()
	b, err := r.readLeaf(r.scratch[:0], name)
	r.scratch = b
	if err != nil {
		return 0, err
	}
	v, ok := parseNumber(b, signed)
	if !ok {
		return 0, r.syntax(off, fmt.Errorf("<%s> %s: %w", name, quote(b), ErrBadNumber))
	}
	return v, nil
}

// parseNumber parses an optionally space-padded decimal number. Signed
// numbers must fit an int32, unsigned ones have at most 18 digits.
func parseNumber(b []byte, signed bool) (int64, bool) {
	b = bytes.Trim(b, " \t\r\n")
	neg := signed && len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var v int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	if signed && (v < math.MinInt32 || v > math.MaxInt32) {
		return 0, false
	}
	return v, true
}

// readSiteInfo reads the <siteinfo> whose start tag was just read.
func (r *Reader) readSiteInfo() error {
	s := &SiteInfo{Namespaces: map[int]string{}}
	if !r.selfClose {
		err := r.children(&siteInfoElement, func() (err error) {
			switch string(r.tag) {
			case "sitename":
				s.SiteName, err = r.readString("sitename")
			case "dbname":
				s.DBName, err = r.readString("dbname")
			case "base":
				s.Base, err = r.readString("base")
			case "namespaces":
				err = r.readNamespaces(s)
			default:
				err = r.skipElement() // <generator>, <case>, ...
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	r.setSite(s)
	return nil
}

// readNamespaces reads <namespace key="N">Prefix</namespace> elements into
// s.Namespaces.
func (r *Reader) readNamespaces(s *SiteInfo) error {
	if r.selfClose {
		return nil
	}
	return r.children(&namespacesElement, func() error {
		if string(r.tag) != "namespace" {
			return r.skipElement()
		}
		off := r.tagOff
		key, _, err := r.attr("key")
		if err != nil {
			return err
		}
		k, ok := parseNumber([]byte(key), true)
		if !ok {
			return r.syntax(off, fmt.Errorf("<namespace key=%q>: %w", key, ErrBadNumber))
		}
		name, err := r.readString("namespace")
		s.Namespaces[int(k)] = name
		return err
	})
}

// element names a container element and the phrases its errors use,
// spelled out once so that the loop over its children allocates nothing.
type element struct{ name, open, inside string }

var (
	pageElement       = element{"page", "<page>", "inside <page>"}
	revisionElement   = element{"revision", "<revision>", "inside <revision>"}
	siteInfoElement   = element{"siteinfo", "<siteinfo>", "inside <siteinfo>"}
	namespacesElement = element{"namespaces", "<namespaces>", "inside <namespaces>"}
)

// children reads the content of the element e whose (not self-closing)
// start tag was just read, up to its end tag: white space between children,
// and each child's start tag handed to child, which reads that child whole.
func (r *Reader) children(e *element, child func() error) error {
	for {
		tok, err := r.next()
		if err != nil {
			return err
		}
		switch tok {
		case tokEOF:
			return r.errEOF(e.open)
		case tokText:
			err = r.skipSpace(e.inside)
		case tokEnd:
			if string(r.tag) != e.name {
				return r.malformed(r.tagOff, "</%s> closes %s", printable(r.tag), e.open)
			}
			return nil
		case tokStart:
			err = child()
		}
		if err != nil {
			return err
		}
	}
}

// readString reads the text of the element whose start tag was just read.
func (r *Reader) readString(name string) (string, error) {
	b, err := r.readLeaf(r.scratch[:0], name)
	r.scratch = b
	return string(b), err
}

// setSite installs s as the export's SiteInfo.
func (r *Reader) setSite(s *SiteInfo) {
	r.site, r.nsByPrefix = s, nil
}

// nsOf derives the namespace of a page without <ns> from its title's prefix.
func (r *Reader) nsOf(title string) int {
	i := strings.IndexByte(title, ':')
	if r.site == nil || i <= 0 {
		return 0
	}
	if r.nsByPrefix == nil {
		r.nsByPrefix = make(map[string]int, len(r.site.Namespaces))
		for k, name := range r.site.Namespaces {
			if name != "" {
				r.nsByPrefix[name] = k
			}
		}
	}
	return r.nsByPrefix[title[:i]]
}

// redirectTarget returns the target of a "#REDIRECT [[Target#Section|label]]"
// text ("Target"), for exports whose <redirect/> does not name it.
func redirectTarget(text []byte) string {
	t := bytes.TrimLeft(text, " \t\n")
	if len(t) == 0 || t[0] != '#' {
		return ""
	}
	if i := bytes.IndexByte(t, '\n'); i >= 0 {
		t = t[:i]
	}
	i := bytes.Index(t, []byte("[["))
	if i < 0 {
		return ""
	}
	t = t[i+2:]
	j := bytes.Index(t, []byte("]]"))
	if j < 0 {
		return ""
	}
	t = t[:j]
	if k := bytes.IndexAny(t, "|#"); k >= 0 {
		t = t[:k]
	}
	s := strings.ReplaceAll(string(t), "_", " ")
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), ":"))
}

// readHeader reads a whole export's head up to and including <siteinfo>,
// for the header stream of a multistream dump, which ends there.
func (r *Reader) readHeader() (*SiteInfo, error) {
	if err := r.readHead(); err != nil {
		return nil, err
	}
	for r.site == nil {
		tok, err := r.next()
		if err != nil {
			return nil, err
		}
		switch tok {
		case tokEOF:
			return nil, r.errEOF("header before <siteinfo>")
		case tokText:
			err = r.skipSpace("inside <mediawiki>")
		case tokStart:
			if string(r.tag) != "siteinfo" {
				return nil, r.malformed(r.tagOff, "<%s> before <siteinfo>", printable(r.tag))
			}
			err = r.readSiteInfo()
		case tokEnd:
			return nil, r.malformed(r.tagOff, "</%s> before <siteinfo>", printable(r.tag))
		}
		if err != nil {
			return nil, err
		}
	}
	return r.site, nil
}
