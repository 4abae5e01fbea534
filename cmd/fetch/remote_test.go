package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bertline/bertline/pkg/manifest"
)

// wikimediaMirror serves the sample multistream dump as Wikimedia lays out
// dump 20240601 of "enwiki", with its sha1sums and a latest/ directory.
func wikimediaMirror(t *testing.T, corruptDump bool) (*httptest.Server, *sync.Map) {
	t.Helper()
	files := map[string][]byte{}
	var sums strings.Builder
	for _, kind := range []string{"pages-articles-multistream.xml.bz2", "pages-articles-multistream-index.txt.bz2"} {
		b, err := os.ReadFile(sample + "enwiki-sample-" + kind)
		if err != nil {
			t.Fatal(err)
		}
		name := "enwiki-20240601-" + kind
		sum := sha1.Sum(b)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
		if corruptDump && strings.HasSuffix(kind, "xml.bz2") {
			b = append([]byte{}, b...)
			b[len(b)/2] ^= 0xff
		}
		files["/enwiki/20240601/"+name] = b
	}
	files["/enwiki/20240601/enwiki-20240601-sha1sums.txt"] = []byte(sums.String())
	files["/enwiki/latest/enwiki-latest-sha1sums.txt"] = []byte(sums.String())
	requests := new(sync.Map)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := requests.LoadOrStore(r.URL.Path, new(int))
		*(n.(*int))++
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, path.Base(r.URL.Path), fixedTime, strings.NewReader(string(b)))
	}))
	t.Cleanup(srv.Close)
	return srv, requests
}

func TestWikipediaFromMirror(t *testing.T) {
	want, err := os.ReadFile(sample + "expected/enwiki-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, date := range []string{"20240601", "latest"} {
		t.Run(date, func(t *testing.T) {
			srv, requests := wikimediaMirror(t, false)
			out, cache := t.TempDir(), t.TempDir()
			args := []string{"wikipedia", "--mirror", srv.URL, "--lang", "en", "--date", date, "--out", out, "--cache", cache}
			if _, err := run(t, args...); err != nil {
				t.Fatal(err)
			}
			diffLines(t, "mirror "+date, corpusText(t, out), string(want))
			m, err := manifest.Read(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Inputs) != 2 {
				t.Fatalf("inputs %+v, want the dump and its index", m.Inputs)
			}
			// A second run finds both files in the cache and the output complete.
			dumpPath := "/enwiki/20240601/enwiki-20240601-pages-articles-multistream.xml.bz2"
			before, _ := requests.Load(dumpPath)
			if _, err := run(t, args...); err != nil {
				t.Fatal(err)
			}
			after, _ := requests.Load(dumpPath)
			if *(before.(*int)) != 1 || *(after.(*int)) != 1 {
				t.Errorf("dump requested %d then %d times, want once", *(before.(*int)), *(after.(*int)))
			}
		})
	}
}

func TestWikipediaMirrorChecksumMismatch(t *testing.T) {
	srv, _ := wikimediaMirror(t, true)
	out, cache := t.TempDir(), t.TempDir()
	_, err := run(t, "wikipedia", "--mirror", srv.URL, "--date", "20240601", "--out", out, "--cache", cache)
	if err == nil || !strings.Contains(err.Error(), "enwiki-20240601-pages-articles-multistream.xml.bz2") {
		t.Fatalf("corrupted download: %v", err)
	}
	if _, err := os.Stat(out + "/" + manifest.Name); err == nil {
		t.Fatal("manifest written for a corrupted download")
	}
	entries, _ := os.ReadDir(cache)
	for _, e := range entries {
		if e.Name() == "enwiki-20240601-pages-articles-multistream.xml.bz2" {
			t.Fatal("corrupted download kept in the cache under its final name")
		}
	}
}

var fixedTime = mustTime("2024-06-01T00:00:00Z")

func mustTime(s string) (t time.Time) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
