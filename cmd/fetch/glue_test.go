package main

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/manifest"
)

// zipEntry is one entry of a test archive; mode 0 is a regular file.
type zipEntry struct {
	name string
	body string
	mode fs.FileMode
}

func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// glueFiles are stand-ins for GLUE's published files, by published name,
// and the tree each task leaves in OUT.
func glueFiles(t *testing.T) (files map[string][]byte, trees map[string]map[string][]byte) {
	cola := map[string][]byte{
		"CoLA/train.tsv":                        []byte("gj04\t1\t\tOur friends won't buy this analysis.\n"),
		"CoLA/dev.tsv":                          []byte("gj04\t0\t*\tThey drank the pub.\n"),
		"CoLA/test.tsv":                         []byte("index\tsentence\n0\tBill whistled past the house.\n"),
		"CoLA/original/raw/in_domain_train.tsv": []byte("gj04\t1\t\tOur friends won't buy this analysis.\r\n"),
	}
	rte := map[string][]byte{
		"RTE/train.tsv": []byte("index\tsentence1\tsentence2\tlabel\n0\tA.\tB.\tentailment\n"),
		"RTE/dev.tsv":   []byte("index\tsentence1\tsentence2\tlabel\n0\tC.\tD.\tnot_entailment\n"),
		"RTE/test.tsv":  []byte("index\tsentence1\tsentence2\n0\tE.\tF.\n"),
	}
	ax := []byte("index\tsentence1\tsentence2\n0\tThe cat sat.\tThe cat did not sit.\n")
	mrpc := map[string][]byte{
		"MRPC/msr_paraphrase_train.txt": readTestdata(t, "mrpc/msr_paraphrase_train.txt"),
		"MRPC/msr_paraphrase_test.txt":  readTestdata(t, "mrpc/msr_paraphrase_test.txt"),
		"MRPC/dev_ids.tsv":              readTestdata(t, "mrpc/mrpc_dev_ids.tsv"),
		"MRPC/train.tsv":                readTestdata(t, "mrpc/expected/train.tsv"),
		"MRPC/dev.tsv":                  readTestdata(t, "mrpc/expected/dev.tsv"),
		"MRPC/test.tsv":                 readTestdata(t, "mrpc/expected/test.tsv"),
	}
	files = map[string][]byte{
		"CoLA.zip": makeZip(t,
			zipEntry{name: "CoLA/", mode: fs.ModeDir | 0o755},
			zipEntry{name: "CoLA/train.tsv", body: string(cola["CoLA/train.tsv"])},
			zipEntry{name: "CoLA/dev.tsv", body: string(cola["CoLA/dev.tsv"])},
			zipEntry{name: "CoLA/test.tsv", body: string(cola["CoLA/test.tsv"])},
			zipEntry{name: "CoLA/original/raw/in_domain_train.tsv", body: string(cola["CoLA/original/raw/in_domain_train.tsv"])},
			zipEntry{name: "__MACOSX/CoLA/._train.tsv", body: "\x00\x05\x16\x07"},
		),
		"RTE.zip": makeZip(t,
			zipEntry{name: "RTE/train.tsv", body: string(rte["RTE/train.tsv"])},
			zipEntry{name: "RTE/dev.tsv", body: string(rte["RTE/dev.tsv"])},
			zipEntry{name: "RTE/test.tsv", body: string(rte["RTE/test.tsv"])},
		),
		"AX.tsv":                   ax,
		"msr_paraphrase_train.txt": mrpc["MRPC/msr_paraphrase_train.txt"],
		"msr_paraphrase_test.txt":  mrpc["MRPC/msr_paraphrase_test.txt"],
		"mrpc_dev_ids.tsv":         mrpc["MRPC/dev_ids.tsv"],
	}
	trees = map[string]map[string][]byte{
		"CoLA": cola, "RTE": rte, "MRPC": mrpc,
		"diagnostic": {"diagnostic/diagnostic.tsv": ax},
	}
	return files, trees
}

