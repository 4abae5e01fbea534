// Package wikicorpus turns a Wikipedia XML dump into a corpus directory
// (package corpus): the prose of every article, one sentence per line, a
// blank line between articles, traceable to page ids and titles.
//
// The dump is read in one of two ways:
//
//   - single stream (.xml or .xml.bz2): one goroutine decompresses, one
//     parses, and a pool of workers cleans and segments pages;
//   - multistream (-multistream.xml.bz2 with its index): the index gives the
//     byte range of every bzip2 stream of 100 pages, so workers decompress,
//     parse, clean and segment whole streams in parallel.
//
// Either way, results are written in dump order. Pages are numbered in dump
// order (all pages, not only articles) and page n goes to part
// n / PagesPerPart, so the parts a dump yields do not depend on the reading
// mode, the number of workers or the number of tasks: task i of N writes
// parts [i·P/N, (i+1)·P/N) of the P parts, and the union of the tasks'
// directories — or one directory they share — equals a single run's output.
//
// A part is written atomically and recorded when complete, so a run that is
// killed resumes from the first unfinished part.
package wikicorpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"

	"github.com/bertline/bertline/pkg/corpus"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/sentences"
	"github.com/bertline/bertline/pkg/tasks"
	"github.com/bertline/bertline/pkg/wikitext"
)

// Stage names this stage in manifests.
const Stage = "fetch wikipedia"

// DefaultPagesPerPart gives parts of a few hundred MB of text on English
// Wikipedia (about 100 parts for its 24 million pages).
const DefaultPagesPerPart = 250_000

// Params are the settings that determine the output; they are recorded in
// the manifest, and a directory holding parts made with other Params is not
// resumed into.
type Params struct {
	PagesPerPart       int    `json:"pages_per_part"`
	KeepDisambiguation bool   `json:"keep_disambiguation"`
	KeepLists          bool   `json:"keep_lists"`
	Language           string `json:"language"`
}

// Config is one run of the stage.
type Config struct {
	Dump    string // local .xml, .xml.bz2 or -multistream.xml.bz2
	Index   string // local multistream index (.txt.bz2 or .txt); "" reads Dump as a single stream
	Out     string // corpus directory, created if needed
	Params  Params
	Split   tasks.Split
	Workers int // default GOMAXPROCS
	// Manifest supplies stage, version, command and inputs for manifest.json.
	Manifest manifest.Manifest
	Progress progress.Config
}

// Stats tallies what a run read and wrote.
type Stats struct {
	Pages, Articles, Redirects, OtherNamespaces, Disambiguation, Empty int64
	Documents, Sentences                                               int64
	XMLBytes                                                           int64 // uncompressed XML read
	PartsWritten, PartsSkipped                                         int
	Finalized                                                          bool // documents.jsonl and manifest.json written
	UpToDate                                                           bool // the output was already complete: nothing was done
}

