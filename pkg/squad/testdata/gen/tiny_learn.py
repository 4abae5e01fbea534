#!/usr/bin/python3
"""Checks that the datasets of ../tiny are learnable: trains a small
BERT-like encoder with a span head from scratch on each training file and
prints exact match and F1 on the matching dev file.

Run with Debian's python3-torch (bookworm: PyTorch 1.13), from any
directory; it takes a few minutes on two cores:

    /usr/bin/python3 pkg/squad/testdata/gen/tiny_learn.py [v1.1|v2.0 ...]

The inputs are run_squad.py's: [CLS] question [SEP] window [SEP] with
segment ids 0 then 1, at most 64 positions, windows of the context that
start 32 tokens apart. Tokens are the words of ../tiny/vocab.txt (the text
is lower-cased and split at white space and around punctuation, which is
all BERT's tokenizer does to it with that vocabulary). The targets are the
answer's first and last token in the window, or [CLS] when the window does
not hold the whole answer or the question has none; the loss is the mean of
the start and end cross entropies, as in run_squad.py.

The model: word, position and segment embeddings, two transformer layers of
width 64 with two heads, and a linear layer giving each position a start
and an end logit. It is trained as BERT is fine-tuned: AdamW at 1e-3 with
weight decay 0.01, warmed up linearly over the first 10% of the steps and
decayed linearly to 0, gradients clipped to norm 1; batches of 32, 600
steps, dropout 0.1, seed 0. Its weights start as BERT's do, from a normal
distribution, but with a standard deviation of 0.1 where BERT has 0.02:
from BERT's, attention this narrow learns too slowly for SQuAD 2.0, whose
dev F1 was 45.8 after 600 steps (88.0 from 0.05), where SQuAD 1.1 reached
99.5 all the same.

Decoding takes, over the question's windows, the span of the highest start
plus end logit that lies in the context, ends no earlier than it starts and
is at most 30 tokens long; for SQuAD 2.0 the answer is empty when the
[CLS] score (start plus end, lowest over the windows) beats that span.
The scores are the official ones: answers lower-cased, punctuation and
articles removed, the best over the gold answers.

It printed, with the files as committed:

    v1.1  360 questions 448 features  final train loss 0.006  dev-v1.1.json exact 100.0  f1 100.0
    v2.0  360 questions 444 features  final train loss 0.035  dev-v2.0.json exact 77.8  f1 81.0  (HasAns f1 81.1, NoAns exact 80.8)

With seed 1 (and one thread), SQuAD 2.0's F1 was 83.2.
"""

import collections
import json
import os
import random
import re
import string
import sys

import torch
import torch.nn as nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tiny")
T = 64
STRIDE = 32
MAX_QUERY = 16
MAX_ANSWER = 30
STEPS = 600
BATCH = 32
WARMUP = 60
INIT = 0.1


def tokenize(vocab, text):
    """Returns the ids of text's tokens and each token's character span."""
    ids, spans = [], []
    for m in re.finditer(r"[a-z0-9]+|[^\sa-z0-9]", text.lower()):
        ids.append(vocab[m.group()])
        spans.append(m.span())
    return ids, spans


def load(vocab, name):
    """Returns the questions of a file and their features: one per window."""
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        data = json.load(f)["data"]
    questions, features = [], []
    for article in data:
        for p in article["paragraphs"]:
            context = p["context"]
            doc, spans = tokenize(vocab, context)
            for qa in p["qas"]:
                q = len(questions)
                golds = [a["text"] for a in qa["answers"]] or [""]
                questions.append((context, spans, golds))
                query = tokenize(vocab, qa["question"])[0][:MAX_QUERY]
                start = end = None
                if qa["answers"]:
                    a = qa["answers"][0]
                    lo, hi = a["answer_start"], a["answer_start"] + len(a["text"])
                    covered = [i for i, (s, e) in enumerate(spans) if s < hi and e > lo]
                    start, end = covered[0], covered[-1]
                room = T - len(query) - 3
                offset = 0
                while True:
                    length = min(room, len(doc) - offset)
                    ids = [vocab["[CLS]"]] + query + [vocab["[SEP]"]]
                    first = len(ids)
                    ids += doc[offset:offset + length] + [vocab["[SEP]"]]
                    types = [0] * first + [1] * (length + 1)
                    ys = (0, 0)
                    if start is not None and offset <= start and end < offset + length:
                        ys = (first + start - offset, first + end - offset)
                    pad = T - len(ids)
                    features.append((ids + [0] * pad, types + [0] * pad, [1] * len(ids) + [0] * pad,
                                     ys, q, first, offset, length))
                    if offset + length == len(doc):
                        break
                    offset += min(length, STRIDE)
    return questions, features


