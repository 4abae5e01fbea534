// Package loader feeds a split of pretraining shards (OUT/train or
// OUT/holdout of `shard pretrain`) to the trainer as padded bert.Batch
// values, for one rank of a data-parallel run, in an order that is a pure
// function of the configuration and the seed, so that a run killed and
// resumed from its checkpoint's Cursor sees exactly the batches it would
// have seen.
//
// A split directory holds shard-NNNNN.arrow files, or bin-NNN/ directories
// of them (sequence-length bins, `shard pretrain --bin-size`). Open checks
// every shard's metadata against the caller's vocabulary hash and
// max_seq_len and against the first shard, and that each directory holds a
// whole set (num_shards files); it reads only the instance counts, and
// files are decoded when reached, one or a few at a time.
//
// # Training (Config.Shuffle)
//
// The order follows NVIDIA's run_pretraining.py, which reads the shard
// files in a shuffled order with a random sampler inside each file:
//
//	epoch e, bin b:  files of b shuffled by (Seed, e, b)
//	                 rows of each file f shuffled by (Seed, e, f)
//	                 → a stream of instances, cut into global batches of BatchSize×World;
//	                   the incomplete last one is dropped
//	epoch e:         the bins' global batches interleaved by (Seed, e), each bin's in stream order
//	rank r:          rows [r·BatchSize, (r+1)·BatchSize) of each global batch
//
// Every batch comes from one bin (LDDL's binning: less padding). After the
// last batch of an epoch the next epoch begins; Next never ends. A Cursor
// {Epoch, Batch} names the next global batch: Open computes that epoch's
// order from the instance counts alone and starts there, without decoding
// what comes before. The instances of a global batch, and their masks, do
// not depend on World, Rank or Prefetch, only on which rows a rank takes.
//
// # Evaluation (no Shuffle)
//
// One pass over all instances in file order (bins in order, files in
// order, rows in order), in batches of BatchSize of which rank r takes
// batches r, r+World, …; the last batch may be short; then io.EOF.
//
// # Masking
//
// Shards with static masking carry their masked positions and original
// ids. With dynamic masking (metadata masking=dynamic) the loader masks
// each instance with instances.Masker, Google's rule with the shards'
// max_predictions, whole_word_mask and masked_lm_prob, drawing from a
// counter-based generator (SplitMix64) keyed by (Seed, epoch, file, row):
// an instance gets a fresh mask every epoch, the same one on every rerun.
// Evaluation masks as epoch 0.
//
// # Batches
//
// T is the longest sequence of the batch rounded up to a multiple of 8
// (at most MaxT); padding is id 0, token type 0, mask 0; token types are 0
// for the first a_length tokens and 1 after; MaskedPos are flat indexes
// b·T+t, ascending, at most MaxMasked of them; NSPLabels is 1 where B is a
// random sentence.
//
// # Use
//
//	l, err := loader.Open(loader.Config{
//		Dir: "shards/train", BatchSize: 64, Rank: rank, World: world, Seed: 42, Shuffle: true,
//		VocabSHA256: vocabSHA, MaxSeqLen: 128,
//		Mask: loader.MaskConfig{CLS: 101, SEP: 102, MASK: 103, VocabSize: 30522},
//	}, ckpt.Cursor) // loader.Cursor{} for a new run
//	if err != nil { ... }
//	defer l.Close()
//	model := bert.NewModelP(params, 64, l.MaxT(), l.MaxMasked())
//	for step := range steps {
//		batch, cursor, err := l.Next()
//		if err != nil { ... } // a damaged shard: wraps shards.ErrCorrupt, names the file
//		... forward, backward, update; a checkpoint stores cursor ...
//	}
//
// Errors name the file and wrap the shards package's sentinels
// (ErrVocabMismatch, ErrSeqLenMismatch, ErrCorrupt).
package loader
