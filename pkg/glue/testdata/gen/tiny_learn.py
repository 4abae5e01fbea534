#!/usr/bin/python3
"""Checks that the datasets of ../tiny are learnable: trains a small
BERT-like encoder from scratch on each task's train.tsv and prints its
official metric on each dev file.

Run with Debian's python3-torch and python3-scipy (bookworm: PyTorch 1.13,
SciPy 1.10), from any directory; it takes a few minutes on two cores:

    /usr/bin/python3 pkg/glue/testdata/gen/tiny_learn.py [TASK...]

The model: words of ../tiny/vocab.txt (the text is already split into
words and punctuation), word, position and segment embeddings, two
transformer layers of width 64 with two heads, BERT's tanh pooler on [CLS]
and a linear head; AdamW at 1e-3, batches of 16, 300 steps, dropout 0.1,
seed 0. Inputs are [CLS] A [SEP] B [SEP] with segment ids 0 then 1.

It printed, with the files as committed:

    CoLA   final train loss 0.004  dev.tsv acc 0.950
    SST-2  final train loss 0.001  dev.tsv acc 1.000
    MRPC   final train loss 0.113  dev.tsv acc 0.950
    STS-B  final train loss 0.102  dev.tsv pearson 0.984
    MNLI   final train loss 0.226  dev_matched.tsv acc 1.000  dev_mismatched.tsv acc 1.000
"""

import csv
import os
import random
import sys

import torch
import torch.nn as nn
from scipy.stats import pearsonr

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tiny")
T = 48
STEPS = 300
BATCH = 16

# task: (header, text_a column, text_b column, label column, labels)
TASKS = {
    "CoLA": (False, 3, None, 1, ["0", "1"]),
    "SST-2": (True, 0, None, 1, ["0", "1"]),
    "MRPC": (True, 3, 4, 0, ["0", "1"]),
    "STS-B": (True, 7, 8, -1, None),
    "MNLI": (True, 8, 9, -1, ["contradiction", "entailment", "neutral"]),
}


def load(vocab, task, name):
    header, a, b, label, labels = TASKS[task]
    with open(os.path.join(ROOT, task, name), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if header:
        rows = rows[1:]
    data = []
    for r in rows:
        ids = [vocab["[CLS]"]] + [vocab[w] for w in r[a].split()] + [vocab["[SEP]"]]
        types = [0] * len(ids)
        if b is not None:
            tb = [vocab[w] for w in r[b].split()] + [vocab["[SEP]"]]
            ids, types = ids + tb, types + [1] * len(tb)
        mask = [1] * len(ids) + [0] * (T - len(ids))
        ids, types = ids + [0] * (T - len(ids)), types + [0] * (T - len(types))
        y = float(r[label]) if labels is None else labels.index(r[label])
        data.append((ids, types, mask, y))
    return data


def batch(data, regression):
    ids, types, mask, y = zip(*data)
    return (torch.tensor(ids), torch.tensor(types), torch.tensor(mask),
            torch.tensor(y, dtype=torch.float if regression else torch.long))


class Encoder(nn.Module):
    def __init__(self, vocab_size, outputs, width=64, layers=2, heads=2):
        super().__init__()
        self.words = nn.Embedding(vocab_size, width)
        self.positions = nn.Embedding(T, width)
        self.segments = nn.Embedding(2, width)
        self.norm = nn.LayerNorm(width)
        layer = nn.TransformerEncoderLayer(width, heads, 4 * width, dropout=0.1,
                                           activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.pooler = nn.Linear(width, width)
        self.head = nn.Linear(width, outputs)

    def forward(self, ids, types, mask):
        x = self.words(ids) + self.positions(torch.arange(ids.shape[1]))[None] + self.segments(types)
        x = self.encoder(self.norm(x), src_key_padding_mask=mask == 0)
        return self.head(torch.tanh(self.pooler(x[:, 0])))


def run(vocab, task):
    torch.manual_seed(0)
    rng = random.Random(0)
    labels = TASKS[task][4]
    regression = labels is None
    train = load(vocab, task, "train.tsv")
    model = Encoder(len(vocab), 1 if regression else len(labels))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    order = []
    for _ in range(STEPS):
        if len(order) < BATCH:
            order += rng.sample(range(len(train)), len(train))
        idx, order = order[:BATCH], order[BATCH:]
        ids, types, mask, y = batch([train[i] for i in idx], regression)
        out = model(ids, types, mask)
        if regression:
            loss = nn.functional.mse_loss(out[:, 0], y)
        else:
            loss = nn.functional.cross_entropy(out, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    results = []
    devs = ["dev_matched.tsv", "dev_mismatched.tsv"] if task == "MNLI" else ["dev.tsv"]
    for name in devs:
        ids, types, mask, y = batch(load(vocab, task, name), regression)
        with torch.no_grad():
            out = model(ids, types, mask)
        if regression:
            results.append("%s pearson %.3f" % (name, pearsonr(out[:, 0].numpy(), y.numpy())[0]))
        else:
            results.append("%s acc %.3f" % (name, (out.argmax(1) == y).float().mean().item()))
    print("%-6s final train loss %.3f  %s" % (task, loss.item(), "  ".join(results)), flush=True)


def main():
    torch.set_num_threads(2)
    with open(os.path.join(ROOT, "vocab.txt"), encoding="utf-8") as f:
        vocab = {w: i for i, w in enumerate(f.read().split("\n")) if w}
    for task in sys.argv[1:] or list(TASKS):
        run(vocab, task)


if __name__ == "__main__":
    main()
