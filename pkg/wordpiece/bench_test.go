package wordpiece

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sampleProse returns the sample corpus's expected text: English prose, one
// sentence a line.
func sampleProse(b *testing.B) [][]byte {
	b.Helper()
	var lines [][]byte
	files := []string{filepath.Join("..", "..", "data", "sample", "expected", "enwiki-sample.txt")}
	books, _ := filepath.Glob(filepath.Join("..", "..", "data", "sample", "expected", "books", "*.txt"))
	for _, name := range append(files, books...) {
		data, err := os.ReadFile(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			if len(l) > 0 {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// BenchmarkTokenize measures AppendIDs on the sample corpus's English prose
// with the uncased vocabulary, one line a call; bytes are input bytes. On a
// busy machine wall-clock MB/s understates; cpu-MB/s divides by the
// process's CPU time instead, as testdata/gen/bench.js does for the
// HuggingFace tokenizer.
func BenchmarkTokenize(b *testing.B) {
	uncased, cased := vocabs(b)
	lines := sampleProse(b)
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	for _, bc := range []struct {
		name string
		tok  *Tokenizer
	}{
		{"uncased", New(uncased, Options{Lowercase: true})},
		{"cased", New(cased, Options{})},
		{"uncased-google", New(uncased, Options{Lowercase: true, Compat: Google})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(n))
			dst := make([]int32, 0, 4096)
			b.ResetTimer()
			cpu0, loops := cpuTime(), 0
			for b.Loop() {
				for _, l := range lines {
					dst = bc.tok.AppendIDs(dst[:0], l)
				}
				loops++
			}
			if cpu := cpuTime() - cpu0; cpu > 0 {
				b.ReportMetric(float64(n)*float64(loops)/1e6/cpu.Seconds(), "cpu-MB/s")
			}
		})
	}
}

// BenchmarkMultilingual measures AppendIDs on the golden files' non-ASCII
// lines (accents, Greek, Cyrillic, CJK, Arabic, Indic, emoji).
func BenchmarkMultilingual(b *testing.B) {
	uncased, _ := vocabs(b)
	data, err := os.ReadFile(filepath.Join("testdata", "inputs", "multilingual.txt"))
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(data, []byte("\n"))
	tok := New(uncased, Options{Lowercase: true})
	b.SetBytes(int64(len(data)))
	dst := make([]int32, 0, 4096)
	for b.Loop() {
		for _, l := range lines {
			dst = tok.AppendIDs(dst[:0], l)
		}
	}
}
