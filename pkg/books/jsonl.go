package books

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonl walks a JSON Lines file, one object per line, compressed as kind
// says; blank lines are ignored. For compressed files the decompressed
// bytes count against MaxBytes.
func (w *walker) jsonl(kind string) error {
	f, err := os.Open(w.src)
	if err != nil {
		return fmt.Errorf("books: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if kind != "" {
		zr, closeR, err := decompress(bufio.NewReaderSize(f, 1<<20), kind)
		if err != nil {
			return fmt.Errorf("books: %s: %w", w.src, err)
		}
		defer closeR()
		r = (&budget{max: w.opt.MaxBytes}).reader(zr)
	}
	br := bufio.NewReaderSize(r, 1<<20)
	base := filepath.Base(w.src)
	w.st.Files++
	var long []byte // a line longer than br's buffer
	for n := 1; ; n++ {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("books: %s:%d: %w", w.src, n, err)
		}
		if len(bytes.TrimSpace(line)) > 0 {
			name, text, rerr := w.row(line)
			if rerr != nil {
				return fmt.Errorf("books: %s:%d: %w", w.src, n, rerr)
			}
			if text != nil {
				if name == "" {
					name = base + ":" + strconv.Itoa(n)
				}
				if err := w.emit(name, text); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// row decodes one JSONL line. text is nil when the text field is null;
// name is "" when there is no title.
func (w *walker) row(line []byte) (name string, text []byte, err error) {
	tf, hf, err := parseRow(line, w.opt.TextColumn, w.opt.TitleColumn)
	if err != nil {
		return "", nil, err
	}
	switch tf.kind {
	case 0:
		return "", nil, fmt.Errorf("%w: no %q field", ErrNoColumn, w.opt.TextColumn)
	case 'n':
		return "", nil, nil
	case 'o':
		return "", nil, fmt.Errorf("%w: field %q is a JSON %s, not a string", ErrNoColumn, w.opt.TextColumn, tf.what)
	}
	if tf.value == nil {
		tf.value = []byte{} // an empty book, not a null one
	}
	// A missing, null or non-string title falls back to FILE:LINE.
	if hf.kind == 's' {
		name = validUTF8(hf.value)
	}
	return name, tf.value, nil
}

// validUTF8 returns b as a string with each invalid byte replaced by U+FFFD,
// as encoding/json does.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var s strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n == 1 {
			s.WriteString("\uFFFD")
		} else {
			s.Write(b[:n])
		}
		b = b[n:]
	}
	return s.String()
}
