package wikidump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

var fixtures = []struct {
	file  string
	site  *SiteInfo
	pages []page
}{
	{
		file: "export-0.11.xml",
		site: &SiteInfo{
			SiteName: "Wikipedia", DBName: "enwiki", Base: "https://en.wikipedia.org/wiki/Main_Page",
			Namespaces: map[int]string{-2: "Media", -1: "Special", 0: "", 1: "Talk", 4: "Wikipedia", 10: "Template", 14: "Category"},
		},
		pages: []page{
			{10, "AccessibleComputing", 0, "Computer accessibility", 1002250816,
				"#REDIRECT [[Computer accessibility]]\n\n{{rcat shell|\n{{R from move}}\n{{R from CamelCase}}\n}}"},
			{12, `AT&T "Bell" Labs`, 0, "", 502,
				"'''AT&T''' <ref name=\"a\">x</ref> © été 'q' 😀\n  indented"},
			{13, "Talk:Hidden", 1, "", 600, ""},
			{14, "Empty", 0, "", 700, ""},
			{15, "File:Cat.jpg", 6, "", 800, "A <cat> & a dog & more"},
		},
	},
	{
		file: "export-0.4.xml",
		site: &SiteInfo{SiteName: "Wikipedia", Base: "http://en.wikipedia.org/wiki/Main_Page",
			Namespaces: map[int]string{0: "", 1: "Talk"}},
		pages: []page{
			{40, "UK", 0, "United Kingdom", 41, "#REDIRECT [[United_Kingdom#History|the UK]] {{R from abbreviation}}"},
			{42, "Talk:UK", 1, "", 43, "Why a redirect?"},
		},
	},
	{
		file: "export-0.3.xml",
		site: &SiteInfo{SiteName: "Wikipedia", Base: "http://de.wikipedia.org/wiki/Hauptseite",
			Namespaces: map[int]string{-2: "Media", -1: "Spezial", 0: "", 1: "Diskussion", 2: "Benutzer", 3: "Benutzer Diskussion"}},
		pages: []page{
			{1, "Alan Smithee", 0, "", 18254316, "'''Alan Smithee''' steht als [[Pseudonym]] für einen fiktiven Regisseur."},
			{2, "Benutzer Diskussion:Zwobot", 3, "", 18254317, "Hallo!"},
			{3, "Unbekannt:Präfix", 0, "", 18254318, "Kein Namensraum."},
		},
	},
}

