// Package sentences splits paragraphs of English prose into sentences, for
// the one-sentence-per-line text that BERT pretraining data is built from.
//
// The input is one paragraph of clean text (no markup, white space already
// collapsed); the output is its sentences, without surrounding white space:
//
//	Mr. Hale moved to the U.S. in 1990. He said "Stop." Then he left.
//
//	Mr. Hale moved to the U.S. in 1990.
//	He said "Stop."
//	Then he left.
//
// The aim is the behaviour of NLTK's punkt tokenizer with its pretrained
// English model, which NVIDIA's BERT preparation uses (nltk.sent_tokenize),
// but from fixed rules and a hand-made abbreviation list rather than a
// trained model, and without punkt's worst mistakes; see "Departures from
// punkt" below.
//
// # Candidates
//
// A sentence can end only at a stop: ".", "?", "!", "…", or a run of them
// ("...", "?!", "!!!", "...?"), or the spaced ellipsis ". . .". The stop may
// be followed by closing quotes and brackets (" ' ) ] } ” ’ » ›), which stay
// with the sentence that ends, and then must be followed by white space and
// another token. So nothing inside a token ever breaks:
//
//	Pi is 3.14 and sales were 1.5 million.     one sentence
//	See www.example.org or mail info@example.org.
//	It reads config.yaml first.                one sentence
//	The U.S.-led force arrived.                one sentence
//	He said "Stop." Then he left.              He said "Stop." | Then he left.
//	(See below.) Next comes the list.          (See below.) | Next comes the list.
//
// A no-break space (U+00A0, U+2007, U+202F) after a stop never separates
// sentences: "p.\u00a05" stays together.
//
// # Decisions
//
// The token after the white space decides, by its first character and the
// word before the stop:
//
//  1. Before a lower-case word there is never a break, whatever the stop:
//     "etc. and more", `"Why?" he asked`, "if the weather... and then".
//  2. Before anything that cannot start a sentence (a dash, a comma, "&")
//     there is no break.
//  3. After "?" or "!" (alone or in a run) there is a break before an
//     upper-case or uncased letter, a digit, an opening quote or bracket or
//     a currency sign: "Was it an accident? The inquiry", "Oh! What a night".
//  4. After an ellipsis ("...", "…", ". . .") there is a break only before a
//     capitalized sentence starter, a word such as The, It, However or
//     Then: "He stopped... The letter" breaks, "the bridge... Anna" does not.
//  5. After a single ".", the word before it decides, as below.
//
// After a single ".":
//   - A number ("1990.", "3,000.") or an ordinary word: a break as in 3.
//     "It opened in 1904. 1905 was quieter", `It ended. "Blue River"`.
//   - A known abbreviation (Mr, Mrs, Dr, Prof, St, Jr, Gen, Sen, etc, vs,
//     approx, ca, c, Inc, Ltd, Co, Corp, vol, pp, p, Fig, Ch, ed, months,
//     state abbreviations; the list is in english.go), compared without case
//     and, as punkt does, also after its last hyphen ("ex-Gen."): no break
//     before a digit, a name or a quote, a break only before a capitalized
//     sentence starter. "Mr. Darcy", "Sept. 12", "Inc. Class B" stay;
//     "emigrated to the U.S. The eldest son" and "coins, seals, etc. The
//     ring" break.
//   - "No." and "Art." are abbreviations only before a digit: "No. 5" stays,
//     "He said no. John agreed" breaks.
//   - A dotted abbreviation of one- or two-letter groups (U.S, a.m, e.g,
//     Ph.D, B.C, J.R.R) is read as an abbreviation: "the U.S. Senate" stays,
//     "in the U.K. In London" breaks.
//   - An initial, a single letter ("J.", "W.", "Jean-P."): no break before a
//     name or another initial; a break before a sentence starter, a digit or
//     an opening quote. "J. R. R. Tolkien", "George W. Bush" stay; "they
//     rejected Plan A. The cheaper plan" breaks.
//
// # Departures from punkt
//
// TestPunktAgreement compares the splits of testdata/paragraphs.txt with
// those of NLTK's punkt (written by testdata/gen/punkt.py) and names every
// paragraph where they differ, with the reason. On ordinary prose the two
// agree (26 of the 30 plain-* paragraphs exactly); they differ, by design,
// in:
//   - Lower case: punkt breaks after "?", "!" and any unknown abbreviation
//     before a lower-case word (`"Why?" | he asked`, "e.g. | the swift");
//     this package never does.
//   - Abbreviations: punkt's model, learnt from newspaper text, lacks etc,
//     e.g, i.e, al, approx, ca, No, vol, pp, Fig, Ch, Art, Mt, Rd and old
//     name forms (Wm, Thos), and breaks after them ("No. | 5").
//   - Sentence starters: punkt decides after an abbreviation or initial
//     from casing statistics of its training text, so "the U.S. Billboard
//     chart" breaks and "vitamin C. Many" or "12 m. It" does not. This
//     package uses a fixed list of function words (english.go).
//   - Punctuation: punkt never breaks after "…" or after a curly closing
//     quote ("Stop.” Then"), and splits ". . ." into one-dot sentences.
//
// Like punkt, it does not break where an abbreviation ends a sentence
// before a name ("at 10 p.m. Tickets are sold") or before a quote
// ("Washington, D.C. "It helps," he said"), and it breaks after a
// question or exclamation before a capitalized word inside a sentence
// (`"Who signed it?" Martin asked`).
package sentences