// Run executes cfg. It returns when the task's parts are written, and also
// writes documents.jsonl and manifest.json when every part of the dump is
// present (the last task to finish does it).
func Run(ctx context.Context, cfg Config) (*Stats, error) {
	if cfg.Params.PagesPerPart <= 0 {
		cfg.Params.PagesPerPart = DefaultPagesPerPart
	}
	if cfg.Params.Language == "" {
		cfg.Params.Language = "en"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if err := cfg.Split.Validate(); err != nil {
		return nil, err
	}
	st := new(Stats)
	if manifest.Complete(cfg.Out, Stage, cfg.Params) {
		slog.Info("output is complete, nothing to do", "out", cfg.Out)
		st.Finalized, st.UpToDate = true, true
		return st, manifest.FinishWork(cfg.Out)
	}
	if err := manifest.PrepareWork(cfg.Out, cfg.Params); err != nil {
		return nil, err
	}
	var src source
	var err error
	if cfg.Index != "" {
		src, err = openMultistream(cfg)
	} else {
		if cfg.Split.Count > 1 {
			return nil, fmt.Errorf("%s: splitting across tasks needs a multistream dump and its index (a single-stream dump can only be read start to end)", cfg.Dump)
		}
		src, err = openSingle(cfg)
	}
	if err != nil {
		return nil, err
	}
	defer src.Close()
	if err := run(ctx, cfg, src, st); err != nil {
		return st, err
	}
	nparts := src.NumParts()
	m := cfg.Manifest
	m.Stage = Stage
	m.Params = cfg.Params
	done, err := corpus.Finalize(cfg.Out, nparts, &m)
	if err != nil {
		return st, err
	}
	st.Finalized = done
	if !done {
		slog.Info("this task's parts are written; the last task to finish writes documents.jsonl and manifest.json",
			"task", cfg.Split.String(), "out", cfg.Out)
	}
	return st, nil
}

// A page as handed from a source to the workers.
type page struct {
	ordinal  int64 // position in the dump, counting every page
	id       int64
	title    string
	ns       int
	redirect bool
	text     []byte
}

// A unit is a run of consecutive pages: a multistream stream or a batch of
// a single-stream dump. Units are numbered in dump order.
type unit struct {
	seq   int
	pages []page
	// load, when set, is called by a worker to fill pages (multistream:
	// decompress and parse the stream in the worker).
	load func(keep func(ordinal int64) bool) ([]page, int64, error)
	size int64 // compressed bytes this unit accounts for, for progress
}

// kind classifies a page.
type kind uint8

const (
	article kind = iota
	redirectPage
	otherNamespace
	disambiguation
	empty
)

// A doc is a worker's verdict on one page.
type doc struct {
	ordinal   int64
	id        int64
	title     string
	kind      kind
	sentences [][]byte
}

type result struct {
	seq      int
	docs     []doc
	xmlBytes int64
	size     int64
	err      error
}

// source produces units in dump order.
type source interface {
	// Units passes the units needed for the owned, unfinished parts to
	// send, in dump order, and stops early when send returns false.
	Units(ctx context.Context, need func(part int) bool, send func(unit) bool) error
	NumParts() int
	Parts() (lo, hi int) // parts this task owns
	Total() int64        // compressed bytes to process, for progress
	Close() error
}

func run(ctx context.Context, cfg Config, src source, st *Stats) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ppp := int64(cfg.Params.PagesPerPart)
	lo, hi := src.Parts()
	done := map[int]bool{}
	for p := lo; p < hi || hi < 0; p++ {
		if _, ok := corpus.ReadPart(cfg.Out, p); ok {
			done[p] = true
			st.PartsSkipped++
		} else if hi < 0 {
			break
		}
	}
	if len(done) > 0 {
		slog.Info("resuming: finished parts are kept", "parts", len(done))
	}
	need := func(part int) bool {
		return part >= lo && (hi < 0 || part < hi) && !done[part]
	}
	meter := progress.Start("wikipedia", src.Total(), progress.Bytes, cfg.Progress)
	defer meter.Finish()

	units := make(chan unit, cfg.Workers)
	results := make(chan result, cfg.Workers)
	// tokens bound the units in flight, so a slow unit cannot make the
	// reorder buffer grow without limit.
	tokens := make(chan struct{}, 4*cfg.Workers)
	send := func(u unit) bool {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case units <- u:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(units)
		if err := src.Units(ctx, need, send); err != nil {
			cancel(err)
		}
	}()
	var workers sync.WaitGroup
	for range cfg.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			w := newWorker(cfg.Params)
			for u := range units {
				r := w.process(u, func(ord int64) bool { return need(int(ord / ppp)) })
				select {
				case results <- r:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { workers.Wait(); close(results) }()

	wr := &partRouter{dir: cfg.Out, ppp: ppp, need: need, st: st}
	pending := map[int]result{}
	next := 0
	var firstErr error
	for r := range results {
		if firstErr != nil {
			continue
		}
		pending[r.seq] = r
		for {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-tokens
			if r.err == nil {
				r.err = wr.write(r.docs)
			}
			if r.err != nil {
				firstErr = r.err
				cancel(r.err)
				break
			}
			st.XMLBytes += r.xmlBytes
			meter.Add(r.size)
		}
	}
	wg.Wait()
	if firstErr == nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			firstErr = cause
		} else if err := ctx.Err(); err != nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		wr.abort()
		return firstErr
	}
	return wr.close()
}

