package bz2

import (
	"bytes"
	"compress/bzip2"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// BenchmarkDecode decodes the same files with this package, compress/bzip2
// and the bzip2 command ("bzip2 -dc", a process reading a pipe) in one run,
// for ratios from interleaved runs on a noisy machine:
//
//	go test ./pkg/bz2 -run '^$' -bench Decode -count 6 | tee /tmp/bz2.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl /tmp/bz2.txt
//
// The files are compressed by the bzip2 command; the benchmark skips
// without it. Set BZ2_BENCH_DIR to keep the files there.

const sampleXML = "../../data/sample/enwiki-sample-pages-articles.xml"

var benchFiles = sync.OnceValues(func() (map[string][]byte, error) {
	if _, err := exec.LookPath("bzip2"); err != nil {
		return nil, err
	}
	files := map[string][]byte{
		"wiki":  wikiLike(24<<20, 1),
		"words": randomWords(16<<20, 2),
	}
	for _, name := range []string{"wiki", "words"} {
		raw := files[name]
		comp, err := compressCLI(raw, "-9")
		if err != nil {
			return nil, err
		}
		files[name+".bz2"] = comp
		if dir := os.Getenv("BZ2_BENCH_DIR"); dir != "" {
			os.WriteFile(dir+"/"+name+".xml", raw, 0o644)
			os.WriteFile(dir+"/"+name+".xml.bz2", comp, 0o644)
		}
	}
	return files, nil
})

func BenchmarkDecode(b *testing.B) {
	files, err := benchFiles()
	if err != nil {
		b.Skip("needs the bzip2 command:", err)
	}
	impls := []struct {
		name   string
		decode func(comp []byte, buf []byte) (int64, error)
	}{
		{"bz2", func(comp, buf []byte) (int64, error) {
			return io.CopyBuffer(io.Discard, struct{ io.Reader }{NewReader(bytes.NewReader(comp))}, buf)
		}},
		{"stdlib", func(comp, buf []byte) (int64, error) {
			return io.CopyBuffer(io.Discard, struct{ io.Reader }{bzip2.NewReader(bytes.NewReader(comp))}, buf)
		}},
		{"bzip2-dc", func(comp, buf []byte) (int64, error) {
			cmd := exec.Command("bzip2", "-dc")
			cmd.Stdin = bytes.NewReader(comp)
			var out countWriter
			cmd.Stdout = &out
			err := cmd.Run()
			return int64(out), err
		}},
	}
	for _, name := range []string{"wiki", "words"} {
		raw, comp := files[name], files[name+".bz2"]
		b.Logf("%s: %d bytes, bzip2 -9 to %d (%.2f:1)", name, len(raw), len(comp), float64(len(raw))/float64(len(comp)))
		for _, impl := range impls {
			b.Run(fmt.Sprintf("file=%s/impl=%s", name, impl.name), func(b *testing.B) {
				b.SetBytes(int64(len(raw)))
				buf := make([]byte, 64<<10)
				for b.Loop() {
					n, err := impl.decode(comp, buf)
					if err != nil || n != int64(len(raw)) {
						b.Fatalf("decoded %d bytes, %v; want %d", n, err, len(raw))
					}
				}
			})
		}
	}
}

// A countWriter counts the bytes written to it.
type countWriter int64

func (w *countWriter) Write(p []byte) (int, error) {
	*w += countWriter(len(p))
	return len(p), nil
}

// wikiLike returns about size bytes of MediaWiki export XML resembling a
// Wikipedia dump: the pages of the repository's sample export, repeated with
// fresh titles and ids, and article text drawn from a word-level Markov chain
// trained on the sample's text, so that it compresses about as well as real
// articles rather than as well as repeated text. Without the sample it
// returns randomWords.
func wikiLike(size int, seed uint64) []byte {
	sample, err := os.ReadFile(sampleXML)
	if err != nil {
		return randomWords(size, seed)
	}
	s := string(sample)
	first, last := strings.Index(s, "  <page>"), strings.LastIndex(s, "</page>\n")
	if first < 0 || last < first {
		return randomWords(size, seed)
	}
	header, footer := s[:first], s[last+len("</page>\n"):]
	pages := strings.SplitAfter(s[first:last+len("</page>\n")], "</page>\n")
	pages = pages[:len(pages)-1]

	textRe := regexp.MustCompile(`(?s)(<text[^>]*>)(.*?)(</text>)`)
	var words []string
	for _, m := range textRe.FindAllStringSubmatch(s, -1) {
		words = append(words, strings.SplitAfter(m[2], " ")...)
	}
	chain := map[string][]string{}
	for i := 1; i < len(words); i++ {
		chain[words[i-1]] = append(chain[words[i-1]], words[i])
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	const rare = 9 // percent of words taken from tail
	tail := randomVocabulary(rng, 50000)
	markov := func(n int) string {
		var sb strings.Builder
		w := words[rng.IntN(len(words))]
		for sb.Len() < n {
			next := chain[w]
			if len(next) == 0 {
				w = words[rng.IntN(len(words))]
				continue
			}
			w = next[rng.IntN(len(next))]
			if rng.IntN(100) < rare {
				// A rare word: real articles have a long tail of names and
				// terms that a small sample lacks.
				sb.WriteString(tail[int(rng.ExpFloat64()*float64(len(tail)/8))%len(tail)])
				sb.WriteByte(' ')
				continue
			}
			sb.WriteString(w)
		}
		return sb.String()
	}
	idRe := regexp.MustCompile(`<id>\d+</id>`)
	titleRe := regexp.MustCompile(`<title>([^<]*)</title>`)
	var out bytes.Buffer
	out.WriteString(header)
	for n := 0; out.Len() < size; n++ {
		p := pages[rng.IntN(len(pages))]
		p = idRe.ReplaceAllStringFunc(p, func(string) string {
			return fmt.Sprintf("<id>%d</id>", rng.IntN(80_000_000))
		})
		p = titleRe.ReplaceAllString(p, fmt.Sprintf("<title>$1 (%d)</title>", n))
		p = textRe.ReplaceAllStringFunc(p, func(m string) string {
			sub := textRe.FindStringSubmatch(m)
			return sub[1] + markov(len(sub[2])) + sub[3]
		})
		out.WriteString(p)
	}
	out.WriteString(footer)
	return out.Bytes()
}

// randomWords returns about size bytes of lines of words drawn uniformly from
// a fixed made-up vocabulary: text that compresses worse than prose.
func randomWords(size int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0))
	vocab := randomVocabulary(rng, 5000)
	var out bytes.Buffer
	for out.Len() < size {
		for range 5 + rng.IntN(15) {
			out.WriteString(vocab[rng.IntN(len(vocab))])
			out.WriteByte(' ')
		}
		out.WriteString(".\n")
	}
	return out.Bytes()
}

// compressCLI compresses raw with the bzip2 command and the given flags.
func compressCLI(raw []byte, flags ...string) ([]byte, error) {
	cmd := exec.Command("bzip2", append(flags, "-c")...)
	cmd.Stdin = bytes.NewReader(raw)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("bzip2 %v: %w: %s", flags, err, stderr.String())
	}
	return out, nil
}

// randomVocabulary returns n made-up words of 2 to 10 letters, some
// capitalised.
func randomVocabulary(rng *rand.Rand, n int) []string {
	vocab := make([]string, n)
	for i := range vocab {
		w := make([]byte, 2+rng.IntN(9))
		for j := range w {
			w[j] = byte('a' + rng.IntN(26))
		}
		if rng.IntN(4) == 0 {
			w[0] -= 'a' - 'A'
		}
		vocab[i] = string(w)
	}
	return vocab
}
