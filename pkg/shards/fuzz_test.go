package shards

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// fuzzInstances decodes instances for m from data, a byte or a few per
// field, so that every input gives valid instances.
func fuzzInstances(data []byte, m Meta) []*Instance {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := int(data[0])
		data = data[1:]
		return b
	}
	var out []*Instance
	for len(data) > 0 {
		n := next() % (m.MaxSeqLen + 1)
		inst := &Instance{InputIDs: make([]int32, n), ALength: next() % (n + 1), IsRandomNext: next()%2 == 1}
		for i := range inst.InputIDs {
			inst.InputIDs[i] = int32((next()<<8 | next()) * 7919 % m.VocabSize)
		}
		if m.Masking == MaskingStatic {
			p := -1
			for k := next() % (min(n, m.MaxPredictions) + 1); k > 0; k-- {
				p += 1 + next()%3
				if p >= n {
					break
				}
				inst.MaskedPositions = append(inst.MaskedPositions, int32(p))
				inst.MaskedIDs = append(inst.MaskedIDs, int32(next()*104729%m.VocabSize))
			}
		}
		out = append(out, inst)
	}
	return out
}

func FuzzShardRoundtrip(f *testing.F) {
	f.Add(byte(0), byte(2), []byte("[CLS] the man went to the store [SEP]"))
	f.Add(byte(1), byte(1), []byte{24, 3, 1, 0, 0, 255, 255, 7, 9, 9, 9})
	f.Add(byte(2), byte(7), bytes.Repeat([]byte{200, 17}, 100))
	f.Add(byte(7), byte(3), []byte{})
	f.Fuzz(func(t *testing.T, flags, rows byte, data []byte) {
		m := testMeta(30522, 24, MaskingStatic)
		if flags&1 != 0 {
			m.VocabSize = 250002
		}
		if flags&2 != 0 {
			m.Masking = MaskingDynamic
		}
		if flags&4 != 0 {
			m.MaxSeqLen = 40000
		}
		m.MaxPredictions = 4
		want := fuzzInstances(data, m)
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		dir := t.TempDir()
		opts := []Option{WithAllocator(mem), WithBatchRows(1 + int(rows)%5)}
		var files [2][]byte
		for i := range files {
			path := filepath.Join(dir, "s.arrow")
			writeShard(t, path, m, want, opts...)
			files[i], _ = os.ReadFile(path)
		}
		if !bytes.Equal(files[0], files[1]) {
			t.Fatal("same instances gave different files")
		}
		got, err := readFS(fstest.MapFS{"s.arrow": {Data: files[0]}}, "s.arrow")
		if err != nil {
			t.Fatal(err)
		}
		compareInstances(t, got, want)
	})
}

// FuzzOpen feeds arbitrary bytes to the reader: it must never panic or
// hang, and every error is a one-line sentinel error naming the file.
func FuzzOpen(f *testing.F) {
	tiny, err := os.ReadFile(filepath.Join("testdata", "tiny.arrow"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tiny)
	f.Add(tiny[:len(tiny)/2])
	f.Add([]byte("ARROW1"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.arrow"
		_, err := readFS(fstest.MapFS{name: {Data: data}}, name)
		if err == nil {
			return
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotShard) && !errors.Is(err, ErrVersion) {
			t.Errorf("error %q wraps no sentinel", err)
		}
		if !strings.Contains(err.Error(), name) || strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q is not one line naming the file", err)
		}
	})
}
