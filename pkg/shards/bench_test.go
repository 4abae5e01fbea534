package shards

import (
	"io"
	"path/filepath"
	"testing"
)

// benchInstances are 16,384 instances of up to 128 tokens with up to 20
// masked positions, the shape of BERT's phase-1 data.
func benchInstances() (Meta, []*Instance, int64) {
	m := testMeta(30522, 128, MaskingStatic)
	insts := randInstances(42, m, 16384)
	var bytes int64
	for _, inst := range insts {
		bytes += 4 * int64(len(inst.InputIDs)+2*len(inst.MaskedPositions)+2)
	}
	return m, insts, bytes
}

// BenchmarkWrite measures Writer throughput; MB/s counts instances as
// int32 ids, positions and scalars.
func BenchmarkWrite(b *testing.B) {
	m, insts, size := benchInstances()
	path := filepath.Join(b.TempDir(), "s.arrow")
	b.SetBytes(size)
	for b.Loop() {
		writeShard(b, path, m, insts)
	}
	b.ReportMetric(float64(len(insts))*float64(b.N)/b.Elapsed().Seconds(), "instances/s")
}

// BenchmarkRead measures Open plus Next over a whole shard.
func BenchmarkRead(b *testing.B) {
	m, insts, size := benchInstances()
	path := filepath.Join(b.TempDir(), "s.arrow")
	writeShard(b, path, m, insts)
	b.SetBytes(size)
	for b.Loop() {
		r, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
	b.ReportMetric(float64(len(insts))*float64(b.N)/b.Elapsed().Seconds(), "instances/s")
}
