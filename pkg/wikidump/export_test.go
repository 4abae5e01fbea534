package wikidump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
)

// A page is a Page with its text copied out of the Reader's buffer, so
// pages can be collected and compared.
type page struct {
	ID         int64
	Title      string
	NS         int
	Redirect   string
	RevisionID int64
	Text       string
}

func (p page) String() string {
	return fmt.Sprintf("{ID:%d Title:%q NS:%d Redirect:%q RevisionID:%d Text:%q}",
		p.ID, p.Title, p.NS, p.Redirect, p.RevisionID, p.Text)
}

func copyPage(p *Page) page {
	return page{p.ID, p.Title, p.NS, p.Redirect, p.RevisionID, string(p.Text)}
}

// readAll reads pages until an error, returning io.EOF as nil. It stops
// with an error after limit pages, so a Reader that never ends fails
// instead of hanging.
func readAll(r *Reader, limit int) ([]page, error) {
	var pages []page
	for {
		p, err := r.Next()
		if err == io.EOF {
			return pages, nil
		}
		if err != nil {
			return pages, err
		}
		if len(pages) == limit {
			return pages, errors.New("too many pages")
		}
		pages = append(pages, copyPage(p))
	}
}

// comparePages reports differences between got and want, page by page.
func comparePages(t *testing.T, got, want []page) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("page %d missing, want %v", i, want[i])
		case i >= len(want):
			t.Errorf("extra page %d: %v", i, got[i])
		case got[i] != want[i]:
			t.Errorf("page %d:\n got %v\nwant %v", i, got[i], want[i])
		}
	}
}

// escape writes s as XML character data or attribute value, the way
// MediaWiki's exporter does, plus &#13; for CR, which XML would otherwise
// turn into LF.
func escape(w *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '&':
			w.WriteString("&amp;")
		case '"':
			w.WriteString("&quot;")
		case '\r':
			w.WriteString("&#13;")
		default:
			w.WriteByte(c)
		}
	}
}

// writeExport writes site and pages as an export-0.11 document.
func writeExport(w *bytes.Buffer, site *SiteInfo, pages []page) {
	w.WriteString(`<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">` + "\n")
	if site != nil {
		w.WriteString("  <siteinfo>\n    <sitename>")
		escape(w, site.SiteName)
		w.WriteString("</sitename>\n    <dbname>")
		escape(w, site.DBName)
		w.WriteString("</dbname>\n    <base>")
		escape(w, site.Base)
		w.WriteString("</base>\n    <namespaces>\n")
		keys := make([]int, 0, len(site.Namespaces))
		for k := range site.Namespaces {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		for _, k := range keys {
			fmt.Fprintf(w, `      <namespace key="%d" case="first-letter">`, k)
			escape(w, site.Namespaces[k])
			w.WriteString("</namespace>\n")
		}
		w.WriteString("    </namespaces>\n  </siteinfo>\n")
	}
	for _, p := range pages {
		writePage(w, p)
	}
	w.WriteString("</mediawiki>\n")
}

// writePage writes p as a <page> element.
func writePage(w *bytes.Buffer, p page) {
	w.WriteString("  <page>\n    <title>")
	escape(w, p.Title)
	fmt.Fprintf(w, "</title>\n    <ns>%d</ns>\n    <id>%d</id>\n", p.NS, p.ID)
	if p.Redirect != "" {
		w.WriteString(`    <redirect title="`)
		escape(w, p.Redirect)
		w.WriteString("\" />\n")
	}
	fmt.Fprintf(w, "    <revision>\n      <id>%d</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n", p.RevisionID)
	w.WriteString("      <contributor>\n        <username>Example</username>\n        <id>1</id>\n      </contributor>\n")
	fmt.Fprintf(w, "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n      <text bytes=\"%d\" xml:space=\"preserve\">", len(p.Text))
	escape(w, p.Text)
	w.WriteString("</text>\n      <sha1>0123456789abcdefghijklmnopqrstu</sha1>\n    </revision>\n  </page>\n")
}

func TestWriteExportRoundTrip(t *testing.T) {
	site := &SiteInfo{SiteName: "W", DBName: "wdb", Base: "https://w/", Namespaces: map[int]string{0: "", 1: "Talk"}}
	want := []page{
		{1, `A<&>"'B`, 0, "", 2, "x\r\ny &amp; <ref>\n"},
		{3, "Talk:A", 1, "Target & co", 4, ""},
	}
	var b bytes.Buffer
	writeExport(&b, site, want)
	r := NewReader(&b)
	got, err := readAll(r, 10)
	if err != nil {
		t.Fatal(err)
	}
	comparePages(t, got, want)
	if s := r.SiteInfo(); s == nil || s.DBName != "wdb" || s.Namespaces[1] != "Talk" || !strings.HasPrefix(s.Base, "https") {
		t.Errorf("SiteInfo = %+v", s)
	}
}
