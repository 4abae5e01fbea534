// Package pretraining turns corpus directories into BERT pretraining shards:
// WordPiece tokenization, next-sentence pairs and masked-LM masking
// (package instances), written as balanced Arrow shards (package shards).
//
// The documents of all inputs, numbered in order, are cut into blocks of
// BlockDocs documents. Block b is tokenized and turned into instances on its
// own, with a random generator seeded from (Seed, b), and random-next
// sentences come from the same block, so the output does not depend on the
// number of workers or tasks, and memory is bounded by the block size.
// Finished blocks are kept in OUT/.work and not redone after a kill. When
// every block is present, instance g of the concatenated blocks goes to
// shard g mod S — the round-robin of Google's script — so shards differ in
// size by at most one:
//
//	OUT/train/shard-00000.arrow … shard-SSSSS.arrow
//	OUT/holdout/shard-00000.arrow …   documents held out by a stable hash of their text
//	OUT/manifest.json
//
// With Compat "google" the whole input is one block seeded with Seed itself
// and no document is held out, which reproduces create_pretraining_data.py
// byte for byte for the same input file, vocabulary and seed.
package pretraining

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/instances"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/pyrandom"
	"github.com/bertline/bertline/pkg/shards"
	"github.com/bertline/bertline/pkg/tasks"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// Stage names this stage in manifests.
const Stage = "shard pretrain"

// Masking and compatibility modes.
const (
	MaskingStatic  = "static"
	MaskingDynamic = "dynamic"
	CompatBertline = "bertline"
	CompatGoogle   = "google"
)

// Params determine the output; they are recorded in the manifest.
type Params struct {
	MaxSeqLen      int     `json:"max_seq_len"`
	MaxPredictions int     `json:"max_predictions"`
	MaskedLMProb   float64 `json:"masked_lm_prob"`
	ShortSeqProb   float64 `json:"short_seq_prob"`
	DupeFactor     int     `json:"dupe_factor"`
	Seed           int64   `json:"seed"`
	WholeWordMask  bool    `json:"whole_word_mask"`
	Masking        string  `json:"masking"`
	Compat         string  `json:"compat"`
	Lowercase      bool    `json:"lowercase"`
	Holdout        float64 `json:"holdout"`
	BlockDocs      int     `json:"block_docs"`
	NumShards      int     `json:"num_shards"`     // 0: one shard per ~InstancesPerShard
	HoldoutShards  int     `json:"holdout_shards"` // 0: likewise
	BinSize        int     `json:"bin_size"`       // >0: separate shard sets by sequence length, as LDDL's bins
	ZstdLevel      string  `json:"zstd_level"`     // fastest, default, better or best
	VocabSHA256    string  `json:"vocab_sha256"`
}

// DefaultParams are NVIDIA's phase-1 settings.
func DefaultParams() Params {
	return Params{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 5,
		Seed: 12345, Masking: MaskingStatic, Compat: CompatBertline, Lowercase: true, Holdout: 0, BlockDocs: 2048,
		ZstdLevel: "fastest"}
}

// InstancesPerShard sets the automatic shard count.
const InstancesPerShard = 100_000

// Config is one run of the stage.
type Config struct {
	Corpora  []string // corpus directories (fetch output) or plain text files
	Vocab    *wordpiece.Vocab
	Out      string
	Params   Params
	Split    tasks.Split
	Workers  int
	Manifest manifest.Manifest // stage, version, command, inputs
	Progress progress.Config
}

// Stats tallies a run.
type Stats struct {
	Documents, HoldoutDocuments, Blocks, BlocksSkipped int64
	Instances, HoldoutInstances                        int64
	Finalized                                          bool
	UpToDate                                           bool // the output was already complete: nothing was done
}

