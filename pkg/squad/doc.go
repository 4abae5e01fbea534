// Package squad is SQuAD question answering without the network: reading
// the data, making model inputs, turning the model's logits into answers,
// writing the prediction files and scoring them. Each step reproduces a
// reference: google-research/bert's run_squad.py for reading, features and
// decoding, and the official evaluate-v1.1.py and evaluate-v2.0.py for the
// metrics.
//
//	dev-v2.0.json ─Load→ []Example ─Features→ []Feature ─(model)→ start, end logits
//	    ─Predict→ []Prediction ─WritePredictions, WriteNBest, WriteNullOdds→ files
//	    ─EvaluateV1 / EvaluateV2→ exact match and F1
//
// # Reading
//
// Load and Read accept SQuAD 1.1 and 2.0 files and nothing malformed: a
// JSON error, a missing or mistyped field, a repeated question id or an
// unanswerable question with answers is a *ParseError naming the file,
// line, column and JSON path:
//
//	dev-v1.1.json:3:72: data[0].paragraphs[0].qas[0].answers[0].answer_start: want an integer, found a string
//
// A context is split into words at space, tab, CR, LF and U+202F, as
// run_squad.py does ("(1895-1943)." is one word), and every character
// (code point, as Python counts) is mapped to its word. Read for
// training, each answerable question must have exactly one answer; one
// whose text is not within the words at its offset is skipped and listed,
// as run_squad.py skips it with "Could not find answer".
//
// # Features
//
// Features tokenizes the question (cut to 64 tokens) and each context
// word, and slides windows over the context tokens so that
// [CLS] question [SEP] window [SEP] fits 384 positions, each window
// starting 128 tokens after the last. A token in several windows belongs,
// for prediction, to the one where it has the most context on its
// shorter side. Training targets are the answer's token positions in the
// window, narrowed to the answer's own tokens when possible, or [CLS]
// when the window does not hold the whole answer or the question has
// none.
//
// # Decoding
//
// Predict takes the 20 best start and 20 best end positions of each
// window, keeps spans inside the context that start at a max-context
// token and are at most 30 tokens long, ranks them by the sum of their
// logits, and maps the best distinct ones back to the context's own text
// (case and accents restored, a trailing "'s" left out). For SQuAD 2.0 the
// null answer competes with the score at [CLS]; a question is answered ""
// when its null score exceeds its best span's by more than a threshold,
// and that difference is written to null_odds.json for the evaluation's
// threshold search. The files are written as run_squad.py writes them,
// byte for byte.
//
// # Metrics
//
// Answers are compared after normalization: Python's lower-casing, ASCII
// punctuation removed (typographic quotes and dashes stay, as in the
// official scripts), the words a, an and the removed, white space
// collapsed. Exact match and token F1 take the best over the gold
// answers. SQuAD 2.0 scores "" against unanswerable questions, reports
// HasAns and NoAns breakdowns, and with null odds the best thresholds.
// The evaluate-v2.0.py command line applies --na-prob-thresh 1.0 unless
// told otherwise (DefaultNAProbThresh).
//
// testdata/gen/squad_metrics_ref.py, written from the published definition
// of the metrics, produced testdata/metrics/golden.json; the tests compare
// every number exactly.
//
// # Differences from the references
//
//   - Read rejects what run_squad.py would read wrongly or crash on: a
//     training answer that is empty or whose offset lies outside the
//     context, and question ids that repeat. Lone UTF-16 surrogates in JSON strings become
//     U+FFFD, where Python keeps them.
//   - When only the null answer is left, run_squad.py fails; Predict adds
//     the placeholder "empty" before it, as HuggingFace's port does.
//   - finalText uses the tokenizer's Words, which skips a word of more
//     than 100 characters (200 with Compat Google); where such a word is
//     in an answer's span, the alignment fails and the span's words are
//     returned whole, where run_squad.py could still align.
//   - Python's \w and str.lower are reproduced from Go's Unicode tables,
//     which may differ from a given Python's for characters added in
//     recent Unicode versions.
package squad

// DefaultNAProbThresh is evaluate-v2.0.py's default --na-prob-thresh.
const DefaultNAProbThresh = 1.0
