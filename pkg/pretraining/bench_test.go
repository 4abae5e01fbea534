package pretraining

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bertline/bertline/pkg/wordpiece"
)

// BenchmarkPretrain measures text → shards (tokenize, instances with dupe
// factor 5, block files, shard assembly) in MB/s of input text per core.
// Google's create_pretraining_data.py does about 0.4 MB/s per core on the
// same text on this class of machine (tokenizing plus instances; measured by
// running the reference with pkg/instances/testdata/gen/google.py's loader).
// On a busy machine wall-clock MB/s understates; cpu-MB/s divides by the
// process's CPU time instead (run with GOMAXPROCS=1 for MB/s per core).
func BenchmarkPretrain(b *testing.B) {
	text := sampleText(b)
	data, _ := os.ReadFile(text)
	big := filepath.Join(b.TempDir(), "big.txt")
	os.WriteFile(big, []byte(strings.Repeat(string(data)+"\n\n", 8)), 0o644)
	p := DefaultParams()
	p.BlockDocs = 64
	b.SetBytes(int64(8 * (len(data) + 2)))
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		cfg := Config{Corpora: []string{big}, Vocab: loadVocabB(b), Out: b.TempDir(), Params: p, Workers: 1, Progress: quiet}
		cfg.Split.Count = 1
		if _, err := Run(b.Context(), cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)*float64(8*(len(data)+2))/1e6/cpu.Seconds(), "cpu-MB/s")
	}
}

// cpuTime returns the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadVocabB(b *testing.B) *wordpiece.Vocab {
	v, err := wordpiece.LoadVocab(vocabPath)
	if err != nil {
		b.Fatal(err)
	}
	return v
}