// validate checks the parameters before any work.
func (p *Params) validate() error {
	switch {
	case p.Masking != MaskingStatic && p.Masking != MaskingDynamic:
		return fmt.Errorf("masking must be %q or %q, not %q", MaskingStatic, MaskingDynamic, p.Masking)
	case p.Compat != CompatBertline && p.Compat != CompatGoogle:
		return fmt.Errorf("compat must be %q or %q, not %q", CompatBertline, CompatGoogle, p.Compat)
	case p.Compat == CompatGoogle && p.Holdout != 0:
		return errors.New("--compat google reproduces Google's script, which holds nothing out: use --holdout 0")
	case p.Compat == CompatGoogle && p.Masking != MaskingStatic:
		return errors.New("--compat google masks statically, as Google's script does")
	case p.Holdout < 0 || p.Holdout >= 1:
		return fmt.Errorf("holdout must be in [0, 1), got %g", p.Holdout)
	case p.BlockDocs < 1:
		return fmt.Errorf("block size must be positive, got %d", p.BlockDocs)
	case p.NumShards < 0 || p.HoldoutShards < 0:
		return errors.New("shard counts must not be negative")
	case p.BinSize < 0 || p.BinSize > p.MaxSeqLen:
		return fmt.Errorf("bin size must be in [0, max_seq_len], got %d", p.BinSize)
	case p.BinSize > 0 && p.Compat == CompatGoogle:
		return errors.New("--compat google writes Google's single set of files: no --bin-size")
	}
	if _, err := p.zstdLevel(); err != nil {
		return err
	}
	return nil
}

// zstdLevel is the shards' compression level.
func (p *Params) zstdLevel() (zstd.EncoderLevel, error) {
	ok, level := zstd.EncoderLevelFromString(p.ZstdLevel)
	if !ok || p.ZstdLevel != level.String() {
		return 0, fmt.Errorf("zstd level must be fastest, default, better or best, not %q", p.ZstdLevel)
	}
	return level, nil
}

func (p *Params) instanceOptions(v *wordpiece.Vocab) (instances.Options, error) {
	words := make([]string, v.Len())
	for i := range words {
		words[i] = v.Token(int32(i))
	}
	iv, err := instances.NewVocab(words)
	if err != nil {
		return instances.Options{}, err
	}
	o := instances.Options{MaxSeqLen: p.MaxSeqLen, MaxPredictions: p.MaxPredictions, MaskedLMProb: p.MaskedLMProb,
		ShortSeqProb: p.ShortSeqProb, DupeFactor: p.DupeFactor, WholeWordMask: p.WholeWordMask, Vocab: iv}
	return o, o.Validate()
}

