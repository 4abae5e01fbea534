"""Reference masked-LM and next-sentence metrics of a checkpoint, for evalref_test.go.

An independent implementation of 'eval pretrain': it reads the checkpoint's
model.safetensors by hand (an 8-byte little-endian header length, the JSON
header, then raw little-endian F32 data) and its config.json (HuggingFace
BertConfig), builds BertForPreTraining in eval mode from
torch.nn.functional operations in float64 (post-LN, erf GELU, an extended
attention mask of -10000 on padding keys, tanh pooler, MLM head of
dense + GELU + LayerNorm + the decoder tied to the word embeddings + bias,
NSP head), runs the instances of INSTANCES.jsonl ('shard inspect' output:
input_ids with the static masks applied, segment_ids, masked_lm_positions,
masked_lm_ids, is_random_next) in padded batches, and prints one JSON
object with the fields of trainer.EvalResult:

  instances, masked_tokens       counts
  mlm_loss, mlm_perplexity       mean cross-entropy over every masked position, exp of it
  mlm_accuracy                   share of masked positions whose arg-max is the label
  nsp_loss, nsp_accuracy         mean cross-entropy over instances (label 1: random next), share right
  most_frequent_token            the label most often masked (ties: the lowest id)
  mlm_accuracy_most_frequent_baseline  share of masked positions with that label

Arg-max ties go to the lowest index, as in countCorrect (pkg/bert/model.go).
The smallest gap between the best and second-best logit goes to stderr: a
float32 implementation may disagree on an accuracy only where it is tiny.

Usage:  /usr/bin/python3 eval_ref.py CHECKPOINT_DIR INSTANCES.jsonl > expected.json
(torch 1.13 or later; no other packages).
"""

import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

BATCH = 8  # sequences per forward pass; the metrics do not depend on it


