package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bertline/bertline/internal/killtest"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/corpus"
	"github.com/bertline/bertline/pkg/manifest"
)

const sample = "../../data/sample/"

func TestMain(m *testing.M) {
	// The kill test runs this binary as the fetch command itself.
	killtest.RunIfChild(func(args []string) {
		os.Args = append([]string{"fetch"}, args...)
		cli.Main(program)
	})
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

func run(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = program.Run(context.Background(), args, &out, &errOut)
	return out.String(), err
}

// corpusText concatenates the parts of a corpus directory.
func corpusText(t *testing.T, dir string) string {
	t.Helper()
	names, err := corpus.Parts(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range names {
		err := corpus.ReadDocuments(filepath.Join(dir, n), func(ss [][]byte) error {
			for _, s := range ss {
				b.Write(s)
				b.WriteByte('\n')
			}
			b.WriteByte('\n')
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

// diffLines reports the first differing lines, for readable failures.
func diffLines(t *testing.T, what, got, want string) {
	t.Helper()
	g, w := lines(got), lines(want)
	shown := 0
	for i := 0; i < max(len(g), len(w)) && shown < 10; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("%s line %d:\n got: %q\nwant: %q", what, i+1, gl, wl)
			shown++
		}
	}
	if len(g) != len(w) {
		t.Errorf("%s: %d lines, want %d", what, len(g), len(w))
	}
}

// The sample dump gives exactly the hand-written expected text, in every
// input form, and documents.jsonl traces each document to its title and line.
func TestWikipediaSample(t *testing.T) {
	want, err := os.ReadFile(sample + "expected/enwiki-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	titles, err := os.ReadFile(sample + "expected/enwiki-sample.titles")
	if err != nil {
		t.Fatal(err)
	}
	for _, dump := range []string{
		"enwiki-sample-pages-articles.xml",
		"enwiki-sample-pages-articles.xml.bz2",
		"enwiki-sample-pages-articles-multistream.xml.bz2", // index found beside it
	} {
		t.Run(dump, func(t *testing.T) {
			out := t.TempDir()
			if _, err := run(t, "wikipedia", "--dump", sample+dump, "--out", out, "--cache", t.TempDir()); err != nil {
				t.Fatal(err)
			}
			text := corpusText(t, out)
			diffLines(t, dump, text, string(want))

			m, err := manifest.Read(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := manifest.Verify(out, m); err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(dump, "multistream.xml.bz2") && len(m.Inputs) != 2 {
				t.Errorf("multistream run records inputs %+v, want dump and index", m.Inputs)
			}
			f, err := os.Open(filepath.Join(out, corpus.DocumentsName))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var got []string
			textLines := lines(text)
			sc := bufio.NewScanner(f)
			line := 0 // running line in the concatenated text (single part here)
			for sc.Scan() {
				var d corpus.Document
				if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
					t.Fatal(err)
				}
				got = append(got, d.Title)
				if d.Line != int64(line+1) || d.Sentences < 1 {
					t.Errorf("%q: line %d sentences %d, want line %d", d.Title, d.Line, d.Sentences, line+1)
				}
				size := 0
				for _, l := range textLines[line : line+d.Sentences] {
					size += len(l) + 1
				}
				if size != d.Bytes {
					t.Errorf("%q: bytes %d, text has %d", d.Title, d.Bytes, size)
				}
				line += d.Sentences + 1
			}
			diffLines(t, "titles", strings.Join(got, "\n"), string(titles))
		})
	}
}

func TestBooksSample(t *testing.T) {
	out := t.TempDir()
	if _, err := run(t, "books", "--source", sample+"books", "--out", out); err != nil {
		t.Fatal(err)
	}
	text := corpusText(t, out)
	entries, err := os.ReadDir(sample + "expected/books")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		want, err := os.ReadFile(filepath.Join(sample, "expected/books", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, strings.TrimRight(string(want), "\n")+"\n\n") {
			t.Errorf("books output lacks the expected text of %s", e.Name())
		}
	}
	m, err := manifest.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	books, _ := os.ReadDir(sample + "books")
	if m.Counts["documents"] != int64(len(books)) {
		t.Errorf("%d documents, want one per book (%d)", m.Counts["documents"], len(books))
	}
	if strings.Contains(text, "PROJECT GUTENBERG") {
		t.Error("Gutenberg header or footer left in the text")
	}
}

func TestVocabFromURL(t *testing.T) {
	body := []byte("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	defer srv.Close()
	sum := sha256.Sum256(body)
	out := filepath.Join(t.TempDir(), "vocab.txt")
	stdout, err := run(t, "vocab", "--name", srv.URL+"/vocab.txt", "--sha256", hex.EncodeToString(sum[:]), "--out", out, "--cache", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, body) || !strings.Contains(stdout, "6 entries") {
		t.Fatalf("vocab file %q, stdout %q", got, stdout)
	}
	_, err = run(t, "vocab", "--name", srv.URL+"/vocab.txt", "--sha256", strings.Repeat("0", 64), "--out", out+"2", "--cache", t.TempDir())
	if err == nil || cli.ExitCode(err) != 1 {
		t.Fatalf("wrong checksum: %v", err)
	}
	if _, err := os.Stat(out + "2"); err == nil {
		t.Fatal("vocab with wrong checksum was written")
	}
}

func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--help"}, 0, "wikipedia"},
		{[]string{"wikipedia", "--help"}, 0, "--pages-per-part"},
		{[]string{"books", "--help"}, 0, "--text-column"},
		{[]string{"vocab", "--help"}, 0, "bert-base-uncased"},
		{[]string{"wikipedia"}, 2, ""},
		{[]string{"wikipedia", "--dump", "x.xml"}, 2, ""},
		{[]string{"wikipedia", "--dump", "x.xml", "--out", "o", "--task-index", "3", "--num-tasks", "2"}, 2, ""},
		{[]string{"wikipedia", "--date", "2024", "--out", "o"}, 2, ""},
		{[]string{"books", "--out", "o"}, 2, ""},
		{[]string{"vocab", "--name", "bert-huge", "--out", "o"}, 2, ""},
		{[]string{"wikipedia", "--dump", "/nonexistent/x.xml", "--out", "o"}, 1, ""},
	}
	for _, c := range cases {
		out, err := run(t, c.args...)
		if code := cli.ExitCode(err); code != c.code {
			t.Errorf("%q: exit %d (%v), want %d", c.args, code, err, c.code)
		}
		if !strings.Contains(out, c.out) {
			t.Errorf("%q: stdout lacks %q", c.args, c.out)
		}
	}
}