// blockSeed derives block b's seed from the run's seed (SplitMix64), so
// blocks draw independent streams.
func blockSeed(seed int64, b int64) int64 {
	z := uint64(seed) + uint64(b+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return int64((z ^ (z >> 31)) >> 1)
}

// heldOut reports whether a document goes to the holdout split: a stable
// hash of its text, so the choice survives re-fetching and re-ordering.
func heldOut(doc [][]byte, fraction float64) bool {
	if fraction <= 0 {
		return false
	}
	h := fnv.New64a()
	for _, s := range doc {
		h.Write(s)
		h.Write([]byte{'\n'})
	}
	return float64(h.Sum64()>>11)/(1<<53) < fraction
}

// blockRecord marks a finished block.
type blockRecord struct {
	Block            int64 `json:"block"`
	Documents        int64 `json:"documents"`
	HoldoutDocuments int64 `json:"holdout_documents"`
	Instances        int64 `json:"instances"`
	HoldoutInstances int64 `json:"holdout_instances"`
	// Instances per length bin (one bin without --bin-size).
	TrainBins   []int64 `json:"train_bins"`
	HoldoutBins []int64 `json:"holdout_bins"`
}

// numBins is the number of length bins: one when binning is off.
func (p *Params) numBins() int {
	if p.BinSize == 0 {
		return 1
	}
	return (p.MaxSeqLen + p.BinSize - 1) / p.BinSize
}

// bin returns the length bin of an instance of n tokens: bin i holds
// lengths (i·BinSize, (i+1)·BinSize].
func (p *Params) bin(n int) int {
	if p.BinSize == 0 {
		return 0
	}
	return (n - 1) / p.BinSize
}

func workDir(out string) string { return filepath.Join(out, manifest.WorkDir) }
func blockFile(out, split string, b int64) string {
	return filepath.Join(workDir(out), fmt.Sprintf("%s-block-%06d.arrow", split, b))
}
func recordFile(out string, b int64) string {
	return filepath.Join(workDir(out), fmt.Sprintf("block-%06d.json", b))
}

func readRecord(out string, b int64) (*blockRecord, bool) {
	data, err := os.ReadFile(recordFile(out, b))
	if err != nil {
		return nil, false
	}
	r := new(blockRecord)
	if json.Unmarshal(data, r) != nil || r.Block != b {
		return nil, false
	}
	return r, true
}

// Run executes cfg: this task's blocks, then the shards if every block is
// present.
func Run(ctx context.Context, cfg Config) (*Stats, error) {
	p := &cfg.Params
	if err := p.validate(); err != nil {
		return nil, err
	}
	if err := cfg.Split.Validate(); err != nil {
		return nil, err
	}
	p.VocabSHA256 = cfg.Vocab.SHA256()
	opt, err := p.instanceOptions(cfg.Vocab)
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	ins, err := openInputs(cfg.Corpora)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, in := range ins {
		total += in.docs
	}
	if total == 0 {
		return nil, fmt.Errorf("%v: no documents", cfg.Corpora)
	}
	if p.Compat == CompatGoogle {
		p.BlockDocs = int(min(total, math.MaxInt32))
	}
	st := new(Stats)
	if manifest.Complete(cfg.Out, Stage, p) {
		slog.Info("output is complete, nothing to do", "out", cfg.Out)
		st.Finalized, st.UpToDate = true, true
		return st, manifest.FinishWork(cfg.Out)
	}
	if err := manifest.PrepareWork(cfg.Out, p); err != nil {
		return nil, err
	}
	nblocks := (total + int64(p.BlockDocs) - 1) / int64(p.BlockDocs)
	lo, hi := cfg.Split.Range(int(nblocks))
	tok := wordpiece.New(cfg.Vocab, wordpiece.Options{Lowercase: p.Lowercase, Compat: compatOf(p.Compat)})
	if err := runBlocks(ctx, cfg, ins, tok, opt, total, int64(lo), int64(hi), st); err != nil {
		return st, err
	}
	done, err := assemble(ctx, cfg, nblocks, st)
	if err != nil {
		return st, err
	}
	st.Finalized = done
	if !done {
		slog.Info("this task's blocks are written; the last task to finish writes the shards", "task", cfg.Split.String())
	}
	return st, nil
}

func compatOf(c string) wordpiece.Compat {
	if c == CompatGoogle {
		return wordpiece.Google
	}
	return wordpiece.HuggingFace
}

// block is the text of one block, on its way to a worker.
type block struct {
	index int64
	docs  [][][]byte
}

// runBlocks makes blocks [lo, hi) of the ndocs documents.
func runBlocks(ctx context.Context, cfg Config, ins []input, tok *wordpiece.Tokenizer, opt instances.Options, ndocs, lo, hi int64, st *Stats) error {
	p := &cfg.Params
	bd := int64(p.BlockDocs)
	var todo []int64
	var todoDocs int64
	for b := lo; b < hi; b++ {
		if r, ok := readRecord(cfg.Out, b); ok {
			st.BlocksSkipped++
			st.Documents += r.Documents
			st.HoldoutDocuments += r.HoldoutDocuments
			st.Instances += r.Instances
			st.HoldoutInstances += r.HoldoutInstances
			continue
		}
		todo = append(todo, b)
		todoDocs += min(bd, ndocs-b*bd)
	}
	if len(todo) == 0 {
		return nil
	}
	if st.BlocksSkipped > 0 {
		slog.Info("resuming: finished blocks are kept", "blocks", st.BlocksSkipped)
	}
	meter := progress.Start("shard", todoDocs, progress.Count, cfg.Progress)
	defer meter.Finish()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	blocks := make(chan block, 1)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(cfg.Workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range blocks {
				r, err := processBlock(cfg, tok, opt, b)
				if err != nil {
					cancel(err)
					continue
				}
				mu.Lock()
				st.Blocks++
				st.Documents += r.Documents
				st.HoldoutDocuments += r.HoldoutDocuments
				st.Instances += r.Instances
				st.HoldoutInstances += r.HoldoutInstances
				mu.Unlock()
				meter.Add(int64(len(b.docs)))
			}
		}()
	}
	// One reader walks the inputs once, from the first block to do to the
	// last, handing over each block that is not finished yet.
	need := map[int64]bool{}
	for _, b := range todo {
		need[b] = true
	}
	cur := block{index: -1}
	flush := func() bool {
		if cur.index < 0 || !need[cur.index] {
			return true
		}
		select {
		case blocks <- cur:
			return true
		case <-ctx.Done():
			return false
		}
	}
	err := readDocuments(ctx, ins, todo[0]*bd, (todo[len(todo)-1]+1)*bd, func(ord int64, doc [][]byte) error {
		if b := ord / bd; b != cur.index {
			if !flush() {
				return ctx.Err()
			}
			cur = block{index: b}
		}
		if need[cur.index] {
			cur.docs = append(cur.docs, doc)
		}
		return nil
	})
	if err == nil && !flush() {
		err = ctx.Err()
	}
	close(blocks)
	wg.Wait()
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return err
}

