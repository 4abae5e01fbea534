"""google.py writes the Google golden files of package wordpiece.

testdata/google_uncased.jsonl and testdata/google_cased.jsonl hold, one JSON
object a line, the text, tokens and ids that google-research/bert's
tokenization.py (BasicTokenizer, then WordpieceTokenizer with its
200-character limit) gives. The inputs are testdata/inputs/google.txt,
testdata/inputs/tricky.txt, and every line of testdata/hf_uncased.jsonl with
a character outside printable ASCII.

Run it from pkg/wordpiece, with tokenization.py and stand-ins for its
imports six and tensorflow (PY3 = True; tf.io.gfile.GFile = open) in a
directory outside the repository:

    PYTHONPATH=/tmp/gbert python3 testdata/gen/google.py

Python's unicodedata version (Python 3.11: Unicode 14.0) decides the
categories.
"""
import json
import tokenization

VOCABS = "../../data/vocab/"


def json_lines(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield json.loads(line)


def inputs():
    texts = list(json_lines("testdata/inputs/google.txt"))
    texts += list(json_lines("testdata/inputs/tricky.txt"))
    for g in json_lines("testdata/hf_uncased.jsonl"):
        if any(not (" " <= c <= "~") for c in g["text"]):
            texts.append(g["text"])
    seen, out = set(), []
    for t in texts:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def write(texts, vocab_file, lower, out):
    vocab = tokenization.load_vocab(VOCABS + vocab_file)
    basic = tokenization.BasicTokenizer(do_lower_case=lower)
    wordpiece = tokenization.WordpieceTokenizer(vocab=vocab)
    with open("testdata/" + out, "w", encoding="utf-8") as f:
        for text in texts:
            tokens = [p for w in basic.tokenize(text) for p in wordpiece.tokenize(w)]
            ids = [vocab[t] for t in tokens]
            f.write(json.dumps({"text": text, "tokens": tokens, "ids": ids}, ensure_ascii=False) + "\n")


texts = inputs()
write(texts, "bert-base-uncased.txt", True, "google_uncased.jsonl")
write(texts, "bert-base-cased.txt", False, "google_cased.jsonl")
