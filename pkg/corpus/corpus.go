// Package corpus writes and reads the fetch stage's output: documents as
// plain text, one sentence per line, each document followed by a blank line,
// in zstd-compressed parts, with an index that traces every line to its
// source document.
//
// A corpus directory holds:
//
//	part-00000.txt.zst   sentences, "\n"-terminated; a blank line ends each document
//	part-00001.txt.zst
//	documents.jsonl      {"id":12,"title":"Anarchism","file":"part-00000.txt.zst","line":1,"sentences":40,"bytes":5210}
//	manifest.json        written last: the directory is complete when it exists
//
// "line" is the 1-based line of the document's first sentence in its part,
// "bytes" the size of its text including newlines. Titles never appear in the
// text. Parts are numbered by a rule that does not depend on how many tasks
// produced them, so tasks can write disjoint parts of one directory, and the
// result equals a single task's. While parts are being written, each finished
// part leaves a record in the .work subdirectory; Finalize merges the records
// into documents.jsonl and manifest.json once every part is there.
package corpus

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/manifest"
)

// DocumentsName is the index of documents in a corpus directory.
const DocumentsName = "documents.jsonl"

const workDir = manifest.WorkDir

// PartName returns the file name of part i.
func PartName(i int) string { return fmt.Sprintf("part-%05d.txt.zst", i) }

// Document is one line of documents.jsonl.
type Document struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	File      string `json:"file"`
	Line      int64  `json:"line"`
	Sentences int    `json:"sentences"`
	Bytes     int    `json:"bytes"`
}

// Part is the record of a finished part.
type Part struct {
	Index     int              `json:"index"`
	File      manifest.File    `json:"file"`
	Documents []Document       `json:"documents"`
	Counts    map[string]int64 `json:"counts,omitempty"` // the producer's own tallies (pages read, redirects …)
}

// PartWriter writes one part. It is not safe for concurrent use.
type PartWriter struct {
	dir   string
	index int
	f     *atomicfile.File
	sum   hash.Hash
	n     int64 // compressed bytes
	zw    *zstd.Encoder
	line  int64
	rec   Part
	err   error
}

// CreatePart starts part i in dir, which must exist.
func CreatePart(dir string, i int) (*PartWriter, error) {
	if err := os.MkdirAll(filepath.Join(dir, workDir), 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := atomicfile.Create(filepath.Join(dir, PartName(i)))
	if err != nil {
		return nil, err
	}
	w := &PartWriter{dir: dir, index: i, f: f, sum: sha256.New(), line: 1}
	w.zw, err = zstd.NewWriter(io.MultiWriter(f, w.sum, countWriter{&w.n}),
		zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		f.Abort()
		return nil, fmt.Errorf("create %s: %w", PartName(i), err)
	}
	w.rec = Part{Index: i, Counts: map[string]int64{}}
	return w, nil
}

// Add appends a document given as its sentences, each without a newline. A
// document with no sentences is skipped.
func (w *PartWriter) Add(id int64, title string, sentences [][]byte) error {
	if w.err != nil {
		return w.err
	}
	if len(sentences) == 0 {
		return nil
	}
	size := 0
	for _, s := range sentences {
		if len(s) == 0 || bytes.IndexByte(s, '\n') >= 0 {
			return fmt.Errorf("document %d (%q): sentence %q is empty or holds a newline", id, title, s)
		}
		if _, err := w.zw.Write(s); err != nil {
			return w.fail(err)
		}
		if _, err := w.zw.Write(newline); err != nil {
			return w.fail(err)
		}
		size += len(s) + 1
	}
	if _, err := w.zw.Write(newline); err != nil {
		return w.fail(err)
	}
	w.rec.Documents = append(w.rec.Documents, Document{ID: id, Title: title, File: PartName(w.index),
		Line: w.line, Sentences: len(sentences), Bytes: size})
	w.line += int64(len(sentences)) + 1
	return nil
}

var newline = []byte{'\n'}

func (w *PartWriter) fail(err error) error {
	w.err = fmt.Errorf("write %s: %w", filepath.Join(w.dir, PartName(w.index)), err)
	return w.err
}

// Count adds n to the producer's tally called name, kept in the part's record
// and summed into the manifest.
func (w *PartWriter) Count(name string, n int64) { w.rec.Counts[name] += n }

// Commit finishes the part: the text file is renamed into place, then its
// record is written, which marks the part done.
func (w *PartWriter) Commit() (*Part, error) {
	if w.err != nil {
		w.f.Abort()
		return nil, w.err
	}
	if err := w.zw.Close(); err != nil {
		w.f.Abort()
		return nil, w.fail(err)
	}
	if err := w.f.Commit(); err != nil {
		return nil, err
	}
	var sentences, textBytes int64
	for _, d := range w.rec.Documents {
		sentences += int64(d.Sentences)
		textBytes += int64(d.Bytes)
	}
	w.rec.File = manifest.File{Path: PartName(w.index), Bytes: w.n, SHA256: hex.EncodeToString(w.sum.Sum(nil)),
		Counts: map[string]int64{"documents": int64(len(w.rec.Documents)), "sentences": sentences, "text_bytes": textBytes}}
	b, err := json.Marshal(&w.rec)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", PartName(w.index), err)
	}
	if err := atomicfile.WriteFile(recordPath(w.dir, w.index), b); err != nil {
		return nil, err
	}
	return &w.rec, nil
}

