package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/bertline/bertline/pkg/books"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/corpus"
	"github.com/bertline/bertline/pkg/download"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/sentences"
	"github.com/bertline/bertline/pkg/version"
)

const booksStage = "fetch books"

const booksHelp = `Reads a book collection and writes it to OUT in the same layout as
'fetch wikipedia': part-NNNNN.txt.zst files with one sentence per line and a
blank line between books, documents.jsonl and manifest.json.

SOURCE is a directory of .txt books (searched recursively, sorted by name), a
.tar, .tar.gz, .tar.bz2, .tar.zst or .zip of .txt books, a single .txt book, a
.jsonl (optionally .gz or .zst) or .parquet file with one book per row in
--text-column, or an http(s) URL of any of these (downloaded with resume into
--cache). Project Gutenberg headers and licence footers are removed,
hard-wrapped lines are joined into paragraphs, headings (paragraphs without a
lower-case letter) are dropped, and invalid UTF-8 is repaired
and counted in the manifest. Archives are untrusted: entries that escape the
archive, links and device files are refused, and extraction stops at
--max-extract bytes.

Examples:
  fetch books --source data/sample/books --out books
  fetch books --source bookcorpus.jsonl.zst --text-column text --out books`

// booksParams determine a books corpus; they go into its manifest.
type booksParams struct {
	BooksPerPart int    `json:"books_per_part"`
	TextColumn   string `json:"text_column"`
	TitleColumn  string `json:"title_column,omitempty"`
	MaxExtract   int64  `json:"max_extract"`
}

func runBooks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("books", "fetch books --source URL|PATH --out DIR [flags]", booksHelp, stdout)
	source := flags.String("source", "", "book collection: directory, archive, .txt, .jsonl or .parquet file, or URL (required)")
	out := flags.String("out", "", "output corpus directory (required)")
	textCol := flags.String("text-column", "text", "JSONL/Parquet column holding a book's text")
	titleCol := flags.String("title-column", "", "JSONL/Parquet column naming a book (default: FILE:ROW)")
	maxExtract := flags.Int64("max-extract", 64<<30, "refuse archives that decompress to more than this many bytes")
	perPart := flags.Int("books-per-part", 500, "books per output part")
	sha := flags.String("sha256", "", "expected SHA-256 of the source file")
	cache := flags.String("cache", defaultCache(), "directory for downloads")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case *source == "":
		return cli.Usagef("--source is required")
	case *out == "":
		return cli.Usagef("--out is required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	case *perPart <= 0:
		return cli.Usagef("--books-per-part must be positive")
	}
	params := booksParams{BooksPerPart: *perPart, TextColumn: *textCol, TitleColumn: *titleCol, MaxExtract: *maxExtract}
	if manifest.Complete(*out, booksStage, params) {
		slog.Info("output is complete, nothing to do", "out", *out)
		return manifest.FinishWork(*out)
	}
	path := *source
	if strings.Contains(path, "://") || *sha != "" {
		var err error
		path, err = download.Fetch(ctx, path, download.Options{CacheDir: *cache, SHA256: *sha, Progress: transferMeter()})
		if err != nil {
			return err
		}
	}
	if err := manifest.PrepareWork(*out, params); err != nil {
		return err
	}
	m := manifest.Manifest{Stage: booksStage, Version: version.String(), Command: append([]string{"fetch", "books"}, args...), Params: params}
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		f, err := manifest.Describe(path, path)
		if err != nil {
			return err
		}
		m.Inputs = append(m.Inputs, f)
	} else {
		m.Inputs = append(m.Inputs, manifest.File{Path: path})
	}
	return writeBooks(ctx, path, *out, params, &m)
}

// writeBooks cleans and segments each book and writes it to part
// ordinal / BooksPerPart, skipping parts finished by an earlier run.
func writeBooks(ctx context.Context, src, out string, p booksParams, m *manifest.Manifest) error {
	seg := sentences.NewEnglish()
	var st books.Stats
	var w *corpus.PartWriter
	part, ordinal, repaired := -1, 0, 0
	defer func() {
		if w != nil {
			w.Abort()
		}
	}()
	meter := progress.Start("books", 0, progress.Count, progress.Config{})
	defer meter.Finish()
	var paras, sents [][]byte
	var bounds []int
	err := books.Walk(ctx, src, books.Options{TextColumn: p.TextColumn, TitleColumn: p.TitleColumn, MaxBytes: p.MaxExtract}, &st,
		func(b books.Book) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			i := ordinal
			ordinal++
			meter.Add(1)
			if i/p.BooksPerPart != part {
				if w != nil {
					if _, err := w.Commit(); err != nil {
						return err
					}
					w = nil
				}
				part = i / p.BooksPerPart
				if _, done := corpus.ReadPart(out, part); !done {
					var err error
					if w, err = corpus.CreatePart(out, part); err != nil {
						return err
					}
				}
			}
			if w == nil {
				return nil // part finished by an earlier run
			}
			var n int
			paras, n = books.Clean(paras[:0], b.Text)
			repaired += n
			sents = sents[:0]
			for _, para := range paras {
				if books.IsHeading(para) { // "CHAPTER IV.", "CONTENTS"
					continue
				}
				sents, bounds = seg.AppendSentences(sents, bounds, para)
			}
			w.Count("books", 1)
			w.Count("invalid_utf8_repaired", int64(n))
			if len(sents) == 0 {
				w.Count("empty_books", 1)
			}
			return w.Add(int64(i), b.Name, sents)
		})
	if err != nil {
		return err
	}
	if w != nil {
		if _, err := w.Commit(); err != nil {
			return err
		}
		w = nil
	}
	if ordinal == 0 {
		return fmt.Errorf("%s: no books found (looked for .txt files, or rows with a %q column)", src, p.TextColumn)
	}
	m.Counts = nil
	done, err := corpus.Finalize(out, part+1, m)
	if err != nil {
		return err
	}
	if !done {
		return fmt.Errorf("%s: some parts are missing after the run", out)
	}
	slog.Info("done", "books", ordinal, "files", st.Files, "skipped_files", st.SkippedFiles, "invalid_utf8_repaired", repaired, "out", out)
	return nil
}
