package safetensors

import (
	"path/filepath"
	"testing"
)

// BenchmarkReadFloat32 reads a BERT-base word embedding matrix (V·C =
// 30522·768 float32, 94 MB) from a file in the page cache.
func BenchmarkReadFloat32(b *testing.B) {
	data := make([]float32, 30522*768)
	path := filepath.Join(b.TempDir(), "emb.safetensors")
	if err := Write(path, []Tensor{{Name: "w", Shape: []int64{30522, 768}, Data: data}}, nil); err != nil {
		b.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(int64(len(data)) * 4)
	for b.Loop() {
		if err := f.ReadFloat32("w", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes the same matrix.
func BenchmarkWrite(b *testing.B) {
	data := make([]float32, 30522*768)
	path := filepath.Join(b.TempDir(), "emb.safetensors")
	b.SetBytes(int64(len(data)) * 4)
	for b.Loop() {
		if err := Write(path, []Tensor{{Name: "w", Shape: []int64{30522, 768}, Data: data}}, nil); err != nil {
			b.Fatal(err)
		}
	}
}
