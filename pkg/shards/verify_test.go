package shards

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	m := testMeta(30522, 32, MaskingStatic)
	for k := range 3 {
		m.ShardIndex, m.NumShards = k, 3
		writeShard(t, filepath.Join(dir, []string{"a.arrow", "b.arrow", "c.arrow"}[k]), m, randInstances(uint64(k), m, 20), WithBatchRows(8))
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a shard, not checked"), 0o644)
	os.WriteFile(filepath.Join(dir, ".d.arrow.123.tmp"), []byte("leftover of a killed writer"), 0o644)
	if err := Verify(os.DirFS(dir)); err != nil {
		t.Fatalf("Verify of sound shards: %v", err)
	}

	// Damage one shard in its last batch (found only by reading every row)
	// and add a foreign file: both are listed.
	data, _ := os.ReadFile(filepath.Join(dir, "b.arrow"))
	frames := 0
	for i := 0; i+4 <= len(data); i++ {
		if string(data[i:i+4]) == "\x28\xb5\x2f\xfd" {
			frames = i
		}
	}
	data[frames+12] ^= 0xff
	os.WriteFile(filepath.Join(dir, "b.arrow"), data, 0o644)
	os.WriteFile(filepath.Join(dir, "z.arrow"), []byte("hello"), 0o644)
	err := Verify(os.DirFS(dir))
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, ErrNotShard) {
		t.Fatalf("Verify: %v, want ErrCorrupt and ErrNotShard", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "b.arrow") || !strings.Contains(lines[1], "z.arrow") {
		t.Errorf("Verify error lines %q, want one for b.arrow and one for z.arrow", lines)
	}

	// fs.FS implementations without ReadAt work too.
	mapFS := fstest.MapFS{"a.arrow": {Data: data}}
	if err := Verify(noReadAt{mapFS}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Verify through a plain fs.FS: %v", err)
	}
	good, _ := os.ReadFile(filepath.Join(dir, "a.arrow"))
	if err := Verify(noReadAt{fstest.MapFS{"a.arrow": {Data: good}}}); err != nil {
		t.Errorf("Verify through a plain fs.FS: %v", err)
	}
}

// noReadAt hides every method of its files but fs.File's.
type noReadAt struct{ fsys fstest.MapFS }

func (n noReadAt) Open(name string) (fs.File, error) {
	f, err := n.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return struct{ fs.File }{f}, nil
}

func TestRangeAssign(t *testing.T) {
	// n = 10 into 4 shards: sizes 2, 3, 2, 3.
	want := [][2]int{{0, 2}, {2, 5}, {5, 7}, {7, 10}}
	for k, w := range want {
		if lo, hi := Range(10, 4, k); lo != w[0] || hi != w[1] {
			t.Errorf("Range(10, 4, %d) = [%d, %d), want [%d, %d)", k, lo, hi, w[0], w[1])
		}
	}
	for n := 0; n <= 70; n++ {
		for s := 1; s <= 13; s++ {
			next := 0
			for k := range s {
				lo, hi := Range(n, s, k)
				if lo != next || hi-lo < n/s || hi-lo > n/s+1 {
					t.Fatalf("Range(%d, %d, %d) = [%d, %d) after %d", n, s, k, lo, hi, next)
				}
				for i := lo; i < hi; i++ {
					if got := Assign(n, s, i); got != k {
						t.Fatalf("Assign(%d, %d, %d) = %d, want %d", n, s, i, got, k)
					}
				}
				next = hi
			}
			if next != n {
				t.Fatalf("Range(%d, %d, ·) covers [0, %d)", n, s, next)
			}
		}
	}
	// No overflow for large counts.
	const big = 1 << 62
	if lo, hi := Range(big, 1000, 999); hi != big || lo != big-big/1000-1 && lo != big-big/1000 {
		t.Errorf("Range(2^62, 1000, 999) = [%d, %d)", lo, hi)
	}
	if k := Assign(big, 1000, big-1); k != 999 {
		t.Errorf("Assign(2^62, 1000, 2^62-1) = %d", k)
	}
	for _, c := range [][3]int{{10, 0, 0}, {10, 4, 4}, {10, 4, -1}, {-1, 4, 0}} {
		if lo, hi := Range(c[0], c[1], c[2]); lo != 0 || hi != 0 {
			t.Errorf("Range%v = [%d, %d), want [0, 0)", c, lo, hi)
		}
	}
	for _, c := range [][3]int{{10, 0, 0}, {10, 4, 10}, {10, 4, -1}, {0, 4, 0}} {
		if k := Assign(c[0], c[1], c[2]); k != -1 {
			t.Errorf("Assign%v = %d, want -1", c, k)
		}
	}
}

func (n noReadAt) ReadDir(name string) ([]fs.DirEntry, error) { return n.fsys.ReadDir(name) }