func merge(ms ...map[string][]byte) map[string][]byte {
	out := map[string][]byte{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

func TestGLUEFromMirror(t *testing.T) {
	files, trees := glueFiles(t)
	srv := newMirror(t, files)
	out, cache := t.TempDir(), t.TempDir()
	base := append([]string{"glue", "--out", out, "--cache", cache, "--mirror", srv.URL}, shaFlags(files)...)
	args := append(slices.Clone(base), "--task", "cola,MRPC,ax")
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	m := checkTree(t, out, merge(trees["CoLA"], trees["MRPC"], trees["diagnostic"]))
	if got := unitNames(t, m, "tasks"); !slices.Equal(got, []string{"CoLA", "MRPC", "diagnostic"}) {
		t.Errorf("tasks %q", got)
	}
	if len(m.Inputs) != 5 {
		t.Errorf("inputs %+v, want CoLA.zip, the 3 MRPC files, AX.tsv", m.Inputs)
	}

	// Run again: nothing is downloaded and the manifest is unchanged.
	before, _ := os.ReadFile(filepath.Join(out, manifest.Name))
	fileBefore, _ := os.Stat(filepath.Join(out, "MRPC", "train.tsv"))
	n := srv.total()
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(out, manifest.Name)); srv.total() != n || !bytes.Equal(before, after) {
		t.Errorf("a rerun made %d requests, manifest changed: %v", srv.total()-n, !bytes.Equal(before, after))
	}
	if fileAfter, _ := os.Stat(filepath.Join(out, "MRPC", "train.tsv")); !os.SameFile(fileBefore, fileAfter) {
		t.Error("a rerun rewrote MRPC/train.tsv")
	}

	// Another task joins them.
	if _, err := run(t, append(slices.Clone(base), "--task", "RTE")...); err != nil {
		t.Fatal(err)
	}
	m = checkTree(t, out, merge(trees["CoLA"], trees["MRPC"], trees["diagnostic"], trees["RTE"]))
	if got := unitNames(t, m, "tasks"); !slices.Equal(got, []string{"CoLA", "MRPC", "RTE", "diagnostic"}) {
		t.Errorf("tasks %q", got)
	}

	// A changed file, and leftovers of a killed run, are repaired from the
	// cache without network.
	if err := os.WriteFile(filepath.Join(out, "CoLA", "dev.tsv"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(out, ".work", "CoLA", "CoLA"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, ".work", "CoLA", "CoLA", "train.tsv"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	n = srv.total()
	if _, err := run(t, append(slices.Clone(base), "--task", "CoLA")...); err != nil {
		t.Fatal(err)
	}
	checkTree(t, out, merge(trees["CoLA"], trees["MRPC"], trees["diagnostic"], trees["RTE"]))
	if srv.total() != n {
		t.Errorf("repair made %d requests", srv.total()-n)
	}
	for _, name := range []string{"CoLA.zip", "RTE.zip", "AX.tsv", "mrpc_dev_ids.tsv"} {
		if srv.requests(name) != 1 {
			t.Errorf("%s requested %d times", name, srv.requests(name))
		}
	}
}

// While a task is replaced, the manifest no longer claims its files.
func TestGLUEFailureKeepsRecordTrue(t *testing.T) {
	files, trees := glueFiles(t)
	srv := newMirror(t, files)
	out := t.TempDir()
	base := append([]string{"glue", "--out", out, "--cache", t.TempDir(), "--mirror", srv.URL}, shaFlags(files)...)
	if _, err := run(t, append(slices.Clone(base), "--task", "CoLA,RTE")...); err != nil {
		t.Fatal(err)
	}
	// RTE's file changes, and its archive can no longer be had.
	if err := os.Remove(filepath.Join(out, "RTE", "test.tsv")); err != nil {
		t.Fatal(err)
	}
	delete(srv.files, "RTE.zip")
	_, err := run(t, append(slices.Clone(base), "--task", "RTE", "--cache", t.TempDir())...)
	if err == nil || cli.ExitCode(err) != 1 || !strings.Contains(err.Error(), "RTE.zip") {
		t.Fatalf("missing archive: %v", err)
	}
	m, err := manifest.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := unitNames(t, m, "tasks"); !slices.Equal(got, []string{"CoLA"}) {
		t.Errorf("tasks recorded %q, want CoLA only", got)
	}
	if err := manifest.Verify(out, m); err != nil {
		t.Error(err)
	}
	for _, o := range m.Outputs {
		if _, ok := trees["CoLA"][o.Path]; !ok {
			t.Errorf("manifest lists %s", o.Path)
		}
	}
}

func TestFormatMRPC(t *testing.T) {
	train := readTestdata(t, "mrpc/msr_paraphrase_train.txt")
	test := readTestdata(t, "mrpc/msr_paraphrase_test.txt")
	ids := readTestdata(t, "mrpc/mrpc_dev_ids.tsv")
	tr, dv, te, err := formatMRPC(train, test, ids)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"train.tsv": tr, "dev.tsv": dv, "test.tsv": te} {
		want := readTestdata(t, "mrpc/expected/"+name)
		if !bytes.Equal(got, want) {
			diffLines(t, name, string(got), string(want))
		}
	}

	bad := []struct {
		name             string
		train, test, ids []byte
		msg              string
	}{
		{"four fields", append(slices.Clone(train), "\r\n1\t3001\t3002\tonly one sentence"...), test, ids, "msr_paraphrase_train.txt: line 10 has 4"},
		{"blank line", append(slices.Clone(train), "\r\n\r\n"...), test, ids, "line 10 has 1"},
		{"test row", train, append(slices.Clone(test), "1\t2\t3\t4\t5\t6\r\n"...), ids, "msr_paraphrase_test.txt: line 5 has 6"},
		{"not UTF-8", train, test, []byte("1003\t1004\xff\n"), "mrpc_dev_ids.tsv: not UTF-8"},
		{"empty", nil, test, ids, "msr_paraphrase_train.txt: empty"},
	}
	for _, c := range bad {
		if _, _, _, err := formatMRPC(c.train, c.test, c.ids); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.msg)
		}
	}
}

func TestPythonText(t *testing.T) {
	// io.StringIO("a\r\nb\rc\n\nd", newline=None) iterates as below.
	if got := pyLines("a\r\nb\rc\n\nd"); !slices.Equal(got, []string{"a\n", "b\n", "c\n", "\n", "d"}) {
		t.Errorf("pyLines = %q", got)
	}
	if got := pyLines("x\r"); !slices.Equal(got, []string{"x\n"}) {
		t.Errorf("pyLines(x\\r) = %q", got)
	}
	// Every code point for which CPython 3.11's str.isspace() is true.
	spaces := []rune{0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001,
		0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000}
	for r := rune(0); r <= 0x10ffff; r++ {
		if pyIsSpace(r) != slices.Contains(spaces, r) {
			t.Errorf("pyIsSpace(%U) = %v", r, pyIsSpace(r))
		}
	}
	if got := pyStrip("\x1c\u3000 a\tb \u00a0\r\n"); got != "a\tb" {
		t.Errorf("pyStrip = %q", got)
	}
	if got := pyStrip("\ufeffa\u200b"); got != "\ufeffa\u200b" {
		t.Errorf("pyStrip removed a non-space: %q", got)
	}
}

// Archives are not trusted: nothing is written outside the extraction
// directory, and the error says what was wrong.
func TestExtractZipUnsafe(t *testing.T) {
	zeros := strings.Repeat("\x00", 1<<20)
	cases := []struct {
		name    string
		entries []zipEntry
		want    error
		msg     string
	}{
		{"parent", []zipEntry{{name: "CoLA/../../evil.tsv", body: "x"}}, errUnsafeEntry, "escapes"},
		{"absolute", []zipEntry{{name: "/tmp/evil.tsv", body: "x"}}, errUnsafeEntry, "absolute"},
		{"backslash", []zipEntry{{name: `CoLA\..\..\evil.tsv`, body: "x"}}, errUnsafeEntry, "backslash"},
		{"drive", []zipEntry{{name: "C:/evil.tsv", body: "x"}}, errUnsafeEntry, "drive"},
		{"symlink", []zipEntry{{name: "CoLA/link", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}}, errUnsafeEntry, "symbolic link"},
		{"device", []zipEntry{{name: "CoLA/dev", mode: fs.ModeDevice | 0o644}}, errUnsafeEntry, "device"},
		{"fifo", []zipEntry{{name: "CoLA/fifo", mode: fs.ModeNamedPipe | 0o644}}, errUnsafeEntry, "FIFO"},
		{"duplicate", []zipEntry{{name: "CoLA/train.tsv", body: "a"}, {name: "CoLA/./train.tsv", body: "b"}}, errUnsafeEntry, "second entry"},
		{"bomb", []zipEntry{{name: "CoLA/train.tsv", body: "ok"}, {name: "CoLA/zeros.tsv", body: zeros}}, errTooLarge, "max-extract"},
		{"empty", []zipEntry{{name: "RTE/train.tsv", body: "x"}}, nil, "no files under CoLA/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "CoLA.zip")
			if err := os.WriteFile(src, makeZip(t, c.entries...), 0o644); err != nil {
				t.Fatal(err)
			}
			stage := filepath.Join(dir, "a", "b", "stage")
			if err := os.MkdirAll(stage, 0o755); err != nil {
				t.Fatal(err)
			}
			err := extractZip(context.Background(), src, stage, "CoLA", 64<<10)
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), src) {
				t.Fatalf("%v; want %v mentioning %q and the archive", err, c.want, c.msg)
			}
			got := tree(t, dir)
			delete(got, "CoLA.zip")
			for name, b := range got {
				if !strings.HasPrefix(name, "a/b/stage/CoLA/") {
					t.Errorf("wrote %s outside the task directory", name)
				}
				if len(b) > 64<<10+1 {
					t.Errorf("%s: %d bytes past the limit", name, len(b))
				}
			}
		})
	}
}

// --max-extract reaches the extraction; a refused archive leaves no task
// directory and no manifest.
func TestGLUEMaxExtract(t *testing.T) {
	files, _ := glueFiles(t)
	srv := newMirror(t, files)
	out := t.TempDir()
	args := append([]string{"glue", "--task", "CoLA", "--out", out, "--cache", t.TempDir(), "--mirror", srv.URL, "--max-extract", "100"}, shaFlags(files)...)
	_, err := run(t, args...)
	if !errors.Is(err, errTooLarge) || cli.ExitCode(err) != 1 {
		t.Fatalf("archive over --max-extract: %v", err)
	}
	if got := tree(t, out); len(got) != 0 {
		t.Errorf("output holds %q", slices.Collect(maps.Keys(got)))
	}
}
