// Package wordpiece is BERT's tokenizer: text in, WordPiece ids out, with
// the same output as HuggingFace's BertTokenizer (the Rust tokenizers
// library) or, with Compat set to Google, as google-research/bert's
// tokenization.py.
//
// With the bert-base-uncased vocabulary (Options{Lowercase: true}):
//
//	input                          tokens
//	"Héllo, WORLD!"                hello , world !
//	"unaffable"                    una ##ffa ##ble
//	"naïve café\u00a0au lait"      naive cafe au lai ##t
//	"東京タワー"                   東 京 タ ##ワ ##ー
//	"a\u200bb", "x\x00y"           ab, x ##y (invisible characters are dropped)
//	101 letters without a break    [UNK]
//
// The steps are those of both references:
//
//  1. Cleaning: NUL, U+FFFD, invalid UTF-8 and control characters are
//     dropped (so "a\u200bb" is one word); \t, \n, \r and Unicode white
//     space (U+00A0, U+2009, U+3000, ...) become spaces.
//  2. CJK: each CJK ideograph becomes a word of its own. Hiragana,
//     katakana and Hangul are ordinary letters.
//  3. Uncased vocabularies only: lower-casing and accent stripping (NFD,
//     then nonspacing marks removed): "Ångström" → "angstrom", "İ" → "i".
//  4. Splitting at white space, and around each punctuation character: all
//     non-alphanumeric printable ASCII ("$", "+", "^" and "`" included) and
//     Unicode P*.
//  5. WordPiece: greedy longest-match-first; pieces after the first carry
//     "##". A word that cannot be covered, or is longer than the limit in
//     characters, becomes one [UNK].
//
// Special tokens in the text ("[MASK]") are not special: they split as
// punctuation and letters. AppendIDs adds no [CLS] or [SEP].
//
// # HuggingFace and Google
//
// The golden files under testdata hold the references' own output: hf.js
// runs HuggingFace's Rust tokenizer (npm package tokenizers 0.23.2) over
// hand-written tricky lines, code points in context, multilingual lines,
// seeded random lines and the sample corpus (4,070 lines a vocabulary), and
// records how it normalizes and splits every code point; google.py runs
// tokenization.py (Python 3.11, Unicode 14) over 1,638 of those lines and
// cases chosen where the two differ. Both modes agree with their reference
// on all of them. Where the references differ:
//
//   - Word limit: HuggingFace makes a word of more than 100 characters
//     [UNK]; Google allows 200.
//   - Private use: HuggingFace drops Co (U+E000, planes 15 and 16) with
//     the controls; Google drops only Cc and Cf, keeping them as letters.
//   - Final sigma: Google lower-cases each whitespace-separated token with
//     Python's str.lower, which writes a final capital sigma as ς
//     ("ΟΔΟΣ" → "οδος"); HuggingFace lower-cases character by character
//     ("οδοσ"). Google mode reproduces Python's Final_Sigma rule.
//   - Order: HuggingFace strips accents, then lower-cases; Google
//     lower-cases with the full mapping (İ → i + U+0307), then strips. Apart
//     from final sigma, no code point comes out differently.
//   - CJK Extension E: Google's range starts at U+2B820, HuggingFace's at
//     U+2B920, so U+2B820..U+2B91F are ideographs only for Google.
//   - Unicode versions: HuggingFace takes its control, punctuation and
//     nonspacing-mark categories from Unicode 8 tables (a character added
//     later, such as U+0890 (Cf), U+2E52 (Po) or U+0898 (Mn), is an
//     ordinary letter to it), its NFD from an older table (U+11938 does not
//     decompose), and lower-casing from a newer Unicode than Go's (U+A7CB → U+0264). This
//     package reproduces all of that from tables.go, which
//     testdata/gen/tables.go generates from the reference's recorded
//     behaviour. Google mode uses Go's Unicode 15 tables, where
//     tokenization.py uses its Python's; they differ only for characters
//     added or recategorized between those versions.
//   - White space: Google's set is narrower (space, \t, \n, \r and Zs, where
//     HuggingFace has White_Space), but the difference does not show:
//     U+000B, U+000C and U+0085 are controls, dropped by both, and Python's
//     str.split in whitespace_tokenize splits at U+2028 and U+2029.
//
// Differences from the references that remain: a combining sequence of
// more than 64 marks on one letter is put in canonical order in pieces, and
// an invalid UTF-8 byte is dropped, where the references accept only valid
// text (Python's decode with "ignore" also drops it).
//
// Whole-word masking treats a "##" piece as continuing the word before it
// (Vocab.Continues), as google-research/bert's create_pretraining_data.py
// does.
package wordpiece
