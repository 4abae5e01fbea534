package wikitext

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.txt from the cleaner's output")

// goldenOptions returns the options for a golden input: "name.lists.wiki"
// keeps lists, anything else uses the defaults.
func goldenOptions(path string) Options {
	if strings.HasSuffix(path, ".lists.wiki") {
		return Options{KeepLists: true}
	}
	return Options{}
}

// TestGolden cleans each testdata/*.wiki article and compares the result
// with testdata/*.txt. Run with -update to rewrite the .txt files, then
// read the diff.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.wiki"))
	if err != nil {
		t.Fatal(err)
	}
	if len(inputs) == 0 {
		t.Fatal("no testdata/*.wiki files")
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			c := NewCleaner(goldenOptions(in))
			got := c.Clean(nil, src)
			checkOutput(t, c, src, got)
			golden := strings.TrimSuffix(in, ".wiki") + ".txt"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Clean(%s) differs from %s:\n%s", in, golden, lineDiff(want, got))
			}
		})
	}
}

// lineDiff lists the first lines that differ between want and got.
func lineDiff(want, got []byte) string {
	w := strings.Split(string(want), "\n")
	g := strings.Split(string(got), "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 5; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + itoa(i+1) + ":\n  want: " + wl + "\n   got: " + gl + "\n")
			shown++
		}
	}
	return b.String()
}
