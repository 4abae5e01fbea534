package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/download"
	"github.com/bertline/bertline/pkg/manifest"
)

// squadJSON is a small file in SQuAD's format: articles articles of 2
// paragraphs of 3 questions; with v2, every third question is unanswerable.
// pad lengthens each context.
func squadJSON(t *testing.T, version string, articles, pad int) []byte {
	t.Helper()
	type answer struct {
		Text  string `json:"text"`
		Start int    `json:"answer_start"`
	}
	type qa struct {
		ID           string   `json:"id"`
		Question     string   `json:"question"`
		Answers      []answer `json:"answers"`
		IsImpossible *bool    `json:"is_impossible,omitempty"`
	}
	type paragraph struct {
		Context string `json:"context"`
		QAs     []qa   `json:"qas"`
	}
	type article struct {
		Title      string      `json:"title"`
		Paragraphs []paragraph `json:"paragraphs"`
	}
	var data []article
	n := 0
	for a := range articles {
		art := article{Title: fmt.Sprintf("Article_%d", a)}
		for range 2 {
			p := paragraph{Context: "The river floods every spring. " + strings.Repeat("x", pad)}
			for range 3 {
				q := qa{ID: strconv.Itoa(n), Question: "When does the river flood?", Answers: []answer{{"every spring", 16}}}
				if version == "v2.0" {
					imp := n%3 == 2
					q.IsImpossible = &imp
					if imp {
						q.Answers = []answer{}
					}
				}
				p.QAs = append(p.QAs, q)
				n++
			}
			art.Paragraphs = append(art.Paragraphs, p)
		}
		data = append(data, art)
	}
	b, err := json.Marshal(map[string]any{"version": version, "data": data})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func squadFiles(t *testing.T) map[string][]byte {
	return map[string][]byte{
		"train-v1.1.json": squadJSON(t, "1.1", 5, 0),
		"dev-v1.1.json":   squadJSON(t, "1.1", 2, 0),
		"train-v2.0.json": squadJSON(t, "v2.0", 4, 0),
		"dev-v2.0.json":   squadJSON(t, "v2.0", 1, 0),
	}
}

func TestSQuADFromMirror(t *testing.T) {
	files := squadFiles(t)
	srv := newMirror(t, files)
	out, cache := t.TempDir(), t.TempDir()
	args := append([]string{"squad", "--version", "1.1", "--out", out, "--cache", cache, "--mirror", srv.URL}, shaFlags(files)...)
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	v11 := map[string][]byte{"train-v1.1.json": files["train-v1.1.json"], "dev-v1.1.json": files["dev-v1.1.json"]}
	m := checkTree(t, out, v11)
	if m.Stage != squadStage || !slices.Equal(unitNames(t, m, "versions"), []string{"1.1"}) {
		t.Errorf("manifest stage %q, versions %q", m.Stage, unitNames(t, m, "versions"))
	}
	wantCounts := map[string]map[string]int64{
		"dev-v1.1.json":   {"articles": 2, "paragraphs": 4, "questions": 12},
		"train-v1.1.json": {"articles": 5, "paragraphs": 10, "questions": 30},
	}
	for _, o := range m.Outputs {
		if fmt.Sprint(o.Counts) != fmt.Sprint(wantCounts[o.Path]) {
			t.Errorf("%s counts %v, want %v", o.Path, o.Counts, wantCounts[o.Path])
		}
	}
	var inputs []string
	for _, in := range m.Inputs {
		inputs = append(inputs, in.Path)
		name := filepath.Base(in.Path)
		if in.SHA256 != sha(files[name]) || in.Bytes != int64(len(files[name])) {
			t.Errorf("input %+v does not describe %s", in, name)
		}
	}
	if want := []string{srv.URL + "/train-v1.1.json", srv.URL + "/dev-v1.1.json"}; !slices.Equal(inputs, want) {
		t.Errorf("inputs %q, want %q", inputs, want)
	}

	// Run again: nothing is downloaded and the manifest is unchanged.
	before, _ := os.ReadFile(filepath.Join(out, manifest.Name))
	fileBefore, _ := os.Stat(filepath.Join(out, "dev-v1.1.json"))
	n := srv.total()
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(out, manifest.Name))
	if srv.total() != n || string(before) != string(after) {
		t.Errorf("a rerun made %d requests and changed the manifest: %v", srv.total()-n, string(before) != string(after))
	}
	if fileAfter, _ := os.Stat(filepath.Join(out, "dev-v1.1.json")); !os.SameFile(fileBefore, fileAfter) {
		t.Error("a rerun rewrote dev-v1.1.json")
	}

	// 2.0 joins 1.1 in the same directory.
	args[2] = "2.0"
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	all := map[string][]byte{}
	for name, b := range files {
		all[name] = b
	}
	m = checkTree(t, out, all)
	if !slices.Equal(unitNames(t, m, "versions"), []string{"1.1", "2.0"}) || len(m.Inputs) != 4 {
		t.Errorf("versions %q, %d inputs", unitNames(t, m, "versions"), len(m.Inputs))
	}
	for _, o := range m.Outputs {
		if o.Path == "train-v2.0.json" && (o.Counts["questions"] != 24 || o.Counts["unanswerable"] != 8) {
			t.Errorf("train-v2.0.json counts %v, want 24 questions, 8 unanswerable", o.Counts)
		}
	}
	if srv.requests("train-v1.1.json") != 1 {
		t.Errorf("train-v1.1.json requested %d times", srv.requests("train-v1.1.json"))
	}

	// A damaged file is fetched again, from the cache.
	if err := os.WriteFile(filepath.Join(out, "dev-v2.0.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	n = srv.total()
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	checkTree(t, out, all)
	if srv.total() != n {
		t.Errorf("repairing from the cache made %d requests", srv.total()-n)
	}
}

// Without a --sha256 override the published digests apply, and other bytes
// under the published names are refused.
func TestSQuADPublishedDigest(t *testing.T) {
	files := squadFiles(t)
	srv := newMirror(t, files)
	out, cache := filepath.Join(t.TempDir(), "squad"), t.TempDir()
	_, err := run(t, "squad", "--version", "1.1", "--out", out, "--cache", cache, "--mirror", srv.URL)
	release, _ := download.LookupSQuAD("1.1")
	var ce *download.ChecksumError
	if !errors.As(err, &ce) || ce.Want != release.Files[0].SHA256 || cli.ExitCode(err) != 1 || !strings.Contains(err.Error(), "train-v1.1.json") {
		t.Fatalf("files that are not the published ones: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, manifest.Name)); err == nil {
		t.Error("manifest written")
	}
	if got := tree(t, filepath.Dir(out)); len(got) != 0 {
		t.Errorf("output left: %q", slices.Collect(maps.Keys(got)))
	}
	if got := tree(t, cache); len(got) != 0 {
		t.Errorf("cache kept %q", slices.Collect(maps.Keys(got)))
	}
}

// A download cut short by an interrupt resumes where it stopped, with a
// Range request, on the next run.
func TestSQuADResume(t *testing.T) {
	files := squadFiles(t)
	files["train-v1.1.json"] = squadJSON(t, "1.1", 40, 5000) // about 1.2 MB
	train := files["train-v1.1.json"]
	half := len(train) / 2
	srv := newMirror(t, files)
	out, cache := t.TempDir(), t.TempDir()
	part := filepath.Join(cache, "squad", "train-v1.1.json.part")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv.handle = func(w http.ResponseWriter, r *http.Request, name string) bool {
		if name != "train-v1.1.json" || r.Header.Get("Range") != "" {
			return false
		}
		// Send half, wait until it is on disk, then interrupt the client.
		w.Header().Set("ETag", `"`+sha(train)[:16]+`"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(train)))
		w.WriteHeader(http.StatusOK)
		w.Write(train[:half])
		w.(http.Flusher).Flush()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if fi, err := os.Stat(part); err == nil && fi.Size() == int64(half) {
				break
			}
		}
		cancel()
		<-r.Context().Done()
		return true
	}
	args := append([]string{"squad", "--version", "1.1", "--out", out, "--cache", cache, "--mirror", srv.URL}, shaFlags(files)...)
	err := program.Run(ctx, args, io.Discard, io.Discard)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	if fi, err := os.Stat(part); err != nil || fi.Size() != int64(half) {
		t.Fatalf("partial download: %v, %v; want %d bytes", fi, err, half)
	}
	if _, err := os.Stat(filepath.Join(out, manifest.Name)); err == nil {
		t.Fatal("manifest written by the interrupted run")
	}

	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	checkTree(t, out, map[string][]byte{"train-v1.1.json": train, "dev-v1.1.json": files["dev-v1.1.json"]})
	srv.mu.Lock()
	defer srv.mu.Unlock()
	var resumed bool
	for _, s := range srv.log {
		if s.name == "train-v1.1.json" && s.rng == fmt.Sprintf("bytes=%d-", half) && s.status == http.StatusPartialContent {
			resumed = true
		}
	}
	if !resumed {
		t.Errorf("no 206 answer to Range: bytes=%d- in %+v", half, srv.log)
	}
	if _, err := os.Stat(part); err == nil {
		t.Error(".part left in the cache")
	}
}

// A local directory works as a mirror: nothing is downloaded or cached.
func TestSQuADLocalMirror(t *testing.T) {
	files := squadFiles(t)
	dir := t.TempDir()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, cache := t.TempDir(), t.TempDir()
	args := append([]string{"squad", "--version", "all", "--out", out, "--cache", cache, "--mirror", dir}, shaFlags(files)...)
	if _, err := run(t, args...); err != nil {
		t.Fatal(err)
	}
	checkTree(t, out, files)
	if got := tree(t, cache); len(got) != 0 {
		t.Errorf("cache holds %d files", len(got))
	}
	// --url replaces one file's place; its digest still applies.
	if err := os.WriteFile(filepath.Join(dir, "other.json"), []byte(`{"data":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, append(args, "--out", t.TempDir(), "--url", "dev-v2.0.json="+filepath.Join(dir, "other.json"))...)
	if !errors.Is(err, download.ErrChecksum) || !strings.Contains(err.Error(), "other.json") {
		t.Errorf("--url to another file: %v", err)
	}
}

// Valid JSON that is not SQuAD is refused even when its digest was given.
func TestSQuADNotSQuAD(t *testing.T) {
	files := squadFiles(t)
	files["dev-v1.1.json"] = []byte(`{"version": "1.1", "articles": []}`)
	srv := newMirror(t, files)
	out := t.TempDir()
	args := append([]string{"squad", "--version", "1.1", "--out", out, "--cache", t.TempDir(), "--mirror", srv.URL}, shaFlags(files)...)
	if _, err := run(t, args...); err == nil || !strings.Contains(err.Error(), `no "data" array`) {
		t.Fatalf("not SQuAD: %v", err)
	}
	if got := tree(t, out); len(got) != 0 {
		t.Errorf("output holds %d files", len(got))
	}
}
