#!/usr/bin/python3
"""Split the paragraphs of ../paragraphs.txt with NLTK's punkt and its
pretrained English model, writing ../paragraphs.punkt.txt.

The output is the reference that TestPunktAgreement compares the Go
segmenter with. Run it from any directory:

    apt-get install python3-nltk golang-gopkg-neurosnap-sentences.v1-dev
    /usr/bin/python3 pkg/sentences/testdata/gen/punkt.py

Debian's python3-nltk ships the punkt algorithm but no trained models. The
parameters of the pretrained English model (english.pickle: abbreviations,
collocations, frequent sentence starters and orthographic contexts) are
shipped as JSON by golang-gopkg-neurosnap-sentences.v1-dev; this script
loads them into NLTK's own PunktParameters, so the splits come from NLTK's
code with the English model that nltk.sent_tokenize uses.

Input format (also the output format, with one sentence per line):

    # case-name
    One paragraph on one line.
    <blank line>
"""

import collections
import json
import os
import sys

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

MODEL = "/usr/share/gocode/src/gopkg.in/neurosnap/sentences.v1/data/english.json"
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "paragraphs.txt")
DST = os.path.join(HERE, "..", "paragraphs.punkt.txt")


def english():
    """Returns a punkt tokenizer with the pretrained English parameters."""
    with open(MODEL, encoding="utf-8") as f:
        m = json.load(f)
    p = PunktParameters()
    p.abbrev_types = set(m["AbbrevTypes"])
    p.collocations = {tuple(k.split(",", 1)) for k in m["Collocations"]}
    p.sent_starters = set(m["SentStarters"])
    p.ortho_context = collections.defaultdict(int, m["OrthoContext"])
    return PunktSentenceTokenizer(p)


def cases(path):
    """Yields (name, paragraph) pairs from a paragraphs file."""
    name = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# "):
                name = line[2:]
            elif line and name is not None:
                yield name, line
                name = None


def main():
    tok = english()
    out = []
    for name, para in cases(SRC):
        out.append("# " + name)
        out.extend(tok.tokenize(para))
        out.append("")
    with open(DST, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    print("wrote", DST, file=sys.stderr)


if __name__ == "__main__":
    main()
