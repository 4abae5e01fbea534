// Package instances makes BERT pretraining instances, sentence pairs with
// masked tokens, from tokenized documents, step for step as Google's
// create_pretraining_data.py (google-research/bert) does.
//
// The input is a list of documents, each a list of sentences, each a list of
// WordPiece ids; the output is a list of instances. With the uncased vocabulary
// ([CLS]=101, [SEP]=102, [MASK]=103), and words shown for their ids:
//
//	documents                         instance
//	  the cat sat .                     Tokens        [CLS] the cat [MASK] . [SEP] it was warm . [SEP]
//	  it was warm .                     SegmentALen   6      (segment ids 0 0 0 0 0 0 1 1 1 1 1)
//	                                    IsRandomNext  false
//	  rain fell all day .               MaskedPositions 3
//	                                    MaskedLabels    sat
//
// Three steps make an instance, each named after the Python function it
// reproduces, with the same argument order, so that the two read side by side:
//
//	CreateTrainingInstances  create_training_instances
//	FromDocument             create_instances_from_document
//	MaskTokens               create_masked_lm_predictions
//	TruncatePair             truncate_seq_pair
//
// The Python flags become Options, passed explicitly, and tokens are ids, not
// strings: Google's vocab_words is the vocabulary in id order, so drawing a
// random word by index and drawing an id are the same draw.
//
// # Compatibility
//
// Everything random is drawn from an RNG, in the order Python draws it. Given
// an RNG that reproduces CPython's random.Random (pyrandom.Random does) and
// the same documents, CreateTrainingInstances returns the instances Google's
// script writes, in the same order, byte for byte; testdata/gen/google.py
// produces the reference outputs that the tests check this against. The
// details that matter: round(len(tokens) * masked_lm_prob) rounds half to
// even; candidates exclude [CLS] and [SEP]; whole-word masking attaches a
// "##" piece to the previous candidate word, even across a [SEP]; a word
// group that would overflow num_to_predict is skipped, not cut; truncation
// shortens the longer side (B on a tie), from the front or the back.
//
// # Dynamic masking
//
// Google masks once, when instances are made ("static" masking, repeated
// DupeFactor times with different masks). For masking at training time the
// package also offers CreatePairs and PairsFromDocument, which pair sentences
// by the same rules but leave the tokens unmasked, and Masker, which applies
// the same 80/10/10 rule to a sequence in place without allocating. These
// consume a different stream of random numbers than the Google functions, so
// they are not part of the compatible path.
package instances
