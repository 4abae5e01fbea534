package books

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/bertline/bertline/pkg/bz2"
)

// CheckEntryName returns why an archive entry name is unsafe to extract,
// or "" if it stays inside the archive: it must be relative, use '/' only
// and have no ".." element.
func CheckEntryName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.ContainsRune(name, '\\'):
		return "backslash in path"
	case strings.ContainsRune(name, 0):
		return "NUL in path"
	case strings.HasPrefix(name, "/"):
		return "absolute path"
	case len(name) >= 2 && name[1] == ':':
		return "drive letter in path"
	}
	for _, elem := range strings.Split(name, "/") {
		if elem == ".." {
			return "path escapes the archive"
		}
	}
	return ""
}

// entryName is the Book.Name of an archive entry: the cleaned path.
func entryName(name string) string { return path.Clean(name) }

func (w *walker) unsafe(entry, why string) error {
	return fmt.Errorf("books: %s: entry %q: %w: %s", w.src, entry, ErrUnsafeEntry, why)
}

// decompress wraps r in the decompressor named by kind ("", "gz", "bz2",
// "zst"). close releases the decompressor.
func decompress(r io.Reader, kind string) (out io.Reader, close func(), err error) {
	switch kind {
	case "gz":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		return zr, func() { zr.Close() }, nil
	case "bz2":
		return bz2.NewReader(r), func() {}, nil
	case "zst":
		// A hostile frame may ask for a window of terabytes; 128 MiB is
		// what zstd --ultra -22 and --long=27 use.
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(128<<20))
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	}
	return r, func() {}, nil
}

// tar walks a tar archive, compressed as kind says. Every decompressed byte,
// headers and skipped entries included, counts against MaxBytes.
func (w *walker) tar(kind string) error {
	f, err := os.Open(w.src)
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	defer f.Close()
	r, closeR, err := decompress(bufio.NewReaderSize(f, 1<<20), kind)
	if err != nil {
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	defer closeR()
	b := &budget{max: w.opt.MaxBytes}
	in := b.reader(r)
	tr := tar.NewReader(in)
	last := "" // name of the previous entry, to place errors
	for {
		if err := w.ctx.Err(); err != nil {
			return fmt.Errorf("books: %s: %w", w.src, err)
		}
		h, err := tr.Next()
		if err == io.EOF {
			// Read to the end of the compressed stream, so that its
			// checksum is verified even past the tar trailer.
			if _, err := io.Copy(io.Discard, in); err != nil {
				return fmt.Errorf("books: %s: after the last entry: %w", w.src, err)
			}
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			if last == "" {
				return fmt.Errorf("books: %s: %w", w.src, err)
			}
			return fmt.Errorf("books: %s: after entry %q: %w", w.src, last, err)
		}
		last = h.Name
		if why := CheckEntryName(h.Name); why != "" {
			return w.unsafe(h.Name, why)
		}
		switch h.Typeflag {
		case tar.TypeReg:
		case tar.TypeSymlink:
			return w.unsafe(h.Name, "symbolic link to "+fmt.Sprintf("%q", h.Linkname))
		case tar.TypeLink:
			return w.unsafe(h.Name, "hard link to "+fmt.Sprintf("%q", h.Linkname))
		case tar.TypeChar, tar.TypeBlock:
			return w.unsafe(h.Name, "device file")
		case tar.TypeFifo:
			return w.unsafe(h.Name, "FIFO")
		case tar.TypeDir, tar.TypeXGlobalHeader:
			continue
		default:
			w.st.SkippedFiles++
			continue
		}
		if !isTxt(h.Name) {
			w.st.SkippedFiles++
			continue
		}
		text, err := readAll(tr, h.Size)
		if err != nil {
			return fmt.Errorf("books: %s: entry %q: %w", w.src, h.Name, err)
		}
		w.st.Files++
		if err := w.emit(entryName(h.Name), text); err != nil {
			return err
		}
	}
}

// zip walks a zip archive in the order of its central directory. Only the
// *.txt entries are decompressed; their bytes count against MaxBytes.
func (w *walker) zip() error {
	f, err := os.Open(w.src)
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	zr, err := zip.NewReader(f, fi.Size())
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("books: %s: %w", w.src, err)
	}
	b := &budget{max: w.opt.MaxBytes}
	for _, zf := range zr.File {
		if err := w.ctx.Err(); err != nil {
			return fmt.Errorf("books: %s: %w", w.src, err)
		}
		if why := CheckEntryName(zf.Name); why != "" {
			return w.unsafe(zf.Name, why)
		}
		mode := zf.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return w.unsafe(zf.Name, "symbolic link")
		case mode&fs.ModeDevice != 0:
			return w.unsafe(zf.Name, "device file")
		case mode&fs.ModeNamedPipe != 0:
			return w.unsafe(zf.Name, "FIFO")
		case mode.IsDir():
			continue
		case !mode.IsRegular() || !isTxt(zf.Name):
			w.st.SkippedFiles++
			continue
		}
		text, err := w.zipEntry(zf, b)
		if err != nil {
			return fmt.Errorf("books: %s: entry %q: %w", w.src, zf.Name, err)
		}
		w.st.Files++
		if err := w.emit(entryName(zf.Name), text); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) zipEntry(zf *zip.File, b *budget) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readAll(b.reader(rc), int64(min(zf.UncompressedSize64, 1<<40)))
}
