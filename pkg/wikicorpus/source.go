package wikicorpus

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bertline/bertline/pkg/bz2"
	"github.com/bertline/bertline/pkg/wikidump"
)

// batchBytes is the amount of wikitext a single-stream batch carries to a
// worker: large enough to amortise the hand-off, small enough to spread work.
const batchBytes = 1 << 20

// singleSource reads a .xml or .xml.bz2 dump from start to end.
type singleSource struct {
	path   string
	f      *os.File
	size   int64
	read   atomic.Int64 // compressed bytes read, for progress
	ppp    int64
	nparts int
}

func openSingle(cfg Config) (*singleSource, error) {
	f, err := os.Open(cfg.Dump)
	if err != nil {
		return nil, fmt.Errorf("open dump: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open dump: %w", err)
	}
	if st.Size() == 0 {
		f.Close()
		return nil, fmt.Errorf("%s: empty file", cfg.Dump)
	}
	return &singleSource{path: cfg.Dump, f: f, size: st.Size(), ppp: int64(cfg.Params.PagesPerPart)}, nil
}

func (s *singleSource) Close() error      { return s.f.Close() }
func (s *singleSource) Total() int64      { return s.size }
func (s *singleSource) Parts() (int, int) { return 0, -1 }
func (s *singleSource) NumParts() int     { return s.nparts }
func (s *singleSource) Read(p []byte) (int, error) {
	n, err := s.f.Read(p)
	s.read.Add(int64(n))
	return n, err
}

func (s *singleSource) Units(ctx context.Context, need func(int) bool, send func(unit) bool) error {
	var r io.Reader = bufio.NewReaderSize(s, 1<<20)
	if strings.HasSuffix(s.path, ".bz2") {
		r = bz2.NewReader(r)
	}
	ra := newReadAhead(r, 1<<20, 4)
	defer ra.Close()
	dr := wikidump.NewReader(ra)
	var ordinal int64
	var batch []page
	var batchText int
	seq := 0
	var reported int64
	flush := func() bool {
		if len(batch) == 0 {
			return true
		}
		read := s.read.Load()
		u := unit{seq: seq, pages: batch, size: read - reported}
		reported = read
		seq++
		batch, batchText = nil, 0
		return send(u)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := dr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.path, err)
		}
		part := int(ordinal / s.ppp)
		s.nparts = part + 1
		if need(part) {
			batch = append(batch, page{ordinal: ordinal, id: p.ID, title: p.Title, ns: p.NS,
				redirect: p.Redirect != "", text: bytes.Clone(p.Text)})
			batchText += len(p.Text)
		}
		ordinal++
		if batchText >= batchBytes && !flush() {
			return ctx.Err()
		}
	}
	if !flush() {
		return ctx.Err()
	}
	return nil
}

// bz2Readers keeps decoders (about 9 MB each) across the streams that
// workers decompress.
var bz2Readers = sync.Pool{New: func() any { return bz2.NewReader(nil) }}

// multiSource reads the streams of a multistream dump in parallel.
type multiSource struct {
	path    string
	f       *os.File
	site    *wikidump.SiteInfo
	streams []wikidump.Stream
	first   []int64 // ordinal of each stream's first page
	pages   int64
	ppp     int64
	nparts  int
	lo, hi  int
	total   int64
}

func openMultistream(cfg Config) (*multiSource, error) {
	f, err := os.Open(cfg.Dump)
	if err != nil {
		return nil, fmt.Errorf("open dump: %w", err)
	}
	s := &multiSource{path: cfg.Dump, f: f, ppp: int64(cfg.Params.PagesPerPart)}
	if err := s.load(cfg); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *multiSource) load(cfg Config) error {
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("open dump: %w", err)
	}
	idx, err := os.Open(cfg.Index)
	if err != nil {
		return fmt.Errorf("open index: %w", err)
	}
	defer idx.Close()
	var r io.Reader = bufio.NewReaderSize(idx, 1<<20)
	if strings.HasSuffix(cfg.Index, ".bz2") {
		r = bz2.NewReader(r)
	}
	s.streams, err = wikidump.ReadIndex(r, st.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Index, err)
	}
	if len(s.streams) == 0 {
		return fmt.Errorf("%s: index lists no pages", cfg.Index)
	}
	if last := s.streams[len(s.streams)-1]; last.Offset >= st.Size() {
		return fmt.Errorf("%s: index points past the end of %s (offset %d, size %d): wrong index or truncated dump",
			cfg.Index, cfg.Dump, last.Offset, st.Size())
	}
	s.site, err = wikidump.ReadMultistreamHeader(s.f, s.streams)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Dump, err)
	}
	s.first = make([]int64, len(s.streams))
	for i, str := range s.streams {
		s.first[i] = s.pages
		s.pages += int64(str.Pages)
	}
	s.nparts = int((s.pages + s.ppp - 1) / s.ppp)
	s.lo, s.hi = cfg.Split.Range(s.nparts)
	for i := range s.streams {
		if s.overlaps(i, func(p int) bool { return p >= s.lo && p < s.hi }) {
			s.total += s.streams[i].Length
		}
	}
	return nil
}

func (s *multiSource) Close() error      { return s.f.Close() }
func (s *multiSource) Total() int64      { return s.total }
func (s *multiSource) Parts() (int, int) { return s.lo, s.hi }
func (s *multiSource) NumParts() int     { return s.nparts }

// overlaps reports whether stream i holds a page of a part that need selects.
func (s *multiSource) overlaps(i int, need func(int) bool) bool {
	first := s.first[i]
	last := first + int64(s.streams[i].Pages) - 1
	for p := first / s.ppp; p <= last/s.ppp; p++ {
		if need(int(p)) {
			return true
		}
	}
	return false
}

func (s *multiSource) Units(ctx context.Context, need func(int) bool, send func(unit) bool) error {
	seq := 0
	for i := range s.streams {
		if !s.overlaps(i, need) {
			continue
		}
		i := i
		u := unit{seq: seq, size: s.streams[i].Length, load: func(keep func(int64) bool) ([]page, int64, error) {
			return s.readStream(i, keep)
		}}
		seq++
		if !send(u) {
			return ctx.Err()
		}
	}
	return nil
}

// readStream decompresses and parses stream i, keeping the pages keep
// selects. It runs in a worker.
func (s *multiSource) readStream(i int, keep func(int64) bool) ([]page, int64, error) {
	str := s.streams[i]
	sec := io.NewSectionReader(s.f, str.Offset, str.Length)
	zr := bz2Readers.Get().(*bz2.Reader)
	defer bz2Readers.Put(zr)
	zr.Reset(bufio.NewReaderSize(sec, 256<<10))
	dr := wikidump.NewFragmentReader(zr, s.site)
	var pages []page
	ord := s.first[i]
	n := 0
	for {
		p, err := dr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: stream at offset %d: %w", s.path, str.Offset, err)
		}
		if n == str.Pages {
			return nil, 0, fmt.Errorf("%s: stream at offset %d holds more pages than the index lists (%d)", s.path, str.Offset, str.Pages)
		}
		if keep(ord) {
			pages = append(pages, page{ordinal: ord, id: p.ID, title: p.Title, ns: p.NS,
				redirect: p.Redirect != "", text: bytes.Clone(p.Text)})
		}
		ord++
		n++
	}
	if n != str.Pages {
		return nil, 0, fmt.Errorf("%s: stream at offset %d holds %d pages, the index lists %d", s.path, str.Offset, n, str.Pages)
	}
	return pages, dr.Offset(), nil
}