// processBlock tokenizes a block, makes its instances and writes them to
// the block files, then the record that marks the block done.
func processBlock(cfg Config, tok *wordpiece.Tokenizer, opt instances.Options, b block) (*blockRecord, error) {
	p := &cfg.Params
	rec := &blockRecord{Block: b.index}
	var train, held []instances.Document
	var ids, slab []int32 // sentences are cut from slab, 64 Ki ids at a time
	for _, doc := range b.docs {
		var d instances.Document
		for _, s := range doc {
			ids = tok.AppendIDs(ids[:0], s)
			if n := len(ids); n > 0 {
				if len(slab) < n {
					slab = make([]int32, max(n, 1<<16))
				}
				d = append(d, slab[:n:n])
				copy(slab, ids)
				slab = slab[n:]
			}
		}
		if heldOut(doc, p.Holdout) {
			held = append(held, d)
			rec.HoldoutDocuments++
		} else {
			train = append(train, d)
			rec.Documents++
		}
	}
	seed := p.Seed
	if p.Compat != CompatGoogle {
		seed = blockSeed(p.Seed, b.index)
	}
	rec.TrainBins, rec.HoldoutBins = make([]int64, p.numBins()), make([]int64, p.numBins())
	for _, split := range []struct {
		name  string
		docs  []instances.Document
		count *int64
		bins  []int64
		seed  int64
	}{{"train", train, &rec.Instances, rec.TrainBins, seed}, {"holdout", held, &rec.HoldoutInstances, rec.HoldoutBins, blockSeed(seed, -2)}} {
		rng := pyrandom.New(split.seed)
		var made []instances.Instance
		if p.Masking == MaskingDynamic {
			made = instances.CreatePairs(split.docs, opt, rng)
		} else {
			made = instances.CreateTrainingInstances(split.docs, opt, rng)
		}
		// Block files are read once, by the assembly: not worth compressing.
		if err := writeInstances(blockFile(cfg.Out, split.name, b.index), shardMeta(cfg, 0, 1, split.name), made, shards.Uncompressed()); err != nil {
			return nil, err
		}
		*split.count = int64(len(made))
		for i := range made {
			split.bins[p.bin(len(made[i].Tokens))]++
		}
	}
	data, _ := json.Marshal(rec)
	if err := atomicfile.WriteFile(recordFile(cfg.Out, b.index), data); err != nil {
		return nil, err
	}
	return rec, nil
}

func shardMeta(cfg Config, index, count int, split string) shards.Meta {
	p := &cfg.Params
	return shards.Meta{VocabSHA256: p.VocabSHA256, VocabSize: cfg.Vocab.Len(), MaxSeqLen: p.MaxSeqLen,
		MaxPredictions: p.MaxPredictions, Masking: p.Masking, Seed: p.Seed, Compat: p.Compat,
		WholeWordMask: p.WholeWordMask, ToolVersion: cfg.Manifest.Version, ShardIndex: index, NumShards: count,
		Extra: map[string]string{"split": split}}
}

