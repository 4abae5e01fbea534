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
//	pun  12        ##g ##n ##s ##u                     characters seen inside a word
//	bun   4        ##ug ##un hug pun hugs              merges, most frequent first
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
// Unlike HuggingFace's trainer, the result does not depend on hash order or on
// the order of the input: ties between pairs of equal count go to the pair
// whose left token, then right token, is smaller in bytes, and the "##c"
// tokens are sorted by code point. A character that the alphabet limit drops
// splits its word rather than silently joining its neighbours.
//
// Training keeps, for every distinct word, its current symbols and count; for
// every pair, its count and the words that contain it; and a max-heap of pair
// counts that is corrected lazily when a stale entry reaches the top. A merge
// visits only the words that contain the pair, so the whole run costs about
// the total number of symbol changes rather than words × merges.
package vocabtrain