// sources are ways to feed the same bytes to a Reader: whole, one byte per
// Read (so that every tag, entity and CDATA section straddles refills), and
// in halves.
var sources = []struct {
	name string
	wrap func([]byte) io.Reader
}{
	{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
	{"onebyte", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
	{"half", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
	{"dataerr", func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReaderFixtures(t *testing.T) {
	for _, f := range fixtures {
		data := readFixture(t, f.file)
		crlf := bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))
		for _, input := range []struct {
			name string
			data []byte
		}{{"lf", data}, {"crlf", crlf}} {
			for _, src := range sources {
				t.Run(f.file+"/"+input.name+"/"+src.name, func(t *testing.T) {
					r := NewReader(src.wrap(input.data))
					if r.SiteInfo() != nil {
						t.Error("SiteInfo before Next is not nil")
					}
					got, err := readAll(r, 100)
					if err != nil {
						t.Fatal(err)
					}
					comparePages(t, got, f.pages)
					if !reflect.DeepEqual(r.SiteInfo(), f.site) {
						t.Errorf("SiteInfo = %+v, want %+v", r.SiteInfo(), f.site)
					}
					if r.Offset() != int64(len(input.data)) {
						t.Errorf("Offset after EOF = %d, want %d", r.Offset(), len(input.data))
					}
					if _, err := r.Next(); err != io.EOF {
						t.Errorf("Next after EOF = %v, want io.EOF", err)
					}
				})
			}
		}
	}
}

// TestOffset checks that after each page Offset is just past its </page>.
func TestOffset(t *testing.T) {
	data := readFixture(t, "export-0.11.xml")
	r := NewReader(bytes.NewReader(data))
	from := 0
	for i := 0; ; i++ {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		end := bytes.Index(data[from:], []byte("</page>"))
		if end < 0 {
			t.Fatalf("page %d: no </page> after offset %d", i, from)
		}
		from += end + len("</page>")
		if r.Offset() != int64(from) {
			t.Errorf("page %d: Offset = %d, want %d", i, r.Offset(), from)
		}
	}
}

func TestReaderBrokenFixtures(t *testing.T) {
	tests := []struct {
		file   string
		pages  int    // read before the error
		err    error  // its kind
		offset string // the error is at the first occurrence of this text; "" for the end of input
		last   bool   // ... at the last occurrence
		page   string // SyntaxError.Page
	}{
		{file: "empty.xml", err: ErrEmpty},
		{file: "truncated.xml", pages: 1, err: io.ErrUnexpectedEOF, page: `AT&T "Bell" Labs`},
		{file: "truncated-tag.xml", pages: 2, err: io.ErrUnexpectedEOF},
		{file: "wrong-root.xml", err: ErrNotExport, offset: "<html"},
		{file: "garbage.xml", err: ErrNotExport, offset: "BZh"},
		{file: "no-title.xml", pages: 1, err: ErrNoTitle, offset: "<page>", last: true},
		{file: "bad-ns.xml", err: ErrBadNumber, offset: "zero", page: "Bad namespace"},
		{file: "bad-id.xml", err: ErrBadNumber, offset: "-7", page: "Bad id"},
		{file: "bad-entity.xml", err: ErrBadEntity, offset: "&nbsp;", page: "Bad entity"},
		{file: "unterminated-tag.xml", err: ErrMalformed, offset: "<text xml", page: "Unterminated"},
		{file: "mismatched.xml", err: ErrMalformed, offset: "</contributr>", page: "Mismatched"},
		{file: "trailing.xml", pages: 1, err: ErrMalformed, offset: "<mediawiki>", last: true},
	}
	for _, tt := range tests {
		data := readFixture(t, filepath.Join("broken", tt.file))
		want := len(data)
		if tt.offset != "" {
			want = bytes.Index(data, []byte(tt.offset))
			if tt.last {
				want = bytes.LastIndex(data, []byte(tt.offset))
			}
		}
		for _, src := range sources {
			t.Run(tt.file+"/"+src.name, func(t *testing.T) {
				pages, err := readAll(NewReader(src.wrap(data)), 100)
				if len(pages) != tt.pages {
					t.Errorf("read %d pages before the error, want %d", len(pages), tt.pages)
				}
				checkSyntaxError(t, err, tt.err, int64(want), tt.page)
			})
		}
	}
}

// checkSyntaxError checks that err is a one-line *SyntaxError of the given
// kind, offset and page.
func checkSyntaxError(t *testing.T, err, kind error, offset int64, page string) {
	t.Helper()
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v (%T), want a *SyntaxError", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error = %v, want kind %v", err, kind)
	}
	if se.Offset != offset {
		t.Errorf("error = %v, want offset %d", err, offset)
	}
	if se.Page != page {
		t.Errorf("error page = %q, want %q", se.Page, page)
	}
	if msg := err.Error(); strings.ContainsAny(msg, "\r\n") || !strings.HasPrefix(msg, "wikidump: offset ") {
		t.Errorf("error message %q is not one prefixed line", msg)
	}
}

// In these inputs ∑ marks where the error is; it is removed before reading.
var errorCases = []struct {
	name     string
	in       string
	err      error
	page     string
	fragment bool
}{
	{"empty", "∑", ErrEmpty, "", false},
	{"blank", " \r\n\t∑", ErrEmpty, "", false},
	{"only prolog", "<?xml version=\"1.0\"?>\n∑", io.ErrUnexpectedEOF, "", false},
	{"text", " ∑hello", ErrNotExport, "", false},
	{"cdata root", "∑<![CDATA[x]]>", ErrNotExport, "", false},
	{"end tag root", "∑</mediawiki>", ErrNotExport, "", false},
	{"no end", "<mediawiki>∑", io.ErrUnexpectedEOF, "", false},
	{"bare <", "<mediawiki><∑", io.ErrUnexpectedEOF, "", false},
	{"unterminated comment", "<mediawiki><!-- x -- y ∑", io.ErrUnexpectedEOF, "", false},
	{"unterminated PI", "<mediawiki><?pi ?∑", io.ErrUnexpectedEOF, "", false},
	{"unterminated doctype", "<!DOCTYPE x [ <!ENTITY a 'b'> ]∑", io.ErrUnexpectedEOF, "", false},
	{"short markup", "<mediawiki><!-∑", io.ErrUnexpectedEOF, "", false},
	{"unknown markup", "<mediawiki>∑<!bogus></mediawiki>", ErrMalformed, "", false},
	{"cdata between", "<mediawiki>∑<![CDATA[x]]></mediawiki>", ErrMalformed, "", false},
	{"bad tag", "<mediawiki>∑< page></mediawiki>", ErrMalformed, "", false},
	{"bad tag name", "<mediawiki>∑<1page></mediawiki>", ErrMalformed, "", false},
	{"bad end tag", "<mediawiki><page><title>A</title>∑</page x></mediawiki>", ErrMalformed, "A", false},
	{"stray end", "<mediawiki>∑</page></mediawiki>", ErrMalformed, "", false},
	{"text in page", "<mediawiki><page><title>A</title>\n∑oops</page></mediawiki>", ErrMalformed, "A", false},
	{"child in title", "<mediawiki><page><title>A∑<b/></title></page></mediawiki>", ErrMalformed, "", false},
	{"wrong close", "<mediawiki><page><title>A</title>∑</revision></page></mediawiki>", ErrMalformed, "A", false},
	{"wrong close in title", "<mediawiki><page><title>A∑</page></mediawiki>", ErrMalformed, "", false},
	{"wrong close in text", "<mediawiki><page><title>A</title><revision><text>x∑</tex></revision></page></mediawiki>", ErrMalformed, "A", false},
	{"wrong close in skipped", "<mediawiki><page><title>A</title><x><y>∑</x></y></page></mediawiki>", ErrMalformed, "A", false},
	{"eof in skipped", "<mediawiki><page><title>A</title><x><y/>text∑", io.ErrUnexpectedEOF, "A", false},
	{"eof in revision", "<mediawiki><page><title>A</title><revision><text>abc∑", io.ErrUnexpectedEOF, "A", false},
	{"eof in cdata", "<mediawiki><page><title>A</title><revision><text><![CDATA[ab]]∑", io.ErrUnexpectedEOF, "A", false},
	{"eof in siteinfo", "<mediawiki><siteinfo><sitename>W</sitename>∑", io.ErrUnexpectedEOF, "", false},
	{"unterminated tag", "<mediawiki><page>∑<title\n<ns>0</ns></page></mediawiki>", ErrMalformed, "", false},
	{"unterminated end tag", "<mediawiki><page><title>A∑</title\n<ns>0</ns></page></mediawiki>", ErrMalformed, "", false},
	{"unterminated quote", "<mediawiki><page><title>A</title><redirect title=\"B/></page></mediawiki>\n∑", io.ErrUnexpectedEOF, "A", false},
	{"bad attribute", "<mediawiki><page><title>A</title><redirect ∑title=B/></page></mediawiki>", ErrMalformed, "A", false},
	{"bad attribute 2", "<mediawiki><page><title>A</title><redirect title=\"B\" ∑x/></page></mediawiki>", ErrMalformed, "A", false},
	{"entity in attribute", "<mediawiki><page><title>A</title><redirect title=\"B∑&bad;\"/></page></mediawiki>", ErrBadEntity, "A", false},
	{"unknown entity", "<mediawiki><page><title>A∑&nbsp;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"entity without ;", "<mediawiki><page><title>A∑&amp</title></page></mediawiki>", ErrBadEntity, "", false},
	{"entity at eof", "<mediawiki><page><title>A&amp∑", io.ErrUnexpectedEOF, "", false},
	{"empty entity", "<mediawiki><page><title>∑&;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"empty number", "<mediawiki><page><title>∑&#;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"empty hex", "<mediawiki><page><title>∑&#x;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"upper X", "<mediawiki><page><title>∑&#X41;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"bad digit", "<mediawiki><page><title>∑&#12a;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"NUL", "<mediawiki><page><title>∑&#0;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"surrogate", "<mediawiki><page><title>∑&#xD800;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"beyond unicode", "<mediawiki><page><title>∑&#x110000;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"huge number", "<mediawiki><page><title>∑&#99999999999;</title></page></mediawiki>", ErrBadEntity, "", false},
	{"bad entity in text", "<mediawiki><page><title>A</title><revision><text>ok &amp; ∑&bad; x</text></revision></page></mediawiki>", ErrBadEntity, "A", false},
	{"bad entity in cleaned text", "<mediawiki><page><title>A</title><revision><text>∑&#x1G;</text></revision></page></mediawiki>", ErrBadEntity, "A", false},
	{"bad ns", "<mediawiki><page><title>A</title><ns>∑ 1x</ns></page></mediawiki>", ErrBadNumber, "A", false},
	{"ns overflow", "<mediawiki><page><title>A</title><ns>∑99999999999</ns></page></mediawiki>", ErrBadNumber, "A", false},
	{"empty id", "<mediawiki><page><title>A</title><id>∑</id></page></mediawiki>", ErrBadNumber, "A", false},
	{"self-closed id", "<mediawiki><page><title>A</title><id/>∑</page></mediawiki>", ErrBadNumber, "A", false},
	{"huge id", "<mediawiki><page><title>A</title><id>∑1234567890123456789</id></page></mediawiki>", ErrBadNumber, "A", false},
	{"bad revision id", "<mediawiki><page><title>A</title><revision><id>∑x</id></revision></page></mediawiki>", ErrBadNumber, "A", false},
	{"bad namespace key", "<mediawiki><siteinfo><namespaces>∑<namespace key=\"x\">X</namespace></namespaces></siteinfo></mediawiki>", ErrBadNumber, "", false},
	{"no title", "<mediawiki>∑<page><ns>0</ns></page></mediawiki>", ErrNoTitle, "", false},
	{"empty title", "<mediawiki>∑<page><title></title></page></mediawiki>", ErrNoTitle, "", false},
	{"self-closed page", "<mediawiki>∑<page/></mediawiki>", ErrNoTitle, "", false},
	{"after root", "<mediawiki></mediawiki>\n∑<page/>", ErrMalformed, "", false},
	{"text after root", "<mediawiki></mediawiki>\n∑junk", ErrMalformed, "", false},
	{"end after root", "<mediawiki/>∑</mediawiki>", ErrMalformed, "", false},
	{"nested root", "<mediawiki>∑<mediawiki></mediawiki></mediawiki>", ErrMalformed, "", false},
	{"fragment eof", "<page><title>A</title>∑", io.ErrUnexpectedEOF, "A", true},
	{"fragment text", "<page><title>A</title></page>\n∑junk", ErrMalformed, "", true},
	{"fragment after end", "<page><title>A</title></page>\n</mediawiki>\n∑<page/>", ErrMalformed, "", true},
	{"fragment second root", "<mediawiki><page><title>A</title></page>∑<mediawiki>", ErrMalformed, "", true},
}

func TestReaderErrors(t *testing.T) {
	for _, tt := range errorCases {
		off := strings.Index(tt.in, "∑")
		if off < 0 {
			t.Fatalf("%s: no ∑ in input", tt.name)
		}
		in := strings.Replace(tt.in, "∑", "", 1)
		for _, src := range sources {
			t.Run(tt.name+"/"+src.name, func(t *testing.T) {
				r := NewReader(src.wrap([]byte(in)))
				if tt.fragment {
					r = NewFragmentReader(src.wrap([]byte(in)), nil)
				}
				_, err := readAll(r, 10)
				checkSyntaxError(t, err, tt.err, int64(off), tt.page)
				if _, again := r.Next(); again != err {
					t.Errorf("Next after error = %v, want the same error %v", again, err)
				}
			})
		}
	}
}

func TestReaderCases(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		fragment bool
		want     []page
	}{
		{"empty root", `<mediawiki/>`, false, nil},
		{"prolog", "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE mediawiki [ <!ELEMENT x (y)> ]>\n<?pi x?>" +
			"<mediawiki><page><title>A</title></page></mediawiki>\n<!-- trailing -->\n",
			false, []page{{Title: "A"}}},
		{"no revision", "<mediawiki><page><title>A</title><ns>-1</ns><id> 7 </id></page></mediawiki>",
			false, []page{{ID: 7, Title: "A", NS: -1}}},
		{"spaces in tags", "<mediawiki ><page\n><title >A</title\n><redirect title = 'B &apos;C&apos;' /></page ></mediawiki >",
			false, []page{{Title: "A", Redirect: "B 'C'"}}},
		{"last revision wins, even without text",
			"<mediawiki><page><title>A</title><revision><id>1</id><text>one</text></revision><revision><id>2</id></revision></page></mediawiki>",
			false, []page{{Title: "A", RevisionID: 2}}},
		{"self-closed revision",
			"<mediawiki><page><title>A</title><revision><id>1</id><text>one</text></revision><revision/></page></mediawiki>",
			false, []page{{Title: "A"}}},
		{"comments and cdata in text",
			"<mediawiki><page><title>A<!--x-->B</title><revision><text>a<!-- <b> -->b<![CDATA[<c>&amp;\r\n]]>d&#13;&#10;</text></revision></page></mediawiki>",
			false, []page{{Title: "AB", Text: "ab<c>&amp;\nd\r\n"}}},
		{"lone CR", "<mediawiki><page><title>A</title><revision><text>a\rb\r\rc\r</text></revision></page></mediawiki>",
			false, []page{{Title: "A", Text: "a\nb\n\nc\n"}}},
		{"entities", "<mediawiki><page><title>&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x00043;&#x1F600;</title></page></mediawiki>",
			false, []page{{Title: "<>&\"'ABC😀"}}},
		{"raw bytes pass", "<mediawiki><page><title>\xff\x00é</title></page></mediawiki>",
			false, []page{{Title: "\xff\x00é"}}},
		{"unknown elements skipped",
			"<mediawiki><logitem><id>x</id><a><![CDATA[</logitem>]]></a></logitem><page><title>A</title><b><c/><title>Z</title></b></page><zzz/></mediawiki>",
			false, []page{{Title: "A"}}},
		{"redirect target from text", "<mediawiki><page><title>A</title><redirect/><revision><text>#redirect [[ :b_c#d ]]</text></revision></page></mediawiki>",
			false, []page{{Title: "A", Redirect: "b c", Text: "#redirect [[ :b_c#d ]]"}}},
		{"fragment", "  <page><title>A</title><id>1</id></page>\n  <page><title>B</title><id>2</id></page>\n",
			true, []page{{ID: 1, Title: "A"}, {ID: 2, Title: "B"}}},
		{"fragment end", "<page><title>A</title></page>\n</mediawiki>\n", true, []page{{Title: "A"}}},
		{"fragment with root", "<?xml version=\"1.0\"?><mediawiki version=\"0.11\"><page><title>A</title></page></mediawiki>",
			true, []page{{Title: "A"}}},
		{"empty fragment", "", true, nil},
	}
	for _, tt := range tests {
		for _, src := range sources {
			t.Run(tt.name+"/"+src.name, func(t *testing.T) {
				r := NewReader(src.wrap([]byte(tt.in)))
				if tt.fragment {
					r = NewFragmentReader(src.wrap([]byte(tt.in)), nil)
				}
				got, err := readAll(r, 10)
				if err != nil {
					t.Fatal(err)
				}
				comparePages(t, got, tt.want)
				if r.Offset() != int64(len(tt.in)) {
					t.Errorf("Offset = %d, want %d", r.Offset(), len(tt.in))
				}
			})
		}
	}
}

func TestFragmentReader(t *testing.T) {
	site := fixtures[2].site // de.wikipedia's namespaces
	in := "  <page>\n    <title>Benutzer:Zwobot</title>\n    <id>5</id>\n  </page>\n" +
		"  <page>\n    <title>Diskussion:A:B</title>\n    <id>6</id>\n    <revision><id>7</id><text>t</text></revision>\n  </page>\n" +
		"  <page>\n    <title>Talk:A</title>\n    <ns>4</ns>\n    <id>8</id>\n  </page>\n"
	want := []page{
		{ID: 5, Title: "Benutzer:Zwobot", NS: 2},
		{ID: 6, Title: "Diskussion:A:B", NS: 1, RevisionID: 7, Text: "t"},
		{ID: 8, Title: "Talk:A", NS: 4},
	}
	r := NewFragmentReader(strings.NewReader(in), site)
	if r.SiteInfo() != site {
		t.Errorf("SiteInfo = %v, want the one given", r.SiteInfo())
	}
	got, err := readAll(r, 10)
	if err != nil {
		t.Fatal(err)
	}
	comparePages(t, got, want)

	// Without a SiteInfo, pages without <ns> are in the main namespace.
	got, err = readAll(NewFragmentReader(strings.NewReader(in), nil), 10)
	if err != nil {
		t.Fatal(err)
	}
	want[0].NS, want[1].NS = 0, 0
	comparePages(t, got, want)
}

// TestLargePage reads a page whose text is many times the read buffer, with
// entities and CRLFs at every alignment.
func TestLargePage(t *testing.T) {
	var raw, want strings.Builder
	for i := 0; raw.Len() < 5<<20; i++ {
		fmt.Fprintf(&raw, "line %d &lt;ref&gt;%s&lt;/ref&gt; &#x263A;\r\n", i, strings.Repeat("x", i%97))
		fmt.Fprintf(&want, "line %d <ref>%s</ref> ☺\n", i, strings.Repeat("x", i%97))
	}
	if raw.Len() < 4*bufSize {
		t.Fatalf("text of %d bytes is not much larger than the %d-byte buffer", raw.Len(), bufSize)
	}
	in := "<mediawiki><page><title>Big</title><revision><text>" + raw.String() +
		"</text></revision></page><page><title>Small</title></page></mediawiki>"
	for _, src := range sources[:3:3] {
		if src.name == "onebyte" {
			continue // 5 MB one byte at a time is slow and adds nothing to "half"
		}
		t.Run(src.name, func(t *testing.T) {
			got, err := readAll(NewReader(src.wrap([]byte(in))), 10)
			if err != nil {
				t.Fatal(err)
			}
			comparePages(t, got, []page{{Title: "Big", Text: want.String()}, {Title: "Small"}})
		})
	}
}

// errReader returns its data, then err.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("boom")
	data := readFixture(t, "export-0.11.xml")
	cut := bytes.Index(data, []byte("Talk:Hidden"))
	for _, fragment := range []bool{false, true} {
		src := &errReader{data: data[:cut], err: boom}
		r := NewReader(src)
		if fragment {
			src.data = []byte("<page><title>A</title></page>\n")
			r = NewFragmentReader(src, nil)
		}
		_, err := readAll(r, 10)
		var se *SyntaxError
		if !errors.Is(err, boom) || errors.As(err, &se) || !strings.HasPrefix(err.Error(), "wikidump: read error at offset ") {
			t.Errorf("fragment=%v: error = %v, want the read error, wrapped once", fragment, err)
		}
	}
}

// zeroReader returns no data and no error, forever.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestNoProgress(t *testing.T) {
	_, err := NewReader(zeroReader{}).Next()
	if !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("error = %v, want io.ErrNoProgress", err)
	}
}

func TestRedirectTarget(t *testing.T) {
	tests := []struct{ text, want string }{
		{"#REDIRECT [[Foo]]", "Foo"},
		{"  \n#REDIRECT[[Foo bar]]\n\n{{R from move}}", "Foo bar"},
		{"#WEITERLEITUNG [[Foo_Bar#Geschichte]]", "Foo Bar"},
		{"#redirect: [[:Category:Foo|label]]", "Category:Foo"},
		{"#REDIRECT [[Foo", ""},
		{"#REDIRECT\n[[Foo]]", ""},
		{"REDIRECT [[Foo]]", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := redirectTarget([]byte(tt.text)); got != tt.want {
			t.Errorf("redirectTarget(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct {
		err  *SyntaxError
		want string
	}{
		{&SyntaxError{Offset: 12, Err: ErrEmpty}, "wikidump: offset 12: empty input"},
		{&SyntaxError{Offset: 3, Page: "A\nB", Err: fmt.Errorf("%w inside <text>", io.ErrUnexpectedEOF)},
			`wikidump: offset 3, page "A\nB": unexpected EOF inside <text>`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
