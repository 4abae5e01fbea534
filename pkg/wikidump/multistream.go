package wikidump

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/bertline/bertline/pkg/bz2"
)

// A Stream is one bzip2 stream of a multistream dump
// (enwiki-YYYYMMDD-pages-articles-multistream.xml.bz2): a run of whole
// <page> elements, usually 100, compressed on its own so that streams can be
// decompressed in parallel or picked out by the index.
type Stream struct {
	Offset      int64 // of the stream in the .xml.bz2 file
	Length      int64 // compressed bytes; the last stream's runs to the end of the file
	Pages       int   // index lines that point at the stream
	FirstPageID int64 // page id on the first of them
}

// ReadIndex reads a multistream index (the decompressed
// ...-multistream-index.txt.bz2), whose lines are "offset:pageid:title",
// into the streams it names, in file order. Lines with the same offset, which
// must be adjacent, form one stream; titles may hold colons. dumpSize is the
// size of the .xml.bz2 file, where the last stream ends. Errors name the
// offending line. For a 2000-byte dump, the index
//
//	600:10:AccessibleComputing
//	600:12:Anarchism
//	1000:13:Wikipedia:Manual of Style
//
// gives
//
//	Stream{Offset: 600, Length: 400, Pages: 2, FirstPageID: 10}
//	Stream{Offset: 1000, Length: 1000, Pages: 1, FirstPageID: 13}
func ReadIndex(r io.Reader, dumpSize int64) ([]Stream, error) {
	var streams []Stream
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSuffix(sc.Bytes(), []byte("\r"))
		offset, id, err := parseIndexLine(b)
		if err != nil {
			return nil, fmt.Errorf("wikidump: index line %d: %w", line, err)
		}
		if n := len(streams); n > 0 && streams[n-1].Offset == offset {
			streams[n-1].Pages++
			continue
		}
		if n := len(streams); n > 0 && offset < streams[n-1].Offset {
			return nil, fmt.Errorf("wikidump: index line %d: %w: offset %d is before the previous line's %d",
				line, ErrBadIndex, offset, streams[n-1].Offset)
		}
		if offset >= dumpSize {
			return nil, fmt.Errorf("wikidump: index line %d: %w: offset %d is not inside the %d-byte dump",
				line, ErrBadIndex, offset, dumpSize)
		}
		streams = append(streams, Stream{Offset: offset, Pages: 1, FirstPageID: id})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wikidump: index line %d: %w", line+1, err)
	}
	if len(streams) == 0 {
		return nil, fmt.Errorf("wikidump: index: %w: no lines", ErrBadIndex)
	}
	for i := range streams {
		end := dumpSize
		if i+1 < len(streams) {
			end = streams[i+1].Offset
		}
		streams[i].Length = end - streams[i].Offset
	}
	return streams, nil
}

// parseIndexLine splits "offset:pageid:title"; the title may hold colons.
func parseIndexLine(b []byte) (offset, id int64, err error) {
	f := bytes.SplitN(b, []byte(":"), 3)
	if len(f) < 3 {
		return 0, 0, fmt.Errorf("%w: %s is not offset:pageid:title", ErrBadIndex, quote(b))
	}
	offset, ok := parseNumber(f[0], false)
	if !ok || len(bytes.TrimSpace(f[0])) != len(f[0]) {
		return 0, 0, fmt.Errorf("%w: offset %s is not a number", ErrBadIndex, quote(f[0]))
	}
	id, ok = parseNumber(f[1], false)
	if !ok || len(bytes.TrimSpace(f[1])) != len(f[1]) {
		return 0, 0, fmt.Errorf("%w: page id %s is not a number", ErrBadIndex, quote(f[1]))
	}
	if len(f[2]) == 0 {
		return 0, 0, fmt.Errorf("%w: empty title", ErrBadIndex)
	}
	return offset, id, nil
}

// ReadMultistreamHeader decompresses the header stream of a multistream dump,
// bytes [0, streams[0].Offset), which holds the <mediawiki> start tag and
// <siteinfo>, and returns the SiteInfo.
func ReadMultistreamHeader(ra io.ReaderAt, streams []Stream) (*SiteInfo, error) {
	if len(streams) == 0 || streams[0].Offset <= 0 {
		return nil, errors.New("wikidump: multistream index leaves no room for a header stream")
	}
	zr := bz2.NewReader(io.NewSectionReader(ra, 0, streams[0].Offset))
	return NewReader(zr).readHeader()
}

// OpenStream returns a fragment Reader over the pages of stream s of the
// multistream dump ra, decompressed with package bz2. site supplies
// namespaces to old exports without <ns> and may be nil. Offsets in its
// errors count decompressed bytes from the start of s.
func OpenStream(ra io.ReaderAt, s Stream, site *SiteInfo) *Reader {
	return NewFragmentReader(bz2.NewReader(io.NewSectionReader(ra, s.Offset, s.Length)), site)
}
