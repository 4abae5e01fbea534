package books

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Book is one book found in a source.
type Book struct {
	// Name identifies the book within its source: the slash-separated path
	// inside a directory or archive; for JSONL and Parquet the title
	// column's value, or else the file's base name and the 1-based line
	// ("books.jsonl:12") or 0-based row ("books.parquet:11").
	Name string
	// Text is the raw text. Each Book has its own; fn may keep it.
	Text []byte
}

// Options tune Walk. The zero value is ready to use.
type Options struct {
	TextColumn  string // JSONL/Parquet column holding the text; default "text"
	TitleColumn string // optional column used as Name
	// MaxBytes caps the total bytes decompressed from an archive or a
	// compressed JSONL file (default 64 GiB); exceeding it is an error
	// wrapping ErrTooLarge.
	MaxBytes int64
}

// DefaultMaxBytes is the default of Options.MaxBytes.
const DefaultMaxBytes = 64 << 30

func (o Options) withDefaults() Options {
	if o.TextColumn == "" {
		o.TextColumn = "text"
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// Stats counts what Walk found. It is filled as Walk goes, so it is
// meaningful after an error too. It is not safe for concurrent use.
type Stats struct {
	Files        int   // files and archive entries that held books
	Books        int   // books passed to fn
	SkippedFiles int   // files and archive entries skipped: not *.txt
	Bytes        int64 // total length of the Text of books passed to fn
}

// Errors wrapped by Walk, for errors.Is.
var (
	ErrUnsupported = errors.New("unsupported source")    // not a directory or a known file type
	ErrUnsafeEntry = errors.New("unsafe archive entry")  // traversal, link, device or FIFO
	ErrTooLarge    = errors.New("exceeds MaxBytes")      // decompressed more than Options.MaxBytes
	ErrNoColumn    = errors.New("no usable text column") // JSONL or Parquet text column missing or not text
)

// Walk calls fn for each book in src, in a stable order: sorted names in a
// directory, archive order in an archive, row order in JSONL and Parquet.
//
// src is a directory (every *.txt file below it, recursively), a tar
// archive (.tar, .tar.gz or .tgz, .tar.bz2, .tar.zst) or a .zip (every *.txt
// entry), a single .txt, a JSON Lines file (.jsonl or .ndjson, optionally
// .gz or .zst: one book per line, the text in Options.TextColumn), or a
// .parquet file (one book per row, the text in a top-level string,
// large_string or binary column).
//
// Archives are untrusted. An entry whose path leaves the archive ("../x",
// "/x", a backslash), a symbolic or hard link, a device or a FIFO is an error
// wrapping ErrUnsafeEntry; bytes decompressed past Options.MaxBytes (counted
// as they come, whatever headers claim) are an error wrapping ErrTooLarge.
// Other entries that are not *.txt are skipped and counted. JSONL rows and
// Parquet rows whose text is null are skipped.
//
// Walk stops at the first error, its own (one line naming the file and the
// entry or line) or fn's (returned as is), and when ctx is done. It calls fn
// from the calling goroutine, one book at a time. st may be nil.
func Walk(ctx context.Context, src string, opt Options, st *Stats, fn func(Book) error) error {
	if st == nil {
		st = new(Stats)
	}
	opt = opt.withDefaults()
	w := &walker{ctx: ctx, src: src, opt: opt, st: st, fn: fn}
	fi, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	if fi.IsDir() {
		return w.dir()
	}
	lower := strings.ToLower(src)
	has := func(exts ...string) bool {
		return slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(lower, e) })
	}
	switch {
	case has(".tar"):
		return w.tar("")
	case has(".tar.gz", ".tgz"):
		return w.tar("gz")
	case has(".tar.bz2", ".tbz2", ".tbz"):
		return w.tar("bz2")
	case has(".tar.zst", ".tzst"):
		return w.tar("zst")
	case has(".zip"):
		return w.zip()
	case has(".txt"):
		return w.txt()
	case has(".jsonl", ".ndjson"):
		return w.jsonl("")
	case has(".jsonl.gz", ".ndjson.gz"):
		return w.jsonl("gz")
	case has(".jsonl.zst", ".ndjson.zst"):
		return w.jsonl("zst")
	case has(".parquet"):
		return w.parquet(memory.DefaultAllocator)
	}
	return fmt.Errorf("books: %s: %w (want a directory, .tar[.gz|.bz2|.zst], .zip, .txt, .jsonl[.gz|.zst] or .parquet)", src, ErrUnsupported)
}

// walker carries one Walk's state.
type walker struct {
	ctx context.Context
	src string
	opt Options
	st  *Stats
	fn  func(Book) error
}

// emit passes one book to fn, after checking ctx.
func (w *walker) emit(name string, text []byte) error {
	if err := w.ctx.Err(); err != nil {
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	w.st.Books++
	w.st.Bytes += int64(len(text))
	return w.fn(Book{Name: name, Text: text})
}

func isTxt(name string) bool {
	return strings.EqualFold(path.Ext(name), ".txt")
}

// dir walks a directory. Names are sorted as slash-separated paths, so
// "b.txt" comes before "b/a.txt" whatever the file system returns.
// Symbolic links to files are followed, links to directories are not.
func (w *walker) dir() error {
	var names []string
	err := filepath.WalkDir(w.src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				return err
			}
			if !fi.Mode().IsRegular() {
				w.st.SkippedFiles++
				return nil
			}
		} else if !d.Type().IsRegular() {
			w.st.SkippedFiles++
			return nil
		}
		if !isTxt(p) {
			w.st.SkippedFiles++
			return nil
		}
		rel, err := filepath.Rel(w.src, p)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := w.ctx.Err(); err != nil {
			return fmt.Errorf("books: %s: %w", w.src, err)
		}
		text, err := os.ReadFile(filepath.Join(w.src, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("books: %w", err)
		}
		w.st.Files++
		if err := w.emit(name, text); err != nil {
			return err
		}
	}
	return nil
}

// txt reads a single book.
func (w *walker) txt() error {
	text, err := os.ReadFile(w.src)
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	w.st.Files++
	return w.emit(filepath.Base(w.src), text)
}

// budget counts decompressed bytes against Options.MaxBytes across one
// source.
type budget struct {
	used, max int64
}

// reader returns r with every byte read from it charged to b. Reads never
// go past the cap by more than one byte, so a bomb stops right there.
func (b *budget) reader(r io.Reader) io.Reader { return &budgetReader{r: r, b: b} }

type budgetReader struct {
	r io.Reader
	b *budget
}

func (br *budgetReader) Read(p []byte) (int, error) {
	left := br.b.max - br.b.used
	if left < 0 {
		return 0, fmt.Errorf("%w (%d bytes)", ErrTooLarge, br.b.max)
	}
	if int64(len(p)) > left+1 {
		p = p[:left+1]
	}
	n, err := br.r.Read(p)
	br.b.used += int64(n)
	if br.b.used > br.b.max {
		return n, fmt.Errorf("%w (%d bytes)", ErrTooLarge, br.b.max)
	}
	return n, err
}

// readAll reads r to the end. size is the length the source claims, used
// only as a capacity hint, capped so that a lying header cannot make it
// allocate much.
func readAll(r io.Reader, size int64) ([]byte, error) {
	const maxHint = 16 << 20
	buf := make([]byte, 0, min(max(size, 0), maxHint)+512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
