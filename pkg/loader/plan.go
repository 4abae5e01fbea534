package loader

import "sort"

// A stream is the sequence of instances that batches are cut from: the
// files of one bin in an epoch's order (training), or all files in name
// order (evaluation). Position p of a stream is row perm(f)[p-start[i]] of
// file files[i], where start[i] ≤ p < start[i+1].
type stream struct {
	files []int   // indexes into Loader.files, in reading order
	start []int64 // start[i]: position of files[i]'s first instance; start[len(files)]: the stream's length
	// batches is the number of whole global batches in a training stream;
	// the rest of the stream is dropped this epoch.
	batches int64
}

// locate returns the index in s.files of the file holding position p.
func (s *stream) locate(p int64) int {
	return sort.Search(len(s.files), func(i int) bool { return s.start[i+1] > p })
}

// plan is the order of one epoch, computed from the files' instance counts
// alone, so that any position of any epoch is found without reading data.
type plan struct {
	epoch   int64
	streams []stream
	// order holds the stream of each global batch of a training epoch, in
	// the order they are read; nil with one stream.
	order []int32
}

// trainPlan is epoch's order: in each bin the files are shuffled, and
// consecutive global batches of the bin's stream are taken in turn; the
// bins' batches are interleaved by a seeded shuffle of the sequence of
// their bin numbers, which keeps each bin's batches in stream order.
func (l *Loader) trainPlan(epoch int64) *plan {
	p := &plan{epoch: epoch, streams: make([]stream, l.nbins)}
	var rng counterRNG
	for b := range p.streams {
		s := &p.streams[b]
		s.files = append(s.files, l.binFiles[b]...)
		rng.reset(domainFiles, l.cfg.Seed, uint64(epoch), uint64(b))
		rng.Shuffle(len(s.files), func(i, j int) { s.files[i], s.files[j] = s.files[j], s.files[i] })
		s.start = l.starts(s.files)
		s.batches = s.start[len(s.files)] / l.global
	}
	if l.nbins > 1 {
		p.order = make([]int32, 0, l.batchesPerEpoch)
		for b := range p.streams {
			for range p.streams[b].batches {
				p.order = append(p.order, int32(b))
			}
		}
		rng.reset(domainBins, l.cfg.Seed, uint64(epoch))
		rng.Shuffle(len(p.order), func(i, j int) { p.order[i], p.order[j] = p.order[j], p.order[i] })
	}
	return p
}

// evalPlan is the single pass of evaluation: every file in name order.
func (l *Loader) evalPlan() *plan {
	files := make([]int, len(l.files))
	for i := range files {
		files[i] = i
	}
	return &plan{streams: []stream{{files: files, start: l.starts(files)}}}
}

// starts returns the prefix sums of the instance counts of files.
func (l *Loader) starts(files []int) []int64 {
	start := make([]int64, len(files)+1)
	for i, f := range files {
		start[i+1] = start[i] + int64(l.files[f].n)
	}
	return start
}

// streamOf returns the stream of global batch k of the epoch.
func (p *plan) streamOf(k int64) int {
	if p.order == nil {
		return 0
	}
	return int(p.order[k])
}

// taken returns how many of the first k global batches of the epoch come
// from each stream: the batch index within its stream of the next one.
func (p *plan) taken(k int64) []int64 {
	n := make([]int64, len(p.streams))
	if p.order == nil {
		n[0] = k
		return n
	}
	for _, s := range p.order[:k] {
		n[s]++
	}
	return n
}
