package loader

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/instances"
	"github.com/bertline/bertline/pkg/shards"
)

// Config says what a Loader reads and how it cuts batches.
type Config struct {
	Dir       string // a split directory: shard-NNNNN.arrow files, or bin-NNN/ directories of them
	BatchSize int    // sequences per micro-batch on this rank
	// Rank and World place this process among World data-parallel ranks
	// (World 0 means 1). Each training global batch holds BatchSize×World
	// sequences, of which rank r takes rows [r·BatchSize, (r+1)·BatchSize).
	Rank, World int
	Seed        uint64 // decides every shuffle and every dynamic mask
	// Shuffle selects training: a new order every epoch, incomplete global
	// batches dropped, epochs without end. Without it the Loader makes one
	// pass in file order (evaluation) and then returns io.EOF.
	Shuffle bool
	// VocabSHA256 and MaxSeqLen, when set, are checked against every
	// shard's metadata (shards.CheckMeta).
	VocabSHA256 string
	MaxSeqLen   int
	Mask        MaskConfig // the vocabulary for dynamic masking; ignored for static shards
	Prefetch    int        // batches prepared ahead by a background goroutine (0: DefaultPrefetch)
}

// DefaultPrefetch is the number of batches prepared ahead when
// Config.Prefetch is 0.
const DefaultPrefetch = 4

// Cursor is a position in the data: the next global batch to read. A
// training cursor counts global batches of BatchSize×World sequences
// within an epoch; an evaluation cursor counts rounds of World batches.
// It is only meaningful with the Config (Dir, BatchSize, World, Seed,
// Shuffle) it was made with.
type Cursor struct {
	Epoch int64 `json:"epoch"`
	Batch int64 `json:"batch"`
}

// Loader reads the batches of a split for one data-parallel rank. A
// background goroutine opens the shard files as they are needed, decodes
// the rows of this rank, masks them (dynamic masking) and pads them into
// bert.Batch values, Prefetch batches ahead of Next.
//
// A Loader is not safe for concurrent use: call Next and Close from one
// goroutine.
type Loader struct {
	cfg   Config
	world int
	rank  int

	files    []file
	nbins    int
	binFiles [][]int // file indexes of each bin, in name order
	meta     shards.Meta
	n        int
	masker   *instances.Masker // nil for static shards

	global          int64 // training: BatchSize×World
	batchesPerEpoch int64
	maxT, maxMasked int

	out  chan result
	done chan struct{}
	wg   sync.WaitGroup
	err  error // sticky: the error or io.EOF Next returned
	at   Cursor
}

// result is one batch, or the error that ends the stream, as the
// background goroutine hands it to Next.
type result struct {
	batch *bert.Batch
	at    Cursor
	err   error
}

var (
	errClosed  = errors.New("loader: Next after Close")
	errStopped = errors.New("loader: stopped") // Close interrupted the background goroutine
)