func writeInstances(path string, meta shards.Meta, made []instances.Instance, opts ...shards.Option) error {
	w, err := shards.Create(path, meta, opts...)
	if err != nil {
		return err
	}
	var si shards.Instance
	for i := range made {
		in := &made[i]
		si = shards.Instance{InputIDs: in.Tokens, ALength: in.SegmentALen, IsRandomNext: in.IsRandomNext,
			MaskedPositions: in.MaskedPositions, MaskedIDs: in.MaskedLabels}
		if err := w.Write(&si); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// assemble writes the shards when every block is present: instance g of
// the blocks in order goes to shard g mod S.
func assemble(ctx context.Context, cfg Config, nblocks int64, st *Stats) (bool, error) {
	recs := make([]*blockRecord, nblocks)
	for b := range nblocks {
		r, ok := readRecord(cfg.Out, b)
		if !ok {
			return false, nil
		}
		recs[b] = r
	}
	p := &cfg.Params
	m := cfg.Manifest
	m.Stage = Stage
	m.Params = p
	m.Outputs = nil
	counts := map[string]int64{}
	for _, r := range recs {
		counts["documents"] += r.Documents
		counts["holdout_documents"] += r.HoldoutDocuments
		counts["instances"] += r.Instances
		counts["holdout_instances"] += r.HoldoutInstances
	}
	counts["blocks"] = nblocks
	for _, split := range []struct {
		name  string
		count int
		bins  func(*blockRecord) []int64
	}{
		{"train", p.NumShards, func(r *blockRecord) []int64 { return r.TrainBins }},
		{"holdout", p.HoldoutShards, func(r *blockRecord) []int64 { return r.HoldoutBins }},
	} {
		plan := make([]binPlan, p.numBins())
		for _, r := range recs {
			for i, n := range split.bins(r) {
				plan[i].instances += n
			}
		}
		for i := range plan {
			plan[i].dir = split.name
			if p.BinSize > 0 {
				plan[i].dir = filepath.Join(split.name, fmt.Sprintf("bin-%03d", i))
			}
			if n := plan[i].instances; n > 0 {
				s := int64(split.count)
				if s == 0 {
					s = max(1, min(4096, (n+InstancesPerShard-1)/InstancesPerShard))
				}
				plan[i].shards = int(min(s, n))
				counts[split.name+"_shards"] += int64(plan[i].shards)
			}
		}
		files, err := writeShards(ctx, cfg, split.name, nblocks, plan)
		if err != nil {
			return false, err
		}
		m.Outputs = append(m.Outputs, files...)
	}
	m.Counts = counts
	if err := manifest.Write(cfg.Out, &m); err != nil {
		return false, err
	}
	return true, manifest.FinishWork(cfg.Out)
}

// dealInstances reads the blocks' instances of split in order and writes
// instance g of each bin to that bin's shard g mod S. One goroutine reads;
// the shards are shared out among up to cfg.Workers goroutines that encode
// and compress them, each shard's instances reaching its writer in order,
// so the files are the same for any number of workers.
func dealInstances(ctx context.Context, cfg Config, split string, nblocks int64, plan []binPlan) error {
	var owners []*shardOwner
	nw := 0
	for i := range plan {
		nw += plan[i].shards
	}
	nw = max(1, min(nw, cfg.Workers))
	for range nw {
		owners = append(owners, &shardOwner{work: make(chan *dealt, 4)})
	}
	var wg sync.WaitGroup
	for _, o := range owners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o.run()
		}()
	}
	// owner[i][k] is the goroutine that writes shard k of bin i.
	owner := make([][]*shardOwner, len(plan))
	id := 0
	for i := range plan {
		for range plan[i].shards {
			owner[i] = append(owner[i], owners[id%nw])
			id++
		}
	}
	err := func() error {
		for blk := range nblocks {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Each instance is copied by deal before the next is read.
			r, err := shards.Open(blockFile(cfg.Out, split, blk), shards.ReuseBuffers())
			if err != nil {
				return err
			}
			for {
				in, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					r.Close()
					return err
				}
				i := cfg.Params.bin(len(in.InputIDs))
				b := &plan[i]
				k := b.next % b.shards
				b.next++
				if err := owner[i][k].deal(b.writers[k], in); err != nil {
					r.Close()
					return err
				}
			}
			r.Close()
		}
		return nil
	}()
	for _, o := range owners {
		o.send()
		close(o.work)
	}
	wg.Wait()
	if err != nil {
		return err
	}
	for _, o := range owners {
		if e := o.failed(); e != nil {
			return e
		}
	}
	return nil
}

// dealtBatch is how many instances a shardOwner is handed at a time.
const dealtBatch = 512

// dealt is a batch of instances for one shardOwner: copies of the
// instances, their ids in one slab, and the writer of each.
type dealt struct {
	insts   []shards.Instance
	writers []*shards.Writer
	ids     []int32
}

// shardOwner writes the shards given to one goroutine.
type shardOwner struct {
	work    chan *dealt
	pending *dealt
	free    sync.Pool
	mu      sync.Mutex
	err     error
}

