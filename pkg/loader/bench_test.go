package loader

import "testing"

// BenchmarkNext times training batches of 64 sequences of up to 128 tokens
// from 4 shards of 8,192 instances, with dynamic masking; the figure that
// matters is batches per second against the trainer's steps per second.
func BenchmarkNext(b *testing.B) {
	for _, dynamic := range []bool{false, true} {
		name := "static"
		if dynamic {
			name = "dynamic"
		}
		b.Run(name, func(b *testing.B) {
			s := makeSplit(b, b.TempDir(), splitSpec{n: 4 * 8192, shards: 4, maxSeqLen: 128, maxPred: 20, dynamic: dynamic, batchRows: 1024})
			l, err := Open(Config{Dir: s.dir, BatchSize: 64, Seed: 1, Shuffle: true, Mask: testMask}, Cursor{})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.ResetTimer()
			for b.Loop() {
				_, _, err := l.Next()
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "batches/s")
		})
	}
}
