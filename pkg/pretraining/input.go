package pretraining

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/bertline/bertline/pkg/corpus"
	"github.com/bertline/bertline/pkg/manifest"
)

// An input is one corpus directory, or one plain text file laid out as
// Google's script reads it (one sentence per line, blank lines between
// documents), with its documents counted.
type input struct {
	path  string
	files []inputFile // parts of a corpus directory, or the text file itself
	docs  int64
}

type inputFile struct {
	path string
	docs int64
}

// openInputs counts the documents of every input, from the corpus
// manifests (no text is read) or by scanning a text file.
func openInputs(paths []string) ([]input, error) {
	var ins []input
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("corpus %s: %w", p, err)
		}
		in := input{path: p}
		if st.IsDir() {
			m, err := manifest.Read(p)
			if err != nil {
				return nil, fmt.Errorf("corpus %s: not a finished fetch output: %w", p, err)
			}
			for _, o := range m.Outputs {
				if filepath.Ext(o.Path) != ".zst" {
					continue
				}
				n := o.Counts["documents"]
				in.files = append(in.files, inputFile{path: filepath.Join(p, o.Path), docs: n})
				in.docs += n
			}
		} else {
			n, err := countTextDocuments(p)
			if err != nil {
				return nil, err
			}
			in.files = []inputFile{{path: p, docs: n}}
			in.docs = n
		}
		ins = append(ins, in)
	}
	return ins, nil
}

// countTextDocuments counts the non-empty documents of a text file.
func countTextDocuments(path string) (int64, error) {
	var n int64
	err := readTextFile(path, false, func(doc [][]byte) error { n++; return nil })
	return n, err
}

// readTextFile calls fn for each non-empty document of a plain text file.
// Lines are trimmed as Google's script trims them. With keep the lines are
// copies that fn may keep; without, they are valid only during the call.
func readTextFile(path string, keep bool, fn func(doc [][]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("corpus %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	var doc [][]byte
	var text arena
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			if len(doc) > 0 {
				if err := fn(doc); err != nil {
					return err
				}
			}
			doc = nil
			continue
		}
		if keep {
			line = text.clone(line)
		}
		doc = append(doc, line)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("corpus %s: %w", path, err)
	}
	if len(doc) > 0 {
		return fn(doc)
	}
	return nil
}

// arena copies lines into shared 1 MiB chunks: one allocation for
// thousands of sentences instead of one each.
type arena struct{ buf []byte }

// clone returns a copy of b, capacity-limited so that appending to it
// cannot overwrite its neighbour.
func (a *arena) clone(b []byte) []byte {
	if len(b) > cap(a.buf)-len(a.buf) {
		a.buf = make([]byte, 0, max(len(b), 1<<20))
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[n:len(a.buf):len(a.buf)]
}

var errStop = errors.New("stop")

// readDocuments calls fn for the documents with global ordinals in
// [from, to), in order, skipping whole files that lie before from.
func readDocuments(ctx context.Context, ins []input, from, to int64, fn func(ord int64, doc [][]byte) error) error {
	var ord int64
	for _, in := range ins {
		for _, f := range in.files {
			if ord+f.docs <= from {
				ord += f.docs
				continue
			}
			if ord >= to {
				return nil
			}
			visit := func(doc [][]byte) error {
				if err := ctx.Err(); err != nil {
					return err
				}
				if ord >= to {
					return errStop
				}
				defer func() { ord++ }()
				if ord < from {
					return nil
				}
				return fn(ord, doc)
			}
			start := ord
			var err error
			if filepath.Ext(f.path) == ".zst" {
				var text arena
				err = corpus.ReadDocuments(f.path, func(ss [][]byte) error {
					doc := make([][]byte, len(ss))
					for i, s := range ss {
						doc[i] = text.clone(s)
					}
					return visit(doc)
				})
			} else {
				err = readTextFile(f.path, true, visit)
			}
			if errors.Is(err, errStop) {
				return nil
			}
			if err != nil {
				return err
			}
			if got := ord - start; got != f.docs {
				return fmt.Errorf("corpus %s: %d documents, its manifest says %d (changed since it was written?)", f.path, got, f.docs)
			}
		}
	}
	return nil
}

// ReadCorpora calls fn for every document of the given corpus directories
// and text files, in order. The sentences are valid only during the call.
func ReadCorpora(ctx context.Context, paths []string, fn func(doc [][]byte) error) error {
	ins, err := openInputs(paths)
	if err != nil {
		return err
	}
	return readDocuments(ctx, ins, 0, math.MaxInt64, func(_ int64, doc [][]byte) error { return fn(doc) })
}