def batch(features):
    ids, types, mask, ys = zip(*[f[:4] for f in features])
    return torch.tensor(ids), torch.tensor(types), torch.tensor(mask), torch.tensor(ys)


class Encoder(nn.Module):
    def __init__(self, vocab_size, width=64, layers=2, heads=2):
        super().__init__()
        self.words = nn.Embedding(vocab_size, width)
        self.positions = nn.Embedding(T, width)
        self.segments = nn.Embedding(2, width)
        self.norm = nn.LayerNorm(width)
        layer = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0.1,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(width, 2)
        # BERT's initialization, but wider: weights normal with standard
        # deviation INIT, biases 0, layer norms 1.
        for name, p in self.named_parameters():
            if p.dim() > 1:
                nn.init.normal_(p, std=INIT)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, ids, types, mask):
        x = self.words(ids) + self.positions(torch.arange(ids.shape[1]))[None] + self.segments(types)
        x = self.encoder(self.norm(x), src_key_padding_mask=mask == 0)
        logits = self.head(x).masked_fill((mask == 0)[..., None], -1e4)
        return logits[..., 0], logits[..., 1]


def normalize(s):
    s = "".join(c for c in s.lower() if c not in string.punctuation)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", s).split())


def f1(gold, pred):
    g, p = normalize(gold).split(), normalize(pred).split()
    if not g or not p:
        return float(g == p)
    same = sum((collections.Counter(g) & collections.Counter(p)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def decode(questions, features, starts, ends, v2):
    """Returns each question's answer text."""
    best = {}  # question: (score, text)
    null = {}  # question: lowest [CLS] score
    for f, s, e in zip(features, starts, ends):
        q, first, offset, length = f[4:]
        null[q] = min(null.get(q, float("inf")), s[0] + e[0])
        for i in range(first, first + length):
            for j in range(i, min(first + length, i + MAX_ANSWER)):
                score = s[i] + e[j]
                if q not in best or score > best[q][0]:
                    context, spans = questions[q][:2]
                    text = context[spans[offset + i - first][0]:spans[offset + j - first][1]]
                    best[q] = (score, text)
    answers = []
    for q in range(len(questions)):
        score, text = best[q]
        if v2 and null[q] > score:
            text = ""
        answers.append(text)
    return answers


def run(vocab, version):
    torch.manual_seed(0)
    rng = random.Random(0)
    _, train = load(vocab, "train-v%s.json" % version)
    model = Encoder(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    # BERT's schedule: linear warmup, then linear decay to 0.
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / WARMUP if s < WARMUP else (STEPS - s) / (STEPS - WARMUP))
    order = []
    for _ in range(STEPS):
        if len(order) < BATCH:
            order += rng.sample(range(len(train)), len(train))
        idx, order = order[:BATCH], order[BATCH:]
        ids, types, mask, ys = batch([train[i] for i in idx])
        start, end = model(ids, types, mask)
        loss = (nn.functional.cross_entropy(start, ys[:, 0]) +
                nn.functional.cross_entropy(end, ys[:, 1])) / 2
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    model.eval()
    questions, dev = load(vocab, "dev-v%s.json" % version)
    ids, types, mask, _ = batch(dev)
    with torch.no_grad():
        start, end = model(ids, types, mask)
    answers = decode(questions, dev, start.tolist(), end.tolist(), version == "2.0")
    exact = [max(float(normalize(g) == normalize(a)) for g in q[2]) for q, a in zip(questions, answers)]
    f = [max(f1(g, a) for g in q[2]) for q, a in zip(questions, answers)]
    line = "v%s  %d questions %d features  final train loss %.3f  dev-v%s.json exact %.1f  f1 %.1f" % (
        version, len(set(t[4] for t in train)), len(train), loss.item(), version,
        100 * sum(exact) / len(exact), 100 * sum(f) / len(f))
    if version == "2.0":
        has = [i for i, q in enumerate(questions) if q[2] != [""]]
        no = [i for i, q in enumerate(questions) if q[2] == [""]]
        line += "  (HasAns f1 %.1f, NoAns exact %.1f)" % (
            100 * sum(f[i] for i in has) / len(has), 100 * sum(exact[i] for i in no) / len(no))
    print(line, flush=True)


def main():
    torch.set_num_threads(2)
    with open(os.path.join(ROOT, "vocab.txt"), encoding="utf-8") as f:
        vocab = {w: i for i, w in enumerate(f.read().split("\n")) if w}
    for version in sys.argv[1:] or ["1.1", "2.0"]:
        run(vocab, version.lstrip("v"))


if __name__ == "__main__":
    main()
