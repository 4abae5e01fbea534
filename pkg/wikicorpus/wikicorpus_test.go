package wikicorpus

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/corpus"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/tasks"
)

const (
	sampleXML   = "../../data/sample/enwiki-sample-pages-articles.xml"
	sampleBz2   = "../../data/sample/enwiki-sample-pages-articles.xml.bz2"
	sampleMulti = "../../data/sample/enwiki-sample-pages-articles-multistream.xml.bz2"
	sampleIndex = "../../data/sample/enwiki-sample-pages-articles-multistream-index.txt.bz2"
)

var quiet = progress.Config{Out: io.Discard, Terminal: new(bool), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

func config(dump, index, out string, ppp int) Config {
	return Config{Dump: dump, Index: index, Out: out, Split: tasks.Single, Workers: 3,
		Params:   Params{PagesPerPart: ppp},
		Manifest: manifest.Manifest{Version: "test", Command: []string{"test"}},
		Progress: quiet}
}

func mustRun(t *testing.T, cfg Config) *Stats {
	t.Helper()
	st, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Run(%s): %v", cfg.Dump, err)
	}
	return st
}

// files returns the names and contents of the regular files in dir, except
// the manifest, whose command line differs between runs.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || e.Name() == manifest.Name {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(b)
	}
	return out
}

func sameFiles(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d files, want %d", what, len(got), len(want))
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || g != w {
			t.Errorf("%s: %s differs (present: %v)", what, name, ok)
		}
	}
}

// The reading modes, worker counts and task splits give the same bytes.
func TestModesAgree(t *testing.T) {
	const ppp = 6 // not a multiple of the sample's 4 pages per stream
	ref := t.TempDir()
	st := mustRun(t, config(sampleXML, "", ref, ppp))
	if !st.Finalized || st.Documents < 30 || st.Redirects < 4 || st.OtherNamespaces < 6 || st.Disambiguation != 1 {
		t.Fatalf("unexpected stats %+v", st)
	}
	want := files(t, ref)
	if parts, _ := corpus.Parts(ref); len(parts) < 5 {
		t.Fatalf("only %d parts; the test needs several", len(parts))
	}

	for _, c := range []struct {
		name, dump, index string
		workers           int
	}{
		{"bz2", sampleBz2, "", 1},
		{"multistream", sampleMulti, sampleIndex, 4},
		{"multistream-1-worker", sampleMulti, sampleIndex, 1},
	} {
		dir := t.TempDir()
		cfg := config(c.dump, c.index, dir, ppp)
		cfg.Workers = c.workers
		mustRun(t, cfg)
		sameFiles(t, c.name, files(t, dir), want)
	}

	// Three tasks sharing one directory, finishing in an arbitrary order:
	// only the last one writes documents.jsonl and manifest.json.
	shared := t.TempDir()
	for i, idx := range []int{2, 0, 1} {
		cfg := config(sampleMulti, sampleIndex, shared, ppp)
		cfg.Split = tasks.Split{Index: idx, Count: 3}
		st := mustRun(t, cfg)
		if last := i == 2; st.Finalized != last {
			t.Fatalf("task %d finalized=%v", idx, st.Finalized)
		}
	}
	sameFiles(t, "3 tasks", files(t, shared), want)
	m, err := manifest.Read(shared)
	if err != nil {
		t.Fatal(err)
	}
	if err := manifest.Verify(shared, m); err != nil {
		t.Fatal(err)
	}
	if m.Counts["documents"] != st.Documents || m.Counts["pages"] != st.Pages {
		t.Errorf("manifest counts %v disagree with a single run's %+v", m.Counts, st)
	}
}

// A complete directory is not redone; one that lost files is rebuilt to the same bytes.
func TestRerun(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, config(sampleMulti, sampleIndex, dir, 6))
	want := files(t, dir)
	if st := mustRun(t, config(sampleMulti, sampleIndex, dir, 6)); st.PartsWritten != 0 || !st.Finalized {
		t.Fatalf("rerun of complete output: %+v", st)
	}
	os.Remove(filepath.Join(dir, corpus.PartName(3)))
	if st := mustRun(t, config(sampleMulti, sampleIndex, dir, 6)); st.PartsWritten == 0 || !st.Finalized {
		t.Fatalf("rerun after losing a part: %+v", st)
	}
	sameFiles(t, "rebuilt", files(t, dir), want)
}

// A killed run keeps its finished parts; the rerun writes only the rest.
func TestCancelThenResume(t *testing.T) {
	ref := t.TempDir()
	mustRun(t, config(sampleXML, "", ref, 5))
	want := files(t, ref)

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, config(sampleXML, "", dir, 5)); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled run: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, manifest.Name)); err == nil {
		t.Fatal("cancelled run wrote a manifest")
	}
	// Stand-in for a run killed after its first parts: task 1 of 4 writes
	// the first quarter of the parts, then a plain run resumes.
	partial := config(sampleMulti, sampleIndex, dir, 5)
	partial.Split = tasks.Split{Index: 0, Count: 4}
	first := mustRun(t, partial)
	if first.Finalized || first.PartsWritten == 0 {
		t.Fatalf("partial run: %+v", first)
	}
	// Different settings are refused rather than mixed in.
	if _, err := Run(context.Background(), config(sampleXML, "", dir, 7)); err == nil ||
		!strings.Contains(err.Error(), "other settings") {
		t.Fatalf("resume with other settings: %v", err)
	}
	st := mustRun(t, config(sampleXML, "", dir, 5))
	if st.PartsSkipped != first.PartsWritten || !st.Finalized {
		t.Fatalf("resume skipped %d parts, want %d: %+v", st.PartsSkipped, first.PartsWritten, st)
	}
	sameFiles(t, "resumed", files(t, dir), want)
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	xml, err := os.ReadFile(sampleXML)
	if err != nil {
		t.Fatal(err)
	}
	bz, err := os.ReadFile(sampleBz2)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, dump, index, want string
	}{
		{"truncated-xml", write("t.xml", xml[:len(xml)/2]), "", "t.xml"},
		{"truncated-bz2", write("t.xml.bz2", bz[:len(bz)/2]), "", "t.xml.bz2"},
		{"corrupt-bz2", write("c.xml.bz2", append(append([]byte{}, bz[:100]...), bytes.Repeat([]byte{0x55}, 5000)...)), "", "c.xml.bz2"},
		{"not-xml", write("n.xml", []byte("hello, world\n")), "", "n.xml"},
		{"empty", write("e.xml", nil), "", "empty"},
		{"missing", filepath.Join(dir, "nope.xml"), "", "nope.xml"},
		{"wrong-index", sampleMulti, write("i.txt", []byte("99999999:1:X\n")), "i.txt"},
		{"garbage-index", sampleMulti, write("g.txt", []byte("not an index\n")), "g.txt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			_, err := Run(context.Background(), config(c.dump, c.index, out, 1000))
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q should be one line naming %q", msg, c.want)
			}
			if _, err := os.Stat(filepath.Join(out, manifest.Name)); err == nil {
				t.Error("failed run left a manifest")
			}
			if _, err := os.Stat(filepath.Join(out, corpus.DocumentsName)); err == nil {
				t.Error("failed run left documents.jsonl")
			}
		})
	}
}
