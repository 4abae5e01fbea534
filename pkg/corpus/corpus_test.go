package corpus

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/bertline/bertline/pkg/manifest"
)

func sentences(ss ...string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		out = append(out, []byte(s))
	}
	return out
}

func writePart(t *testing.T, dir string, i int, docs map[int64][]string) *Part {
	t.Helper()
	w, err := CreatePart(dir, i)
	if err != nil {
		t.Fatal(err)
	}
	for id := int64(0); id < 100; id++ {
		if ss, ok := docs[id]; ok {
			if err := w.Add(id, "T"+string(rune('A'+id)), sentences(ss...)); err != nil {
				t.Fatal(err)
			}
		}
	}
	w.Count("pages", 7)
	p, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readText(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var b strings.Builder
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		b.WriteString(sc.Text() + "\n")
	}
	return b.String()
}

func TestPartsDocumentsAndManifest(t *testing.T) {
	dir := t.TempDir()
	writePart(t, dir, 1, map[int64][]string{3: {"Gamma one."}})
	m := &manifest.Manifest{Stage: "test", Params: map[string]int{"x": 1}}
	if done, err := Finalize(dir, 2, m); err != nil || done {
		t.Fatalf("Finalize with part 0 missing = %v, %v", done, err)
	}
	writePart(t, dir, 0, map[int64][]string{1: {"Alpha one.", "Alpha two."}, 2: {}, 0: {"Zero."}})
	if _, ok := ReadPart(dir, 0); !ok {
		t.Fatal("part 0 not recorded as done")
	}
	done, err := Finalize(dir, 2, m)
	if err != nil || !done {
		t.Fatalf("Finalize = %v, %v", done, err)
	}
	if got, want := readText(t, filepath.Join(dir, PartName(0))), "Zero.\n\nAlpha one.\nAlpha two.\n\n"; got != want {
		t.Errorf("part 0 text %q, want %q", got, want)
	}
	docs, _ := os.ReadFile(filepath.Join(dir, DocumentsName))
	wantDocs := `{"id":0,"title":"TA","file":"part-00000.txt.zst","line":1,"sentences":1,"bytes":6}
{"id":1,"title":"TB","file":"part-00000.txt.zst","line":3,"sentences":2,"bytes":22}
{"id":3,"title":"TD","file":"part-00001.txt.zst","line":1,"sentences":1,"bytes":11}
`
	if string(docs) != wantDocs {
		t.Errorf("documents.jsonl:\n%s\nwant:\n%s", docs, wantDocs)
	}
	got, err := manifest.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[string]int64{"documents": 3, "sentences": 4, "text_bytes": 39, "pages": 14, "parts": 2}
	if !reflect.DeepEqual(got.Counts, wantCounts) {
		t.Errorf("counts %v, want %v", got.Counts, wantCounts)
	}
	if len(got.Outputs) != 3 || manifest.Verify(dir, got) != nil {
		t.Errorf("outputs %+v do not verify", got.Outputs)
	}
	if _, err := os.Stat(filepath.Join(dir, workDir)); !os.IsNotExist(err) {
		t.Errorf(".work left behind: %v", err)
	}
	if !manifest.Complete(dir, "test", map[string]int{"x": 1}) || manifest.Complete(dir, "test", map[string]int{"x": 2}) {
		t.Error("Complete does not compare parameters")
	}
	var seen []string
	names, _ := Parts(dir)
	for _, n := range names {
		err := ReadDocuments(filepath.Join(dir, n), func(ss [][]byte) error {
			var parts []string
			for _, s := range ss {
				parts = append(parts, string(s))
			}
			seen = append(seen, strings.Join(parts, "|"))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"Zero.", "Alpha one.|Alpha two.", "Gamma one."}; !reflect.DeepEqual(seen, want) {
		t.Errorf("ReadDocuments gave %q, want %q", seen, want)
	}
}

func TestDeterministicBytes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	docs := map[int64][]string{1: {strings.Repeat("word ", 5000) + "end."}, 2: {"Two."}}
	pa := writePart(t, a, 0, docs)
	pb := writePart(t, b, 0, docs)
	if pa.File.SHA256 != pb.File.SHA256 {
		t.Fatal("same documents gave different part bytes")
	}
	if got, _ := manifest.Describe(filepath.Join(a, PartName(0)), PartName(0)); got.SHA256 != pa.File.SHA256 {
		t.Fatal("recorded sha256 differs from the file's")
	}
}

func TestRejectsBadSentences(t *testing.T) {
	w, err := CreatePart(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Add(1, "x", sentences("a\nb")); err == nil {
		t.Error("sentence with newline accepted")
	}
	if err := w.Add(1, "x", sentences("")); err == nil {
		t.Error("empty sentence accepted")
	}
}

func TestTruncatedPart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, PartName(0))
	f, _ := os.Create(path)
	zw, _ := zstd.NewWriter(f)
	zw.Write([]byte("One.\nTwo.\n")) // no closing blank line
	zw.Close()
	f.Close()
	err := ReadDocuments(path, func([][]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("truncated part: %v", err)
	}
}
