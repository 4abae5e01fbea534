package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCommitReplaces(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(dest, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Create(dest)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("new content"))
	// Before Commit the destination still holds the old bytes.
	if b, _ := os.ReadFile(dest); string(b) != "old" {
		t.Fatalf("before commit: %q", b)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "new content" {
		t.Fatalf("after commit: %q", b)
	}
	assertOnly(t, dir, "a.txt")
	if err := f.Commit(); err == nil {
		t.Error("second Commit succeeded")
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "b.txt"))
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("partial"))
	f.Abort()
	f.Abort() // idempotent
	assertOnly(t, dir)
}

func TestWriteFileAndTemps(t *testing.T) {
	dir := t.TempDir()
	if err := WriteFile(filepath.Join(dir, "c.json"), []byte("{}")); err != nil {
		t.Fatal(err)
	}
	// A leftover from a killed process.
	os.WriteFile(filepath.Join(dir, ".c.json.123.tmp"), []byte("{"), 0o644)
	if err := RemoveTemps(dir); err != nil {
		t.Fatal(err)
	}
	assertOnly(t, dir, "c.json")
	if err := WriteFile(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("WriteFile into a missing directory succeeded")
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("directory holds %q, want %q", got, names)
	}
	for i := range got {
		if got[i] != names[i] {
			t.Fatalf("directory holds %q, want %q", got, names)
		}
	}
}
