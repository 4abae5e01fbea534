package wikicorpus

import (
	"bytes"
	"compress/bzip2"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bertline/bertline/pkg/tasks"
)

// benchDump is a synthetic dump built once per benchmark process from the
// sample's articles: every page is a sample page whose words are partly
// replaced at random, so that bzip2 sees text about as repetitive as real
// Wikipedia rather than verbatim copies.
var benchDump struct {
	once                        sync.Once
	dir, xml, bz2, multi, index string
	xmlBytes                    int64
	err                         error
}

const benchMB = 48

func setupBenchDump(b *testing.B) {
	benchDump.once.Do(func() {
		benchDump.err = buildBenchDump(benchMB << 20)
	})
	if benchDump.err != nil {
		b.Skip(benchDump.err)
	}
}

func buildBenchDump(target int) error {
	for _, tool := range []string{"bzip2", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("benchmark needs %s on PATH", tool)
		}
	}
	src, err := os.ReadFile(sampleXML)
	if err != nil {
		return err
	}
	first := bytes.Index(src, []byte("<page>"))
	last := bytes.LastIndex(src, []byte("</page>")) + len("</page>")
	header, footer := src[:first], src[last:]
	pageRE := regexp.MustCompile(`(?s)<page>.*?</page>`)
	pages := pageRE.FindAll(src[first:last], -1)
	wordRE := regexp.MustCompile(`[A-Za-z]{3,}`)
	words := wordRE.FindAll(src, -1)
	idRE := regexp.MustCompile(`<id>\d+</id>`)
	titleRE := regexp.MustCompile(`<title>[^<]*</title>`)

	rng := rand.New(rand.NewPCG(1, 2))
	var xml bytes.Buffer
	xml.Write(header)
	for n := 0; xml.Len() < target; n++ {
		p := pages[rng.IntN(len(pages))]
		p = scramble(p, wordRE, words, rng)
		p = idRE.ReplaceAllLiteral(p, []byte("<id>"+strconv.Itoa(n+1)+"</id>"))
		p = titleRE.ReplaceAllLiteral(p, []byte("<title>Page "+strconv.Itoa(n+1)+"</title>"))
		xml.WriteString("  ")
		xml.Write(p)
		xml.WriteString("\n")
	}
	xml.Write(footer)

	dir, err := os.MkdirTemp("", "bertline-bench-")
	if err != nil {
		return err
	}
	benchDump.dir = dir
	benchDump.xml = filepath.Join(dir, "enwiki-bench-pages-articles.xml")
	benchDump.xmlBytes = int64(xml.Len())
	if err := os.WriteFile(benchDump.xml, xml.Bytes(), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command("bzip2", "-k", benchDump.xml).CombinedOutput(); err != nil {
		return fmt.Errorf("bzip2: %v: %s", err, out)
	}
	benchDump.bz2 = benchDump.xml + ".bz2"
	prefix := filepath.Join(dir, "enwiki-bench-pages-articles")
	gen := exec.Command("go", "run", "../wikidump/testdata/gen/mkmultistream.go", "-pages-per-stream", "100", benchDump.xml, prefix)
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("mkmultistream: %v: %s", err, out)
	}
	benchDump.multi = prefix + "-multistream.xml.bz2"
	benchDump.index = prefix + "-multistream-index.txt.bz2"
	return nil
}

// scramble replaces about half the words of a page's <text> with random
// words, leaving markup, entities and the XML structure alone.
func scramble(page []byte, wordRE *regexp.Regexp, words [][]byte, rng *rand.Rand) []byte {
	open := bytes.Index(page, []byte("<text"))
	if open < 0 || bytes.Count(page, []byte("<text")) > 1 {
		return page
	}
	start := open + bytes.IndexByte(page[open:], '>') + 1
	end := bytes.LastIndex(page, []byte("</text>"))
	if end < start {
		return page
	}
	var out []byte
	out = append(out, page[:start]...)
	text := page[start:end]
	prev := 0
	for _, m := range wordRE.FindAllIndex(text, -1) {
		out = append(out, text[prev:m[0]]...)
		if m[0] > 0 && (text[m[0]-1] == '&' || text[m[0]-1] == '#') || rng.IntN(2) == 0 {
			out = append(out, text[m[0]:m[1]]...)
		} else {
			out = append(out, words[rng.IntN(len(words))]...)
		}
		prev = m[1]
	}
	out = append(out, text[prev:]...)
	return append(out, page[end:]...)
}

// BenchmarkFetch measures the whole stage (decompress, parse, clean,
// segment, compress, write) in MB/s of uncompressed XML, next to bzip2
// decompression alone — C's bzip2 -dc and Go's compress/bzip2 — on the same
// file. "MB/s/core" divides by the cores the run used.
func BenchmarkFetch(b *testing.B) {
	setupBenchDump(b)
	report := func(b *testing.B, cores int, start time.Time) {
		sec := time.Since(start).Seconds() / float64(b.N)
		b.ReportMetric(float64(benchDump.xmlBytes)/1e6/sec/float64(cores), "MB/s/core")
	}
	b.Run("reference=bzip2-dc", func(b *testing.B) {
		b.SetBytes(benchDump.xmlBytes)
		start := time.Now()
		for range b.N {
			cmd := exec.Command("bzip2", "-dc", benchDump.bz2)
			cmd.Stdout = io.Discard
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
		}
		report(b, 1, start)
	})
	b.Run("reference=go-bzip2", func(b *testing.B) {
		b.SetBytes(benchDump.xmlBytes)
		start := time.Now()
		for range b.N {
			f, err := os.Open(benchDump.bz2)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, bzip2.NewReader(f))
			f.Close()
		}
		report(b, 1, start)
	})
	cores := runtime.GOMAXPROCS(0)
	for _, c := range []struct {
		name        string
		dump, index string
		cores       int
	}{
		{"single-stream-bz2/cores=" + strconv.Itoa(cores), benchDump.bz2, "", cores},
		{"multistream/cores=1", benchDump.multi, benchDump.index, 1},
		{"multistream/cores=" + strconv.Itoa(cores), benchDump.multi, benchDump.index, cores},
		{"plain-xml/cores=" + strconv.Itoa(cores), benchDump.xml, "", cores},
	} {
		b.Run(c.name, func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.cores))
			b.SetBytes(benchDump.xmlBytes)
			start := time.Now()
			for range b.N {
				out := b.TempDir()
				cfg := Config{Dump: c.dump, Index: c.index, Out: out, Split: tasks.Single, Workers: c.cores, Progress: quiet}
				if _, err := Run(context.Background(), cfg); err != nil {
					b.Fatal(err)
				}
			}
			report(b, c.cores, start)
		})
	}
}