// deal queues a copy of in for w. When it hands a full batch over, it
// reports an error the goroutine has hit, so that the reader stops.
func (o *shardOwner) deal(w *shards.Writer, in *shards.Instance) error {
	if o.pending == nil {
		d, ok := o.free.Get().(*dealt)
		if !ok {
			d = new(dealt)
		}
		d.insts, d.writers, d.ids = d.insts[:0], d.writers[:0], d.ids[:0]
		o.pending = d
	}
	d := o.pending
	d.ids = append(d.ids, in.InputIDs...)
	d.ids = append(d.ids, in.MaskedPositions...)
	d.ids = append(d.ids, in.MaskedIDs...)
	// The slices keep only their lengths until send points them into ids.
	d.insts = append(d.insts, shards.Instance{ALength: in.ALength, IsRandomNext: in.IsRandomNext,
		InputIDs: in.InputIDs, MaskedPositions: in.MaskedPositions, MaskedIDs: in.MaskedIDs})
	d.writers = append(d.writers, w)
	if len(d.insts) == dealtBatch {
		o.send()
		return o.failed()
	}
	return nil
}

// send hands the pending batch to the goroutine, its slices pointed into
// the slab (which appends may have moved while the batch filled).
func (o *shardOwner) send() {
	d := o.pending
	if d == nil {
		return
	}
	o.pending = nil
	at := 0
	take := func(n int) []int32 {
		s := d.ids[at : at+n : at+n]
		at += n
		return s
	}
	for i := range d.insts {
		in := &d.insts[i]
		in.InputIDs = take(len(in.InputIDs))
		in.MaskedPositions = take(len(in.MaskedPositions))
		in.MaskedIDs = take(len(in.MaskedIDs))
	}
	o.work <- d
}

func (o *shardOwner) run() {
	for d := range o.work {
		if o.failed() == nil {
			for i := range d.insts {
				if err := d.writers[i].Write(&d.insts[i]); err != nil {
					o.mu.Lock()
					o.err = err
					o.mu.Unlock()
					break
				}
			}
		}
		o.free.Put(d)
	}
}

func (o *shardOwner) failed() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err
}

// binPlan is the shard set of one length bin of a split.
type binPlan struct {
	dir       string // relative to the output: "train", or "train/bin-003"
	instances int64
	shards    int
	writers   []*shards.Writer
	next      int // instances dealt so far
}

// ShardName returns the path of shard k in dir, relative to the output.
func ShardName(dir string, k int) string {
	return filepath.Join(dir, fmt.Sprintf("shard-%05d.arrow", k))
}

// writeShards deals the instances of a split's block files, in order, to
// the shards of their length bin, round-robin.
func writeShards(ctx context.Context, cfg Config, split string, nblocks int64, plan []binPlan) ([]manifest.File, error) {
	abort := func() {
		for _, b := range plan {
			for _, w := range b.writers {
				if w != nil {
					w.Abort()
				}
			}
		}
	}
	opened := false
	for i := range plan {
		b := &plan[i]
		if b.shards == 0 {
			continue
		}
		opened = true
		if err := os.MkdirAll(filepath.Join(cfg.Out, b.dir), 0o755); err != nil {
			abort()
			return nil, fmt.Errorf("create %s: %w", filepath.Join(cfg.Out, b.dir), err)
		}
		b.writers = make([]*shards.Writer, b.shards)
		for k := range b.writers {
			meta := shardMeta(cfg, k, b.shards, split)
			if cfg.Params.BinSize > 0 {
				meta.Extra["bin"] = fmt.Sprint(i)
				meta.Extra["bin_min_len"] = fmt.Sprint(i*cfg.Params.BinSize + 1)
				meta.Extra["bin_max_len"] = fmt.Sprint(min((i+1)*cfg.Params.BinSize, cfg.Params.MaxSeqLen))
			}
			level, _ := cfg.Params.zstdLevel() // validated before any work
			w, err := shards.Create(filepath.Join(cfg.Out, ShardName(b.dir, k)), meta, shards.WithBatchRows(1024), shards.WithZstdLevel(level))
			if err != nil {
				abort()
				return nil, err
			}
			b.writers[k] = w
		}
	}
	if !opened {
		return nil, nil
	}
	if err := dealInstances(ctx, cfg, split, nblocks, plan); err != nil {
		abort()
		return nil, err
	}
	var files []manifest.File
	for i := range plan {
		b := &plan[i]
		for k, w := range b.writers {
			n := w.Count()
			b.writers[k] = nil
			if err := w.Close(); err != nil {
				abort()
				return nil, err
			}
			name := ShardName(b.dir, k)
			f, err := manifest.Describe(filepath.Join(cfg.Out, name), name)
			if err != nil {
				abort()
				return nil, err
			}
			f.Counts = map[string]int64{"instances": int64(n)}
			files = append(files, f)
		}
	}
	return files, nil
}
