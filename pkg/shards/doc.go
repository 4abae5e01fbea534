// Package shards stores BERT pretraining instances in Arrow IPC files, one
// file per shard, so that training reads them with random access and any
// Arrow implementation (pyarrow included) can inspect them.
//
// An instance made by Google's create_pretraining_data.py algorithm
//
//	tokens:               [CLS] the man went to [MASK] store [SEP] he bought a gallon [MASK] milk [SEP]
//	segment_ids:          0     0   0   0    0  0      0     0     1  1      1 1      1      1    1
//	masked_lm_positions:  5 12
//	masked_lm_labels:     the of
//	is_random_next:       false
//
// is one row of a shard (ids from the vocabulary; segment ids are implied by
// a_length, and masked_lm_weights by the length of masked_lm_positions):
//
//	input_ids             list<uint16>  [101 1996 2158 2253 2000 103 3573 102 2002 4149 1037 25234 103 6501 102]
//	a_length              int16         8
//	next_sentence_labels  int8          0
//	masked_lm_positions   list<int16>   [5 12]
//	masked_lm_ids         list<uint16>  [1996 1997]
//
// input_ids and masked_lm_ids are list<int32> when the vocabulary has more
// than 65,536 tokens, and a_length and masked_lm_positions are int32 and
// list<int32> when max_seq_len exceeds 32,767. input_ids is not padded and
// holds the masked tokens as written ([MASK], random or kept). With dynamic
// masking (Meta.Masking == "dynamic") input_ids holds the original tokens and
// the two masked_lm columns are absent. Every field and list item is
// non-nullable.
//
// The schema's metadata describes the whole file: format version,
// vocabulary hash and size, max_seq_len, max_predictions, masking, seed,
// compat mode, tool version, whole-word masking, shard index and count and
// the rows per record batch (see Meta and docs/FORMATS.md). Record batches
// are zstd-compressed; every batch but the last holds exactly batch_rows
// rows, so row i lives in batch i / batch_rows, and each batch carries a
// CRC-32 of its content in its custom metadata so that damage is reported
// as ErrCorrupt instead of read as data.
//
// A Writer writes a shard to a temporary file that Close renames into place:
//
//	w, err := shards.Create("out/shard-00000.arrow", meta)
//	if err != nil { ... }
//	defer w.Abort() // no-op after a successful Close
//	for _, inst := range instances {
//		if err := w.Write(inst); err != nil { ... }
//	}
//	return w.Close()
//
// A Reader returns the instances in file order, or any one by index:
//
//	r, err := shards.Open("out/shard-00000.arrow")
//	if err != nil { ... } // wraps ErrNotShard, ErrCorrupt or ErrVersion
//	defer r.Close()
//	if err := shards.CheckMeta(r.Meta(), vocabSHA, 128); err != nil { ... }
//	for {
//		inst, err := r.Next()
//		if err == io.EOF { break }
//		...
//	}
//
// OpenFS reads a shard from an fs.FS, Verify reads every shard of a
// directory, CheckMeta tells whether a shard fits a trainer's vocabulary
// and sequence length, and Range and Assign split N instances into S shards
// whose sizes differ by at most one.
package shards