def read_safetensors(path):
    """Returns name -> float64 tensor for every F32 tensor of path."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes, too short for a safetensors header")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header of {n} bytes past the end of the file ({len(data)} bytes)")
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, want F32")
        start, end = info["data_offsets"]
        count = math.prod(info["shape"])
        if end - start != 4 * count or end > len(body):
            raise ValueError(f"{path}: {name}: offsets {start}..{end} do not hold shape {info['shape']}")
        vals = struct.unpack(f"<{count}f", body[start:end])
        out[name] = torch.tensor(vals, dtype=torch.float64).view(*info["shape"])
    return out


class Bert:
    """BertForPreTraining in eval mode (no dropout) on float64 weights."""

    def __init__(self, cfg, w):
        self.cfg, self.w = cfg, w
        self.C = cfg["hidden_size"]
        self.NH = cfg["num_attention_heads"]
        self.L = cfg["num_hidden_layers"]
        self.eps = cfg.get("layer_norm_eps", 1e-12)
        if cfg.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"hidden_act {cfg['hidden_act']!r}: only the erf GELU is implemented")
        if "cls.predictions.decoder.weight" in w:
            raise ValueError("cls.predictions.decoder.weight present: the decoder should be tied to the word embeddings")

    def layer_norm(self, x, p):
        return F.layer_norm(x, (self.C,), self.w[p + ".weight"], self.w[p + ".bias"], self.eps)

    def linear(self, x, p):
        return F.linear(x, self.w[p + ".weight"], self.w[p + ".bias"])

    def forward(self, ids, types, mask, masked_rows):
        """ids, types, mask: [B, T]; masked_rows: indexes into the B*T
        positions. Returns the MLM logits [P, V] and the NSP logits [B, 2]."""
        w, C, NH = self.w, self.C, self.NH
        B, T = ids.shape
        e = "bert.embeddings."
        x = (F.embedding(ids, w[e + "word_embeddings.weight"]) + w[e + "position_embeddings.weight"][:T]
             + F.embedding(types, w[e + "token_type_embeddings.weight"]))
        x = self.layer_norm(x, e + "LayerNorm")
        ext = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        hs = C // NH
        for l in range(self.L):
            p = f"bert.encoder.layer.{l}."

            def heads(t):
                return t.view(B, T, NH, hs).transpose(1, 2)

            q = heads(self.linear(x, p + "attention.self.query"))
            k = heads(self.linear(x, p + "attention.self.key"))
            v = heads(self.linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + ext
            ctx = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
            x = self.layer_norm(self.linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(self.linear(x, p + "intermediate.dense"))
            x = self.layer_norm(self.linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = torch.tanh(self.linear(x[:, 0], "bert.pooler.dense"))
        nsp = self.linear(pooled, "cls.seq_relationship")
        hm = x.reshape(B * T, C)[masked_rows]
        hm = F.gelu(self.linear(hm, "cls.predictions.transform.dense"))
        hm = self.layer_norm(hm, "cls.predictions.transform.LayerNorm")
        mlm = F.linear(hm, w[e + "word_embeddings.weight"], w["cls.predictions.bias"])
        return mlm, nsp


def argmax_first(logits):
    """Index of the largest value of each row, the lowest on a tie."""
    best = logits.max(dim=1, keepdim=True).values
    idx = torch.arange(logits.shape[1]).expand_as(logits)
    return torch.where(logits == best, idx, logits.shape[1]).min(dim=1).values


def top2_gap(logits):
    """The smallest difference between the best and second-best value of a row."""
    if logits.shape[0] == 0 or logits.shape[1] < 2:
        return math.inf
    t = logits.topk(2, dim=1).values
    return (t[:, 0] - t[:, 1]).min().item()


def read_instances(path):
    with open(path) as f:
        out = [json.loads(line) for line in f if line.strip()]
    for i, r in enumerate(out):
        n = len(r["input_ids"])
        if len(r["segment_ids"]) != n or len(r["masked_lm_positions"]) != len(r["masked_lm_ids"]):
            raise ValueError(f"{path}: instance {i}: inconsistent lengths")
        if any(p < 0 or p >= n for p in r["masked_lm_positions"]):
            raise ValueError(f"{path}: instance {i}: masked position outside its {n} tokens")
    return out


def evaluate(model, insts, vocab_size):
    mlm_sum = nsp_sum = 0.0
    mlm_right = nsp_right = masked = 0
    freq = {}
    gaps = [math.inf, math.inf]
    for s in range(0, len(insts), BATCH):
        chunk = insts[s:s + BATCH]
        B, T = len(chunk), max(len(r["input_ids"]) for r in chunk)
        ids = torch.zeros(B, T, dtype=torch.long)
        types = torch.zeros(B, T, dtype=torch.long)
        mask = torch.zeros(B, T, dtype=torch.long)
        rows, labels = [], []
        for b, r in enumerate(chunk):
            n = len(r["input_ids"])
            ids[b, :n] = torch.tensor(r["input_ids"])
            types[b, :n] = torch.tensor(r["segment_ids"])
            mask[b, :n] = 1
            rows += [b * T + p for p in r["masked_lm_positions"]]
            labels += r["masked_lm_ids"]
        if ids.max().item() >= vocab_size:
            raise ValueError(f"instance ids reach {ids.max().item()}, the model has {vocab_size} tokens")
        nsp_labels = torch.tensor([1 if r["is_random_next"] else 0 for r in chunk])
        mlm, nsp = model.forward(ids, types, mask, torch.tensor(rows, dtype=torch.long))
        labels = torch.tensor(labels, dtype=torch.long)
        if len(labels) > 0:
            mlm_sum += F.cross_entropy(mlm, labels, reduction="sum").item()
            mlm_right += int((argmax_first(mlm) == labels).sum())
            gaps[0] = min(gaps[0], top2_gap(mlm))
        masked += len(labels)
        nsp_sum += F.cross_entropy(nsp, nsp_labels, reduction="sum").item()
        nsp_right += int((argmax_first(nsp) == nsp_labels).sum())
        gaps[1] = min(gaps[1], top2_gap(nsp))
        for t in labels.tolist():
            freq[t] = freq.get(t, 0) + 1
    n = len(insts)
    if n == 0:
        raise ValueError("no instances")
    res = dict(instances=n, masked_tokens=masked)
    if masked > 0:
        top, count = min(freq.items(), key=lambda kv: (-kv[1], kv[0]))
        res.update(mlm_loss=mlm_sum / masked, mlm_accuracy=mlm_right / masked,
                   mlm_perplexity=math.exp(mlm_sum / masked))
    res.update(nsp_loss=nsp_sum / n, nsp_accuracy=nsp_right / n)
    if masked > 0:
        res.update(most_frequent_token=top, mlm_accuracy_most_frequent_baseline=count / masked)
    return res, gaps


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: eval_ref.py CHECKPOINT_DIR INSTANCES.jsonl > expected.json")
    ckpt, inst_path = sys.argv[1], sys.argv[2]
    with open(os.path.join(ckpt, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(ckpt, "model.safetensors"))
    model = Bert(cfg, w)
    insts = read_instances(inst_path)
    with torch.no_grad():
        res, gaps = evaluate(model, insts, cfg["vocab_size"])
    print(f"smallest top-2 logit gap: masked LM {gaps[0]:.3g}, next sentence {gaps[1]:.3g}", file=sys.stderr)
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
