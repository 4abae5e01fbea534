//go:build ignore

// Mkmultistream turns a MediaWiki XML export into a multistream dump laid
// out the way Wikimedia publishes pages-articles-multistream: a header
// stream with <mediawiki> and <siteinfo>, streams of N pages each, and a
// final stream with </mediawiki>, each its own bzip2 stream, plus an index
// of "offset:pageid:title" lines, one a page, that gives each page's stream.
//
//	go run mkmultistream.go -pages-per-stream 2 ../export-0.11.xml /tmp/enwiki
//
// writes /tmp/enwiki-multistream.xml.bz2 and
// /tmp/enwiki-multistream-index.txt.bz2. It compresses with the bzip2
// command, as Go's standard library has no bzip2 writer. Anything between
// pages (comments, <logitem>) goes into the stream of the page after it.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/bertline/bertline/pkg/wikidump"
)

func main() {
	perStream := flag.Int("pages-per-stream", 100, "pages in each bzip2 stream")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run mkmultistream.go [-pages-per-stream N] in.xml out-prefix")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 2 || *perStream < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), flag.Arg(1), *perStream); err != nil {
		fmt.Fprintln(os.Stderr, "mkmultistream:", err)
		os.Exit(1)
	}
}

// A page is one page's bytes in the export and its index entry.
type page struct {
	start, end int64
	id         int64
	title      string
}

func run(in, prefix string, perStream int) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	pages, err := split(data)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	var dump, index bytes.Buffer
	if err := compress(&dump, data[:pages[0].start]); err != nil {
		return err
	}
	for i := 0; i < len(pages); i += perStream {
		group := pages[i:min(i+perStream, len(pages))]
		for _, p := range group {
			fmt.Fprintf(&index, "%d:%d:%s\n", dump.Len(), p.id, p.title)
		}
		if err := compress(&dump, data[group[0].start:group[len(group)-1].end]); err != nil {
			return err
		}
	}
	if err := compress(&dump, data[pages[len(pages)-1].end:]); err != nil {
		return err
	}
	var zindex bytes.Buffer
	if err := compress(&zindex, index.Bytes()); err != nil {
		return err
	}
	if err := os.WriteFile(prefix+"-multistream.xml.bz2", dump.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(prefix+"-multistream-index.txt.bz2", zindex.Bytes(), 0o644)
}

// split returns the byte range of each page: from the start of the line of
// its <page> tag (or the end of the page before) to past the newline after
// its </page>.
func split(data []byte) ([]page, error) {
	r := wikidump.NewReader(bytes.NewReader(data))
	var pages []page
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		end := r.Offset()
		if end < int64(len(data)) && data[end] == '\n' {
			end++
		}
		var start int64
		if len(pages) > 0 {
			start = pages[len(pages)-1].end
		} else {
			tag := bytes.LastIndex(data[:end], []byte("<page"))
			start = int64(bytes.LastIndexByte(data[:tag], '\n') + 1)
			if len(bytes.TrimSpace(data[start:tag])) != 0 {
				start = int64(tag)
			}
		}
		pages = append(pages, page{start: start, end: end, id: p.ID, title: p.Title})
	}
	if len(pages) == 0 {
		return nil, fmt.Errorf("no pages")
	}
	return pages, nil
}

// compress appends b to w as one bzip2 stream.
func compress(w *bytes.Buffer, b []byte) error {
	cmd := exec.Command("bzip2", "-c", "-9")
	cmd.Stdin = bytes.NewReader(b)
	cmd.Stdout = w
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bzip2: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}
