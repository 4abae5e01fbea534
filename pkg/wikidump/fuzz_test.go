package wikidump

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReader checks that no input makes a Reader panic or loop, that every
// failure is a well-formed *SyntaxError, that offsets only grow, and that the
// pages read survive being written out and read back.
func FuzzReader(f *testing.F) {
	for _, dir := range []string{"testdata", "testdata/broken"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b, false)
		}
	}
	for _, tt := range errorCases {
		f.Add([]byte(strings.Replace(tt.in, "∑", "", 1)), tt.fragment)
	}
	f.Fuzz(func(t *testing.T, data []byte, fragment bool) {
		r := NewReader(bytes.NewReader(data))
		if fragment {
			r = NewFragmentReader(bytes.NewReader(data), nil)
		}
		var pages []page
		var err error
		for last := int64(-1); ; {
			var p *Page
			if p, err = r.Next(); err != nil {
				break
			}
			if r.Offset() <= last || r.Offset() > int64(len(data)) {
				t.Fatalf("page %d: Offset %d after %d, input of %d bytes", len(pages), r.Offset(), last, len(data))
			}
			last = r.Offset()
			if p.Title == "" {
				t.Fatalf("page %d has no title", len(pages))
			}
			pages = append(pages, copyPage(p))
		}
		if err != io.EOF {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *SyntaxError", err, err)
			}
			if se.Offset < 0 || se.Offset > int64(len(data)) {
				t.Fatalf("error %v: offset outside the %d-byte input", err, len(data))
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Fatalf("error %q is not one line", err)
			}
			known := false
			for _, kind := range []error{ErrEmpty, ErrNotExport, ErrMalformed, ErrNoTitle, ErrBadNumber, ErrBadEntity, io.ErrUnexpectedEOF} {
				known = known || errors.Is(err, kind)
			}
			if !known {
				t.Fatalf("error %v is of no known kind", err)
			}
		} else if !fragment && r.Offset() != int64(len(data)) {
			t.Fatalf("Offset at EOF = %d, want %d", r.Offset(), len(data))
		}

		var b bytes.Buffer
		writeExport(&b, r.SiteInfo(), pages)
		again, err := readAll(NewReader(&b), len(pages))
		if err != nil {
			t.Fatalf("rereading %d pages: %v", len(pages), err)
		}
		comparePages(t, again, pages)
	})
}