// Abort discards the part.
func (w *PartWriter) Abort() {
	w.zw.Close()
	w.f.Abort()
}

func recordPath(dir string, i int) string {
	return filepath.Join(dir, workDir, fmt.Sprintf("part-%05d.json", i))
}

// ReadPart returns the record of part i if the part is finished and its text
// file is still the one recorded (same size); ok is false otherwise.
func ReadPart(dir string, i int) (p *Part, ok bool) {
	b, err := os.ReadFile(recordPath(dir, i))
	if err != nil {
		return nil, false
	}
	p = new(Part)
	if json.Unmarshal(b, p) != nil || p.Index != i {
		return nil, false
	}
	st, err := os.Stat(filepath.Join(dir, p.File.Path))
	if err != nil || st.Size() != p.File.Bytes {
		return nil, false
	}
	return p, true
}

// Finalize writes documents.jsonl and manifest.json when parts 0..n-1 are all
// finished, and reports whether it did. m supplies the stage, version,
// command, inputs and parameters; Finalize fills in the outputs and counts.
// Tasks sharing dir may all call it: the writes are atomic and identical.
func Finalize(dir string, n int, m *manifest.Manifest) (bool, error) {
	parts := make([]*Part, n)
	for i := range parts {
		p, ok := ReadPart(dir, i)
		if !ok {
			return false, nil
		}
		parts[i] = p
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	counts := map[string]int64{}
	m.Outputs = m.Outputs[:0]
	for _, p := range parts {
		for i := range p.Documents {
			if err := enc.Encode(&p.Documents[i]); err != nil {
				return false, fmt.Errorf("encode %s: %w", DocumentsName, err)
			}
		}
		for k, v := range p.Counts {
			counts[k] += v
		}
		for k, v := range p.File.Counts {
			counts[k] += v
		}
		m.Outputs = append(m.Outputs, p.File)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, DocumentsName), buf.Bytes()); err != nil {
		return false, err
	}
	docs, err := manifest.Describe(filepath.Join(dir, DocumentsName), DocumentsName)
	if err != nil {
		return false, err
	}
	docs.Counts = map[string]int64{"documents": counts["documents"]}
	m.Outputs = append(m.Outputs, docs)
	counts["parts"] = int64(n)
	m.Counts = counts
	if err := manifest.Write(dir, m); err != nil {
		return false, err
	}
	return true, manifest.FinishWork(dir)
}

type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

// Parts lists the part files in dir in order.
func Parts(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read corpus %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); !e.IsDir() && strings.HasPrefix(n, "part-") && strings.HasSuffix(n, ".txt.zst") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// ReadDocuments calls fn for each document of the part file at path, in
// order, with its sentences (valid only during the call).
func ReadDocuments(path string, fn func(sentences [][]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	zr, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer zr.Close()
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<30)
	var doc [][]byte
	var arena []byte
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			if len(doc) > 0 {
				if err := fn(doc); err != nil {
					return err
				}
			}
			doc, arena = doc[:0], arena[:0]
			continue
		}
		start := len(arena)
		arena = append(arena, line...)
		doc = append(doc, arena[start:len(arena):len(arena)])
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if len(doc) > 0 {
		return fmt.Errorf("read %s: last document has no closing blank line (truncated file?)", path)
	}
	return nil
}