// Open opens the split cfg.Dir, checks every shard's metadata, and starts
// reading at cursor at (Cursor{} for the beginning). Resuming at a cursor
// that a Loader with the same Config returned continues exactly where that
// Loader was, without reading the batches before it.
func Open(cfg Config, at Cursor) (*Loader, error) {
	l := &Loader{cfg: cfg, world: max(cfg.World, 1), rank: cfg.Rank}
	switch {
	case cfg.BatchSize < 1:
		return nil, fmt.Errorf("loader: batch size %d < 1", cfg.BatchSize)
	case cfg.World < 0 || cfg.Rank < 0 || cfg.Rank >= l.world:
		return nil, fmt.Errorf("loader: rank %d outside world %d", cfg.Rank, l.world)
	case cfg.Prefetch < 0:
		return nil, fmt.Errorf("loader: prefetch %d < 0", cfg.Prefetch)
	case at.Epoch < 0 || at.Batch < 0:
		return nil, fmt.Errorf("loader: negative cursor %+v", at)
	}
	paths, bins, nbins, err := listSplit(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if l.files, err = openFiles(paths, bins); err != nil {
		return nil, err
	}
	if err := checkFiles(l.files, &cfg); err != nil {
		return nil, err
	}
	l.nbins, l.meta = nbins, l.files[0].meta
	l.binFiles = make([][]int, nbins)
	for i, f := range l.files {
		l.binFiles[f.bin] = append(l.binFiles[f.bin], i)
		l.n += f.n
	}
	if l.meta.Masking == shards.MaskingDynamic {
		if l.masker, err = newMasker(l.meta, l.files[0].path, &cfg.Mask); err != nil {
			return nil, err
		}
	}
	l.maxT = (l.meta.MaxSeqLen + 7) &^ 7
	l.maxMasked = cfg.BatchSize * l.meta.MaxPredictions

	bs := int64(cfg.BatchSize)
	it := &iter{l: l, masker: l.masker}
	if cfg.Shuffle {
		l.global = bs * int64(l.world)
		for _, fs := range l.binFiles {
			var n int64
			for _, f := range fs {
				n += int64(l.files[f].n)
			}
			l.batchesPerEpoch += n / l.global
		}
		if l.batchesPerEpoch == 0 {
			return nil, fmt.Errorf("loader: %s: no bin holds a global batch of %d×%d instances (%d instances in %d bins)",
				cfg.Dir, bs, l.world, l.n, nbins)
		}
		if at.Batch >= l.batchesPerEpoch {
			return nil, fmt.Errorf("loader: cursor %+v past the %d global batches of an epoch", at, l.batchesPerEpoch)
		}
		it.plan = l.trainPlan(at.Epoch)
		it.taken = it.plan.taken(at.Batch)
	} else {
		l.batchesPerEpoch = ((int64(l.n)+bs-1)/bs + int64(l.world) - 1) / int64(l.world)
		if at.Epoch != 0 || at.Batch > l.batchesPerEpoch {
			return nil, fmt.Errorf("loader: cursor %+v outside the one pass of %d rounds of evaluation", at, l.batchesPerEpoch)
		}
		it.plan = l.evalPlan()
	}
	it.batch = at.Batch
	l.at = at

	prefetch := cfg.Prefetch
	if prefetch == 0 {
		prefetch = DefaultPrefetch
	}
	l.out = make(chan result, prefetch)
	l.done = make(chan struct{})
	it.done = l.done
	l.wg.Add(1)
	go l.run(it)
	return l, nil
}

// run prepares batches until Close, an error, or the end of evaluation.
func (l *Loader) run(it *iter) {
	defer l.wg.Done()
	for {
		r := it.next()
		if errors.Is(r.err, errStopped) {
			return
		}
		select {
		case l.out <- r:
		case <-l.done:
			return
		}
		if r.err != nil {
			return
		}
	}
}

// Next returns the next batch of this rank and the cursor after it. In
// evaluation it returns io.EOF after the last batch; in training it never
// does. A batch belongs to the caller. After an error (a damaged shard, say,
// wrapping shards.ErrCorrupt and naming the file) Next keeps returning it.
func (l *Loader) Next() (*bert.Batch, Cursor, error) {
	if l.err != nil {
		return nil, l.at, l.err
	}
	r := <-l.out
	if r.err != nil {
		l.err = r.err
		return nil, l.at, r.err
	}
	l.at = r.at
	return r.batch, r.at, nil
}

// Close stops the background goroutine and waits for it to end. Batches
// already returned stay valid.
func (l *Loader) Close() error {
	if l.err == errClosed {
		return nil
	}
	close(l.done)
	l.wg.Wait()
	l.err = errClosed
	return nil
}

// Instances returns the number of instances in the split.
func (l *Loader) Instances() int { return l.n }

// BatchesPerEpoch returns the number of global batches in a training epoch
// (those of BatchSize×World sequences that fit in each bin, summed over
// the bins), or the number of evaluation rounds (World batches each, the
// last possibly incomplete).
func (l *Loader) BatchesPerEpoch() int64 { return l.batchesPerEpoch }

// Meta returns the metadata of the split's first shard (vocabulary hash,
// max_seq_len, masking, ...); the others agree on everything that matters
// to training.
func (l *Loader) Meta() shards.Meta { return l.meta }

// MaxT returns the largest T of a batch: max_seq_len rounded up to a
// multiple of 8.
func (l *Loader) MaxT() int { return l.maxT }

// MaxMasked returns the largest number of masked positions in a batch:
// BatchSize × max_predictions.
func (l *Loader) MaxMasked() int { return l.maxMasked }

// iter is the state of the background goroutine: where it is and the
// files it has decoded.
type iter struct {
	l      *Loader
	plan   *plan
	batch  int64   // next global batch (training) or round (evaluation) of plan.epoch
	taken  []int64 // training: batches of each stream read so far this epoch
	cache  []*loaded
	masker *instances.Masker
	rng    counterRNG
	refs   []ref
	done   <-chan struct{}
}

// loaded holds the rows of one file that this rank reads this epoch.
type loaded struct {
	file  int     // index into Loader.files
	start int64   // stream position of the file's first row in this epoch
	slot  []int32 // slot[q]: index in rows of stream position start+q; -1 when another rank reads it
	rows  rows
}

// rows is a compact store of instances, in the order they were read.
type rows struct {
	row    []int32 // the instance's row in its file: its identity for masking
	idOff  []int32 // ids[idOff[j]:idOff[j+1]] are instance j's input ids
	ids    []int32
	aLen   []int32
	random []bool
	posOff []int32 // static masking: pos and mids[posOff[j]:posOff[j+1]]
	pos    []int32
	mids   []int32
}

func (r *rows) add(row int, in *shards.Instance) {
	if r.idOff == nil {
		r.idOff, r.posOff = []int32{0}, []int32{0}
	}
	r.row = append(r.row, int32(row))
	r.ids = append(r.ids, in.InputIDs...)
	r.idOff = append(r.idOff, int32(len(r.ids)))
	r.aLen = append(r.aLen, int32(in.ALength))
	r.random = append(r.random, in.IsRandomNext)
	r.pos = append(r.pos, in.MaskedPositions...)
	r.mids = append(r.mids, in.MaskedIDs...)
	r.posOff = append(r.posOff, int32(len(r.pos)))
}

// ref is one row of a batch: instance j of a loaded file.
type ref struct {
	f *loaded
	j int32
}

// cacheSize is the number of decoded files kept: one being read in every
// bin, and the next one where a batch straddles two files.
func (it *iter) cacheSize() int { return it.l.nbins + 1 }

// next prepares the next batch of this rank.
func (it *iter) next() result {
	l := it.l
	bs := int64(l.cfg.BatchSize)
	var si int
	var lo, hi int64
	if l.cfg.Shuffle {
		if it.batch == l.batchesPerEpoch {
			it.plan = l.trainPlan(it.plan.epoch + 1)
			it.taken = it.plan.taken(0)
			it.batch = 0
			it.cache = it.cache[:0]
		}
		si = it.plan.streamOf(it.batch)
		k := it.taken[si]
		it.taken[si]++
		lo = k*l.global + int64(l.rank)*bs
		hi = lo + bs
	} else {
		n := it.plan.streams[0].start[len(it.plan.streams[0].files)]
		lo = (it.batch*int64(l.world) + int64(l.rank)) * bs
		if lo >= n {
			return result{err: io.EOF}
		}
		hi = min(lo+bs, n)
	}
	s := &it.plan.streams[si]
	it.refs = it.refs[:0]
	for p := lo; p < hi; p++ {
		f, err := it.file(s, s.locate(p))
		if err != nil {
			if !errors.Is(err, errStopped) {
				err = fmt.Errorf("loader: epoch %d, batch %d: %w", it.plan.epoch, it.batch, err)
			}
			return result{err: err}
		}
		it.refs = append(it.refs, ref{f, f.slot[p-f.start]})
	}
	b := it.build(it.refs)
	it.batch++
	at := Cursor{Epoch: it.plan.epoch, Batch: it.batch}
	if l.cfg.Shuffle && it.batch == l.batchesPerEpoch {
		at = Cursor{Epoch: it.plan.epoch + 1}
	}
	return result{batch: b, at: at}
}

// file returns file i of stream s, decoding it unless it is cached.
func (it *iter) file(s *stream, i int) (*loaded, error) {
	fi := s.files[i]
	for k, f := range it.cache {
		if f.file == fi {
			copy(it.cache[1:k+1], it.cache[:k]) // most recently used first
			it.cache[0] = f
			return f, nil
		}
	}
	f, err := it.load(s, i)
	if err != nil {
		return nil, err
	}
	if len(it.cache) == it.cacheSize() {
		it.cache = it.cache[:len(it.cache)-1]
	}
	it.cache = slices.Insert(it.cache, 0, f)
	return f, nil
}

// takes reports whether this rank reads position p of stream s.
func (it *iter) takes(s *stream, p int64) bool {
	l := it.l
	bs := int64(l.cfg.BatchSize)
	if l.cfg.Shuffle {
		return p < s.batches*l.global && (p%l.global)/bs == int64(l.rank)
	}
	return (p/bs)%int64(l.world) == int64(l.rank)
}

// load decodes the rows of file i of stream s that this rank reads this
// epoch. In training the file's rows are read in a seeded permutation
// (the random sampler within a file); in evaluation, in order.
func (it *iter) load(s *stream, i int) (*loaded, error) {
	l := it.l
	fi := s.files[i]
	f := &l.files[fi]
	var perm []int32
	if l.cfg.Shuffle {
		it.rng.reset(domainRows, l.cfg.Seed, uint64(it.plan.epoch), uint64(fi))
		perm = it.rng.permutation(f.n)
	}
	ld := &loaded{file: fi, start: s.start[i], slot: make([]int32, f.n)}
	var need []uint64 // row<<32 | stream offset, sorted by row so each record batch is decoded once
	for q := range f.n {
		ld.slot[q] = -1
		if it.takes(s, ld.start+int64(q)) {
			row := q
			if perm != nil {
				row = int(perm[q])
			}
			need = append(need, uint64(row)<<32|uint64(q))
		}
	}
	if len(need) == 0 {
		return ld, nil
	}
	slices.Sort(need)
	r, err := shards.Open(f.path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if r.Len() != f.n {
		return nil, fmt.Errorf("%s: %d instances, %d when the loader was opened", f.path, r.Len(), f.n)
	}
	for j, nq := range need {
		if j%1024 == 0 && it.stopped() {
			return nil, errStopped
		}
		row := int(nq >> 32)
		in, err := r.ReadAt(row)
		if err != nil {
			return nil, err
		}
		ld.rows.add(row, in)
		ld.slot[uint32(nq)] = int32(j)
	}
	return ld, nil
}

// stopped reports whether Close has been called.
func (it *iter) stopped() bool {
	select {
	case <-it.done:
		return true
	default:
		return false
	}
}

// build pads the rows of refs into a batch of T = the longest row rounded
// up to a multiple of 8, masking them with dynamic masking.
func (it *iter) build(refs []ref) *bert.Batch {
	longest := 1
	for _, r := range refs {
		c := &r.f.rows
		longest = max(longest, int(c.idOff[r.j+1]-c.idOff[r.j]))
	}
	B, T := len(refs), (longest+7)&^7
	b := &bert.Batch{
		B: B, T: T,
		InputIDs:   make([]int32, B*T),
		TokenTypes: make([]int32, B*T),
		Mask:       make([]int32, B*T),
		MaskedPos:  make([]int32, 0, B*it.l.meta.MaxPredictions),
		MaskedIDs:  make([]int32, 0, B*it.l.meta.MaxPredictions),
		NSPLabels:  make([]int32, B),
	}
	for i, r := range refs {
		c, j := &r.f.rows, r.j
		ids := c.ids[c.idOff[j]:c.idOff[j+1]]
		row := b.InputIDs[i*T : i*T+len(ids)]
		copy(row, ids)
		types, mask := b.TokenTypes[i*T:i*T+len(ids)], b.Mask[i*T:i*T+len(ids)]
		for t := range mask {
			mask[t] = 1
		}
		for t := int(c.aLen[j]); t < len(types); t++ {
			types[t] = 1
		}
		if c.random[j] {
			b.NSPLabels[i] = 1
		}
		var pos, labels []int32
		if it.masker != nil {
			it.rng.reset(domainMask, it.l.cfg.Seed, uint64(it.plan.epoch), uint64(r.f.file), uint64(c.row[j]))
			pos, labels = it.masker.Mask(row, &it.rng)
		} else {
			pos, labels = c.pos[c.posOff[j]:c.posOff[j+1]], c.mids[c.posOff[j]:c.posOff[j+1]]
		}
		for k, t := range pos {
			b.MaskedPos = append(b.MaskedPos, int32(i*T)+t)
			b.MaskedIDs = append(b.MaskedIDs, labels[k])
		}
	}
	return b
}
