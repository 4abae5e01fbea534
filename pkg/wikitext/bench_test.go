package wikitext

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkClean cleans the golden articles one page at a time, as the fetch
// stage does, and reports input throughput.
func BenchmarkClean(b *testing.B) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.wiki"))
	if err != nil || len(inputs) == 0 {
		b.Fatalf("no testdata/*.wiki files: %v", err)
	}
	var pages [][]byte
	var n int64
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, src)
		n += int64(len(src))
	}
	c := NewCleaner(Options{})
	var dst []byte
	b.SetBytes(n)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			dst = c.Clean(dst[:0], p)
		}
	}
}

func BenchmarkIsDisambiguation(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("testdata", "river.wiki"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		IsDisambiguation("River Tallow", src)
	}
}
