// Package glue is the GLUE benchmark without the network: the nine tasks'
// files and labels, a strict reader of their TSV files, the reference
// pre-processing of sentences and sentence pairs into model inputs, and
// each task's official metrics.
//
// The tasks, their files and what the train and dev files hold:
//
//	task   files                              text_a, text_b       labels                            metrics
//	CoLA   train dev test                     sentence             0 1                               mcc
//	SST-2  train dev test                     sentence             0 1                               acc
//	MRPC   train dev test                     #1 String, #2 String 0 1                               acc f1 acc_and_f1
//	STS-B  train dev test                     sentence1, sentence2 score, 0 to 5                     pearson spearmanr corr
//	QQP    train dev test                     question1, question2 0 1                               acc f1 acc_and_f1
//	MNLI   train dev_matched dev_mismatched   sentence1, sentence2 contradiction entailment neutral  acc (each dev set)
//	       test_matched test_mismatched
//	QNLI   train dev test                     question, sentence   entailment not_entailment         acc
//	RTE    train dev test                     sentence1, sentence2 entailment not_entailment         acc
//	WNLI   train dev test                     sentence1, sentence2 0 1                               acc
//
// # Reading
//
// Read follows google-research/bert's run_classifier.py and HuggingFace's
// glue processors, which read the files with Python's csv module and
// QUOTE_NONE (tabs separate fields; quotes are ordinary characters) and
// take columns by position; it also checks what they do not. RTE's
// train.tsv, tabs shown as "→",
//
//	index→sentence1→sentence2→label
//	0→"No Rain Fell in Lisbon Yesterday."→Rain fell in Lisbon.→not_entailment
//
// reads as Example{GUID: "train-0", TextA: `"No Rain Fell in Lisbon
// Yesterday."`, TextB: "Rain fell in Lisbon.", Label: 1 (not_entailment),
// Score: NaN}, the quotes kept. The header must name the columns the
// references read at their positions, every row must have as many fields
// as the header, labels must be the task's, and text must be valid UTF-8;
// anything else is a *ParseError naming the file and line, never a skipped
// row. The one exception is opt-in: Options.SkipBrokenRows skips the rows
// that a line break inside a question split across lines in the QQP
// train.tsv that GLUE first published, as HuggingFace's QqpProcessor does,
// and lists them.
//
// # Features
//
// Features is run_classifier.py's convert_single_example on WordPiece ids:
// [CLS] A [SEP] B [SEP] with segment ids 0 then 1, the longer sentence cut
// one token at a time from its end until the pair fits, not padded.
//
// # Metrics
//
// The metrics are those of HuggingFace's glue_compute_metrics, which uses
// scikit-learn's accuracy, f1_score and matthews_corrcoef and SciPy's
// pearsonr and spearmanr; testdata/metrics.json holds their values for
// hand-made and random predictions, ties and edge cases (written by
// testdata/gen/glue_metrics_ref.py), and the tests match them to 1e-12.
// Where a reference is undefined this package returns what it returns:
//
//	empty input        accuracy NaN, F1 0, MCC 0
//	one class only     F1 0 when no example is or is predicted positive;
//	                   MCC 0 when gold or predictions are constant
//	constant scores    Pearson and Spearman NaN
//	fewer than 2 pairs Pearson and Spearman NaN (pearsonr raises ValueError)
//	NaN or ±Inf score  Pearson NaN (pearsonr raises ValueError);
//	                   Spearman NaN for NaN and for +Inf with −Inf, as
//	                   spearmanr; a lone infinity ranks as an extreme
//
// # Test data
//
// testdata/tiny holds small made-up datasets in GLUE's formats (CoLA-,
// SST-2-, MRPC-, STS-B- and MNLI-like, 200 to 300 training and 60 dev rows
// each, with their vocab.txt) that a tiny BERT learns in a few hundred
// steps: the label follows from which words occur (sentiment words, word
// order, shared words). testdata/gen/tiny.go writes them from a fixed seed;
// testdata/gen/tiny_learn.py checks with PyTorch that a two-layer encoder
// trained from scratch for 300 steps gets them (dev accuracy 0.95 to 1,
// STS-B Pearson 0.98).
package glue
