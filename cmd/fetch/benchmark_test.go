package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/manifest"
)

// mirror is a test server holding files by name at /NAME, as a --mirror
// does. It answers Range and If-Range requests and logs each request.
type mirror struct {
	*httptest.Server
	files map[string][]byte
	mu    sync.Mutex
	log   []served
	// handle, when set, may answer a request itself by returning true.
	handle func(w http.ResponseWriter, r *http.Request, name string) bool
}

// served is one request the mirror answered.
type served struct {
	name, rng string
	status    int
}

func newMirror(t *testing.T, files map[string][]byte) *mirror {
	t.Helper()
	m := &mirror{files: files}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Base(r.URL.Path)
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			m.mu.Lock()
			m.log = append(m.log, served{name: name, rng: r.Header.Get("Range"), status: rec.status})
			m.mu.Unlock()
		}()
		if m.handle != nil && m.handle(rec, r, name) {
			return
		}
		b, ok := m.files[name]
		if !ok {
			http.NotFound(rec, r)
			return
		}
		rec.Header().Set("ETag", `"`+sha(b)[:16]+`"`)
		http.ServeContent(rec, r, name, fixedTime, bytes.NewReader(b))
	}))
	t.Cleanup(m.Close)
	return m
}

// requests returns how many requests asked for name.
func (m *mirror) requests(name string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, s := range m.log {
		if s.name == name {
			n++
		}
	}
	return n
}

// total returns how many requests the mirror answered.
func (m *mirror) total() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.log)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() { w.ResponseWriter.(http.Flusher).Flush() }

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// shaFlags gives --sha256 NAME=HEX for each file, so that the test's files
// stand in for the published ones.
func shaFlags(files map[string][]byte) []string {
	var args []string
	for _, name := range slices.Sorted(maps.Keys(files)) {
		args = append(args, "--sha256", name+"="+sha(files[name]))
	}
	return args
}

// tree returns every file under dir (slash paths) with its content.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		got[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// checkTree asserts that dir holds exactly want, plus manifest.json, and
// that the manifest lists exactly those files with their digests.
func checkTree(t *testing.T, dir string, want map[string][]byte) *manifest.Manifest {
	t.Helper()
	got := tree(t, dir)
	mb, ok := got[manifest.Name]
	if !ok {
		t.Fatalf("%s has no manifest.json", dir)
	}
	delete(got, manifest.Name)
	for name, b := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("%s missing", name)
		} else if !bytes.Equal(g, b) {
			t.Errorf("%s: %q, want %q", name, clip(g), clip(b))
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected file %s", name)
		}
	}
	var m manifest.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Outputs) != len(want) {
		t.Errorf("manifest lists %d outputs, want %d", len(m.Outputs), len(want))
	}
	for i, o := range m.Outputs {
		b, ok := want[o.Path]
		if !ok || o.SHA256 != sha(b) || o.Bytes != int64(len(b)) {
			t.Errorf("manifest output %+v does not describe the file", o)
		}
		if i > 0 && o.Path <= m.Outputs[i-1].Path {
			t.Errorf("manifest outputs out of order at %s", o.Path)
		}
		if ext := path.Ext(o.Path); (ext == ".tsv" || ext == ".txt") && o.Counts["lines"] != int64(bytes.Count(b, []byte("\n"))) {
			t.Errorf("%s: lines %d, want %d", o.Path, o.Counts["lines"], bytes.Count(b, []byte("\n")))
		}
	}
	if err := manifest.Verify(dir, &m); err != nil {
		t.Error(err)
	}
	return &m
}

func clip(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// unitNames lists the units a manifest records, in order.
func unitNames(t *testing.T, m *manifest.Manifest, key string) []string {
	t.Helper()
	raw, _ := json.Marshal(m.Params)
	var p map[string][]unitRecord
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range p[key] {
		names = append(names, r.Name)
	}
	return names
}

func TestSourceFlags(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"squad", "--version", "3.0", "--out", "o"}, 2, "unknown SQuAD version"},
		{[]string{"squad", "--out", "o"}, 2, "--version"},
		{[]string{"squad", "--version", "1.1"}, 2, "--out"},
		{[]string{"squad", "--version", "1.1", "--out", "o", "--sha256", "train.json=" + strings.Repeat("0", 64)}, 2, `"train.json"`},
		{[]string{"squad", "--version", "1.1", "--out", "o", "--sha256", "train-v1.1.json=abc"}, 2, "64 hex"},
		{[]string{"squad", "--version", "1.1", "--out", "o", "--sha256", "train-v1.1.json=" + strings.Repeat("0", 40)}, 2, "64 hex"},
		{[]string{"squad", "--version", "1.1", "--out", "o", "--url", "train-v1.1.json"}, 2, "NAME=VALUE"},
		{[]string{"glue", "--task", "SNLI", "--out", "o"}, 2, "unknown GLUE task"},
		{[]string{"glue", "--task", "CoLA,", "--out", "o"}, 2, "unknown GLUE task"},
		{[]string{"glue", "--task", "all"}, 2, "--out"},
		{[]string{"glue", "--task", "CoLA", "--out", "o", "--max-extract", "0"}, 2, "--max-extract"},
		{[]string{"glue", "--task", "CoLA", "--out", "o", "--url", "CoLA.zip.part=http://x/y"}, 2, "CoLA.zip.part"},
		{[]string{"glue", "--task", "CoLA", "--out", "o", "extra"}, 2, "extra"},
	}
	for _, c := range cases {
		_, err := run(t, c.args...)
		if code := cli.ExitCode(err); code != c.code || err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: exit %d, %v; want exit %d mentioning %q", c.args, code, err, c.code, c.msg)
		}
	}
	for _, args := range [][]string{{"squad", "--help"}, {"glue", "--help"}} {
		out, err := run(t, args...)
		if err != nil || !strings.Contains(out, "--mirror") || !strings.Contains(out, "--sha256") {
			t.Errorf("%q: %v\n%s", args, err, out)
		}
	}
}

// A directory another command made is not taken over.
func TestBenchmarkRefusesOtherOutput(t *testing.T) {
	out := t.TempDir()
	if err := manifest.Write(out, &manifest.Manifest{Stage: "fetch wikipedia"}); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, "squad", "--version", "1.1", "--out", out, "--mirror", t.TempDir(), "--cache", t.TempDir())
	if err == nil || !strings.Contains(err.Error(), `"fetch wikipedia"`) {
		t.Fatalf("squad into a wikipedia corpus: %v", err)
	}
	if m, err := manifest.Read(out); err != nil || m.Stage != "fetch wikipedia" {
		t.Fatalf("the other manifest was changed: %+v, %v", m, err)
	}
}