// partRouter writes documents, in dump order, into the part their page
// ordinal selects.
type partRouter struct {
	dir  string
	ppp  int64
	need func(int) bool
	st   *Stats
	cur  *corpus.PartWriter
	part int
}

func (r *partRouter) write(docs []doc) error {
	for i := range docs {
		d := &docs[i]
		p := int(d.ordinal / r.ppp)
		if !r.need(p) {
			continue
		}
		if r.cur == nil || p != r.part {
			if err := r.close(); err != nil {
				return err
			}
			w, err := corpus.CreatePart(r.dir, p)
			if err != nil {
				return err
			}
			r.cur, r.part = w, p
		}
		r.cur.Count("pages", 1)
		r.st.Pages++
		switch d.kind {
		case article:
			r.cur.Count("articles", 1)
			r.st.Articles++
			r.st.Documents++
			r.st.Sentences += int64(len(d.sentences))
			if err := r.cur.Add(d.id, d.title, d.sentences); err != nil {
				return err
			}
		case redirectPage:
			r.cur.Count("redirects", 1)
			r.st.Redirects++
		case otherNamespace:
			r.cur.Count("other_namespaces", 1)
			r.st.OtherNamespaces++
		case disambiguation:
			r.cur.Count("disambiguation_pages", 1)
			r.st.Disambiguation++
		case empty:
			r.cur.Count("articles", 1)
			r.cur.Count("empty_articles", 1)
			r.st.Articles++
			r.st.Empty++
		}
	}
	return nil
}

func (r *partRouter) close() error {
	if r.cur == nil {
		return nil
	}
	w := r.cur
	r.cur = nil
	if _, err := w.Commit(); err != nil {
		return err
	}
	r.st.PartsWritten++
	return nil
}

func (r *partRouter) abort() {
	if r.cur != nil {
		r.cur.Abort()
		r.cur = nil
	}
}

// worker cleans and segments pages. Each goroutine owns one.
type worker struct {
	params  Params
	cleaner *wikitext.Cleaner
	seg     *sentences.Segmenter
	buf     []byte   // cleaned text of the current page
	sents   [][]byte // its sentences, slices of buf
	bounds  []int
}

func newWorker(p Params) *worker {
	return &worker{params: p, cleaner: wikitext.NewCleaner(wikitext.Options{KeepLists: p.KeepLists}), seg: sentences.NewEnglish()}
}

func (w *worker) process(u unit, keep func(int64) bool) result {
	r := result{seq: u.seq, size: u.size}
	pages := u.pages
	if u.load != nil {
		var err error
		pages, r.xmlBytes, err = u.load(keep)
		if err != nil {
			r.err = err
			return r
		}
	} else {
		for _, p := range pages {
			r.xmlBytes += int64(len(p.text))
		}
	}
	r.docs = make([]doc, 0, len(pages))
	for i := range pages {
		r.docs = append(r.docs, w.page(&pages[i]))
	}
	return r
}

func (w *worker) page(p *page) doc {
	d := doc{ordinal: p.ordinal, id: p.id, title: p.title}
	switch {
	case p.ns != 0:
		d.kind = otherNamespace
		return d
	case p.redirect:
		d.kind = redirectPage
		return d
	case !w.params.KeepDisambiguation && wikitext.IsDisambiguation(p.title, p.text):
		d.kind = disambiguation
		return d
	}
	w.buf = w.cleaner.Clean(w.buf[:0], p.text)
	w.sents = w.sents[:0]
	for para := range bytes.SplitSeq(w.buf, newline) {
		w.sents, w.bounds = w.seg.AppendSentences(w.sents, w.bounds, para)
	}
	if len(w.sents) == 0 {
		d.kind = empty
		return d
	}
	// One allocation holds all of the page's sentences; w.buf is reused.
	size := 0
	for _, s := range w.sents {
		size += len(s)
	}
	arena := make([]byte, 0, size)
	d.sentences = make([][]byte, len(w.sents))
	for i, s := range w.sents {
		start := len(arena)
		arena = append(arena, s...)
		d.sentences[i] = arena[start:len(arena):len(arena)]
	}
	return d
}

var newline = []byte{'\n'}
