package manifest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestRoundTripAndVerify(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Describe(filepath.Join(dir, "a.txt"), "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	// sha256("abc") from FIPS 180-2, appendix B.1.
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; f.SHA256 != want || f.Bytes != 3 {
		t.Fatalf("Describe = %+v, want 3 bytes and %s", f, want)
	}
	f.Counts = map[string]int64{"lines": 1}
	m := &Manifest{Stage: "test", Version: "v0", Command: []string{"x", "--y"},
		Inputs: []File{}, Outputs: []File{f}, Counts: map[string]int64{"documents": 1}}
	if err := Write(dir, m); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("Read = %+v, want %+v", got, m)
	}
	if err := Verify(dir, got); err != nil {
		t.Fatalf("Verify on intact dir: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("abd"), 0o644)
	if err := Verify(dir, got); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("Verify on altered file: %v", err)
	}
	os.Remove(filepath.Join(dir, "a.txt"))
	if err := Verify(dir, got); err == nil {
		t.Fatal("Verify on missing file succeeded")
	}
}

func TestReadMissing(t *testing.T) {
	_, err := Read(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read of empty dir: %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	m := &Manifest{Stage: "s", Params: map[string]any{"z": 1, "a": "<&>"}}
	Write(a, m)
	Write(b, m)
	x, _ := os.ReadFile(filepath.Join(a, Name))
	y, _ := os.ReadFile(filepath.Join(b, Name))
	if string(x) != string(y) || !strings.Contains(string(x), `"<&>"`) {
		t.Fatalf("manifests differ or escape HTML:\n%s\n%s", x, y)
	}
}

func TestPrepareWork(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	type params struct{ A int }
	if err := PrepareWork(out, params{1}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, WorkDir, ".part.123.tmp"), nil, 0o644) // left by a kill
	if err := PrepareWork(out, params{1}); err != nil {
		t.Fatalf("same parameters: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, WorkDir, ".part.123.tmp")); err == nil {
		t.Error("temporary file not removed")
	}
	if err := PrepareWork(out, params{2}); err == nil || !strings.Contains(err.Error(), "other settings") {
		t.Fatalf("other parameters: %v", err)
	}
}

func TestComplete(t *testing.T) {
	dir := t.TempDir()
	type params struct {
		Size int    `json:"size"`
		Mode string `json:"mode"`
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("abc"), 0o644)
	f, _ := Describe(filepath.Join(dir, "a.txt"), "a.txt")
	if Complete(dir, "s", params{1, "x"}) {
		t.Fatal("complete without a manifest")
	}
	Write(dir, &Manifest{Stage: "s", Params: params{1, "x"}, Outputs: []File{f}})
	if !Complete(dir, "s", params{1, "x"}) {
		t.Error("same stage and parameters not recognised")
	}
	if Complete(dir, "s", params{2, "x"}) || Complete(dir, "other", params{1, "x"}) {
		t.Error("other parameters or stage accepted")
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("abd"), 0o644)
	if Complete(dir, "s", params{1, "x"}) {
		t.Error("altered output accepted")
	}
}
