// Package vocabtrain trains a BERT WordPiece vocabulary from word counts.
//
// The input is a list of pre-tokenized words with their corpus counts (the
// caller lower-cases, strips accents and splits punctuation exactly as BERT's
// tokenizer does); the output is the vocabulary in id order, one token per
// line when written with Write. For example, with Size 21 and the default
// special tokens:
//
//	words          vocabulary (ids 0-20)
//	hug  10        [PAD] [UNK] [CLS] [SEP] [MASK]      special tokens
//	pug   5        b g h n p s u                       every character, plain
//	pun  12        ##u ##g ##n ##s                     characters seen inside a word
//	bun   4        ##ug ##un hug pun pug               merges, most frequent first
//	hugs  5
//
// The algorithm is the byte-pair-encoding trainer that HuggingFace's
// WordPieceTrainer runs with the continuing-subword prefix "##": each word
// starts as its characters (the first plain, the others as "##c"), and the
// adjacent pair of symbols with the highest count, weighted by word counts, is
// merged into a new token, over and over, until the vocabulary has Size
// tokens or no pair occurs MinFrequency times. Merging "hug" and "##s" gives
// "hugs"; merging "##u" and "##g" gives "##ug".
//
// Ties between pairs of equal count go, as in HuggingFace's trainer, to the
// pair whose left token, then right token, has the smaller id: characters
// before merged tokens, older merges before newer ones ("p ##ug" before
// "hug ##s" above). HuggingFace numbers the "##c" tokens in the hash order in
// which it first meets them, so its result changes from run to run; here they
// come in order of the number of distinct words they continue (most first,
// then by code point), which is where that walk tends to put them, and the
// result depends only on the words and their counts. Given HuggingFace's
// order instead, training reproduces its vocabulary token for token; on
// held-out text ours needs as many tokens per word as HuggingFace's average
// run. A character that the alphabet limit drops splits its word rather than
// silently joining its neighbours (pieces that span a character WordPiece
// cannot match are never used).
//
// Training keeps, for every distinct word, its current symbols and count; for
// every pair, its count and the words that contain it; and a max-heap of pair
// counts that is corrected lazily when a stale entry reaches the top. A merge
// visits only the words that contain the pair, so the whole run costs about
// the total number of symbol changes rather than words × merges.
//
// Counter gathers the word counts: from several goroutines, in a bounded
// number of distinct words of memory, spilling sorted counts to temporary
// files and merging them exactly, so that its result does not depend on the
// number of goroutines; when a corpus has too many distinct words it keeps
// those at or above the lowest count that fits.
package vocabtrain
