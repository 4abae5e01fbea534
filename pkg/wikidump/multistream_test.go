package wikidump

import (
	"bytes"
	"compress/bzip2"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestReadIndex(t *testing.T) {
	in := "600:10:AccessibleComputing\n" +
		"600:12:Anarchism\r\n" +
		"600:13:Wikipedia:Manual of Style: Titles\n" +
		"1000:25:Talk:A:B::\n" +
		"1500:30:Z\n"
	want := []Stream{
		{Offset: 600, Length: 400, Pages: 3, FirstPageID: 10},
		{Offset: 1000, Length: 500, Pages: 1, FirstPageID: 25},
		{Offset: 1500, Length: 500, Pages: 1, FirstPageID: 30},
	}
	got, err := ReadIndex(strings.NewReader(in), 2000)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadIndex =\n%+v\nwant\n%+v", got, want)
	}
}

func TestReadIndexErrors(t *testing.T) {
	tests := []struct {
		name, in string
		size     int64
		want     string // in the message
	}{
		{"empty", "", 100, "wikidump: index: bad entry: no lines"},
		{"two fields", "1:2:A\n5:Title\n", 100, "index line 2: bad entry:"},
		{"offset", "x1:2:A\n", 100, `index line 1: bad entry: offset "x1" is not a number`},
		{"negative offset", "-1:2:A\n", 100, "index line 1: bad entry: offset"},
		{"spaced offset", " 1:2:A\n", 100, "index line 1: bad entry: offset"},
		{"id", "1:2:A\n1:b:B\n", 100, `index line 2: bad entry: page id "b" is not a number`},
		{"empty title", "1:2:A\n3:4:\n", 100, "index line 2: bad entry: empty title"},
		{"blank line", "1:2:A\n\n3:4:B\n", 100, "index line 2: bad entry:"},
		{"backwards", "10:2:A\n20:3:B\n10:4:C\n", 100, "index line 3: bad entry: offset 10 is before the previous line's 20"},
		{"beyond dump", "10:2:A\n100:3:B\n", 100, "index line 2: bad entry: offset 100 is not inside the 100-byte dump"},
		{"too long", "1:2:" + strings.Repeat("x", 70000) + "\n", 100, "index line 1: bufio.Scanner: token too long"},
	}
	for _, tt := range tests {
		_, err := ReadIndex(strings.NewReader(tt.in), tt.size)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want it to contain %q", tt.name, err, tt.want)
		}
		if err != nil && tt.name != "too long" && !errors.Is(err, ErrBadIndex) {
			t.Errorf("%s: error = %v, want ErrBadIndex", tt.name, err)
		}
	}
}

// TestMultistream builds a multistream dump from a fixture with
// testdata/gen/mkmultistream.go and the bzip2 command, then reads every
// stream on its own, through the index, in reverse order.
func TestMultistream(t *testing.T) {
	for _, cmd := range []string{"bzip2", "go"} {
		if _, err := exec.LookPath(cmd); err != nil {
			t.Skipf("no %s command: %v", cmd, err)
		}
	}
	if testing.Short() {
		t.Skip("builds a program")
	}
	for _, f := range fixtures[:3:3] {
		t.Run(f.file, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "wiki")
			out, err := exec.Command("go", "run", "testdata/gen/mkmultistream.go", "-pages-per-stream", "2",
				filepath.Join("testdata", f.file), prefix).CombinedOutput()
			if err != nil {
				t.Fatalf("mkmultistream: %v\n%s", err, out)
			}
			dump, err := os.ReadFile(prefix + "-multistream.xml.bz2")
			if err != nil {
				t.Fatal(err)
			}
			zindex, err := os.ReadFile(prefix + "-multistream-index.txt.bz2")
			if err != nil {
				t.Fatal(err)
			}
			streams, err := ReadIndex(bzip2.NewReader(bytes.NewReader(zindex)), int64(len(dump)))
			if err != nil {
				t.Fatal(err)
			}
			if want := (len(f.pages) + 1) / 2; len(streams) != want {
				t.Fatalf("%d streams, want %d: %+v", len(streams), want, streams)
			}
			for i, s := range streams {
				if want := min(2, len(f.pages)-2*i); s.Pages != want || s.FirstPageID != f.pages[2*i].ID {
					t.Errorf("stream %d = %+v, want %d pages from id %d", i, s, want, f.pages[2*i].ID)
				}
				if s.Offset <= 0 || s.Length <= 0 {
					t.Errorf("stream %d = %+v: empty", i, s)
				}
			}

			ra := bytes.NewReader(dump)
			site, err := ReadMultistreamHeader(ra, streams)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(site, f.site) {
				t.Errorf("header SiteInfo = %+v, want %+v", site, f.site)
			}
			got := make([][]page, len(streams))
			for i := len(streams) - 1; i >= 0; i-- {
				if got[i], err = readAll(OpenStream(ra, streams[i], site), 10); err != nil {
					t.Fatalf("stream %d: %v", i, err)
				}
			}
			var all []page
			for _, g := range got {
				all = append(all, g...)
			}
			comparePages(t, all, f.pages)

			// Decompressed whole, the concatenated streams are the export again.
			whole, err := readAll(NewReader(bzip2.NewReader(bytes.NewReader(dump))), 10)
			if err != nil {
				t.Fatal(err)
			}
			comparePages(t, whole, f.pages)
		})
	}
}

func TestReadMultistreamHeaderErrors(t *testing.T) {
	if _, err := ReadMultistreamHeader(bytes.NewReader(nil), nil); err == nil {
		t.Error("no streams: no error")
	}
	if _, err := ReadMultistreamHeader(bytes.NewReader(nil), []Stream{{Offset: 0, Length: 10}}); err == nil {
		t.Error("stream at offset 0: no error")
	}
	// Not bzip2 at all.
	_, err := ReadMultistreamHeader(strings.NewReader("<mediawiki><siteinfo/>"), []Stream{{Offset: 22}})
	if err == nil || !strings.Contains(err.Error(), "bzip2") {
		t.Errorf("plain XML header: error = %v, want a bzip2 error", err)
	}
}

func TestReadHeader(t *testing.T) {
	tests := []struct {
		in   string
		err  error
		site *SiteInfo
	}{
		{"<mediawiki>\n  <siteinfo><dbname>x</dbname></siteinfo>\n", nil, &SiteInfo{DBName: "x", Namespaces: map[int]string{}}},
		{"<mediawiki>\n  <siteinfo/>", nil, &SiteInfo{Namespaces: map[int]string{}}},
		{"<mediawiki>\n", io.ErrUnexpectedEOF, nil},
		{"<mediawiki><page><title>A</title></page>", ErrMalformed, nil},
		{"<mediawiki></mediawiki>", ErrMalformed, nil},
		{"<html>", ErrNotExport, nil},
	}
	for _, tt := range tests {
		site, err := NewReader(strings.NewReader(tt.in)).readHeader()
		if !errors.Is(err, tt.err) || !reflect.DeepEqual(site, tt.site) {
			t.Errorf("readHeader(%q) = %+v, %v; want %+v, %v", tt.in, site, err, tt.site, tt.err)
		}
	}
}
