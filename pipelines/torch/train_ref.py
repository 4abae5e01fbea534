"""BERT pretraining in plain PyTorch, the reference that 'train pretrain' is
compared with in pipelines/learn-vs-torch.sh.

It trains BertForPreTraining in float32 on the training instances of a
'shard pretrain' output, read through 'shard inspect DIR --split train'
(static masks: input_ids with the masks applied, segment_ids,
masked_lm_positions, masked_lm_ids, is_random_next), then evaluates on the
holdout instances and prints one JSON object:

  mlm_accuracy, mlm_loss      held-out masked LM: share of masked positions whose
                              arg-max is the label, mean cross-entropy over them
  nsp_accuracy, nsp_loss      held-out next sentence (label 1: B is random)
  instances, masked_tokens    held-out counts
  steps, seconds              updates done and the training loop's wall time
  train_loss                  mean MLM + NSP loss of the last 10 updates

Everything that decides what is learnt is written to match the trainer
(pkg/trainer, pkg/bert, pkg/optim), not taken from it:

  model      HuggingFace BertForPreTraining from torch.nn.functional operations
             (pkg/trainer/testdata/gen/eval_ref.py): post-LN, erf GELU, -10000
             on padding keys, tanh pooler, MLM head on the masked rows only,
             decoder tied to the word embeddings; sizes of bert.Preset
  dropout    HF's sites: after the embedding LayerNorm, on the attention
             probabilities, after the attention output and FFN output denses
             (before the residual); none in the heads; --dropout for both kinds
  init       weights N(0, 0.02) (embeddings included), biases 0, LayerNorm gains 1
  loss       mean cross-entropy over the batch's masked positions + mean NSP
             cross-entropy over its sequences
  optimizer  LAMB as NVIDIA's FusedLAMB (pkg/optim/testdata/gen/torch_ref.py):
             betas 0.9/0.999, eps 1e-6, gradients clipped to a global norm of 1,
             bias correction, weight decay 0.01 added to the Adam direction
             and the trust ratio |w|/|u| for every tensor but biases and
             LayerNorm, plain Adam steps for those; a non-finite gradient norm
             skips the update
  schedule   NVIDIA's PolyWarmUpScheduler advanced before each update: update k
             (1-based) of N runs at lr*p/warmup while p = k/N < warmup, then at
             lr*(1-p)^0.5
  data       a fresh permutation of the training instances every epoch from a
             generator seeded with --seed, the incomplete last batch dropped;
             each batch padded to its longest sequence

What differs by design: the random streams (initial weights, data order,
dropout masks), so the two runs agree in distribution, not bit for bit.

Usage (from the repository root, with Debian's python3-torch):

  /usr/bin/python3 pipelines/torch/train_ref.py --data out/phase1 --vocab out/vocab.txt \\
      --model tiny --batch-size 32 --lr 2e-3 --warmup 0.1 --max-steps 300 --seed 42 --threads 2

--save DIR also writes DIR/model.safetensors, config.json and vocab.txt, a
checkpoint that 'eval pretrain --checkpoint DIR' reads.
"""

import argparse
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

# Layers, hidden size, heads of bert.Preset (pkg/bert/config.go).
PRESETS = {"tiny": (2, 128, 2), "mini": (4, 256, 4), "small": (4, 512, 8), "medium": (8, 512, 8),
           "base": (12, 768, 12), "large": (24, 1024, 16)}


def preset(name, vocab_size, dropout):
    """config.json of a preset, as bert.Preset and Config.JSON write it."""
    if name not in PRESETS:
        raise SystemExit(f"--model {name!r}: unknown (known: {', '.join(PRESETS)})")
    layers, c, nh = PRESETS[name]
    return dict(vocab_size=vocab_size, hidden_size=c, num_hidden_layers=layers, num_attention_heads=nh,
                intermediate_size=4 * c, hidden_act="gelu", hidden_dropout_prob=dropout,
                attention_probs_dropout_prob=dropout, max_position_embeddings=512, type_vocab_size=2,
                initializer_range=0.02, layer_norm_eps=1e-12, architectures=["BertForPreTraining"],
                model_type="bert", pad_token_id=0, position_embedding_type="absolute")


class Bert(torch.nn.Module):
    """BertForPreTraining: the parameters under HuggingFace's names, in
    HuggingFace's order, and the forward pass with dropout."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.C, self.NH, self.L = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_hidden_layers"]
        self.eps = cfg["layer_norm_eps"]
        self.names = []  # HF names in order
        self.p = torch.nn.ParameterDict()
        C, I, V = self.C, cfg["intermediate_size"], cfg["vocab_size"]
        std = cfg["initializer_range"]

        def add(name, shape, init):
            t = torch.empty(*shape)
            if init == "normal":
                t.normal_(0.0, std)
            elif init == "one":
                t.fill_(1.0)
            else:
                t.zero_()
            self.p[name.replace(".", "_")] = torch.nn.Parameter(t)
            self.names.append(name)

        def linear(pre, out, inp):
            add(pre + ".weight", (out, inp), "normal")
            add(pre + ".bias", (out,), "zero")

        def ln(pre):
            add(pre + ".weight", (C,), "one")
            add(pre + ".bias", (C,), "zero")

        add("bert.embeddings.word_embeddings.weight", (V, C), "normal")
        add("bert.embeddings.position_embeddings.weight", (cfg["max_position_embeddings"], C), "normal")
        add("bert.embeddings.token_type_embeddings.weight", (cfg["type_vocab_size"], C), "normal")
        ln("bert.embeddings.LayerNorm")
        for l in range(self.L):
            pre = f"bert.encoder.layer.{l}."
            for name in ("attention.self.query", "attention.self.key", "attention.self.value",
                         "attention.output.dense"):
                linear(pre + name, C, C)
            ln(pre + "attention.output.LayerNorm")
            linear(pre + "intermediate.dense", I, C)
            linear(pre + "output.dense", C, I)
            ln(pre + "output.LayerNorm")
        linear("bert.pooler.dense", C, C)
        linear("cls.predictions.transform.dense", C, C)
        ln("cls.predictions.transform.LayerNorm")
        add("cls.predictions.bias", (V,), "zero")
        linear("cls.seq_relationship", 2, C)

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def named(self):
        """(HF name, parameter) in HF order."""
        return [(n, self.w(n)) for n in self.names]

    def linear(self, x, pre):
        return F.linear(x, self.w(pre + ".weight"), self.w(pre + ".bias"))

    def ln(self, x, pre):
        return F.layer_norm(x, (self.C,), self.w(pre + ".weight"), self.w(pre + ".bias"), self.eps)

    def forward(self, ids, types, mask, masked_rows):
        """ids, types, mask: [B, T]; masked_rows: indexes into the B*T
        positions. Returns the MLM logits [P, V] and the NSP logits [B, 2]."""
        B, T = ids.shape
        C, NH = self.C, self.NH
        hs = C // NH
        ph = self.cfg["hidden_dropout_prob"] if self.training else 0.0
        pa = self.cfg["attention_probs_dropout_prob"] if self.training else 0.0
        e = "bert.embeddings."
        x = (F.embedding(ids, self.w(e + "word_embeddings.weight")) + self.w(e + "position_embeddings.weight")[:T]
             + F.embedding(types, self.w(e + "token_type_embeddings.weight")))
        x = F.dropout(self.ln(x, e + "LayerNorm"), ph, self.training)
        ext = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        for l in range(self.L):
            p = f"bert.encoder.layer.{l}."

            def heads(t):
                return t.view(B, T, NH, hs).transpose(1, 2)

            q = heads(self.linear(x, p + "attention.self.query"))
            k = heads(self.linear(x, p + "attention.self.key"))
            v = heads(self.linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + ext
            probs = F.dropout(F.softmax(scores, dim=-1), pa, self.training)
            ctx = (probs @ v).transpose(1, 2).reshape(B, T, C)
            a = F.dropout(self.linear(ctx, p + "attention.output.dense"), ph, self.training)
            x = self.ln(a + x, p + "attention.output.LayerNorm")
            h = F.gelu(self.linear(x, p + "intermediate.dense"))
            o = F.dropout(self.linear(h, p + "output.dense"), ph, self.training)
            x = self.ln(o + x, p + "output.LayerNorm")
        pooled = torch.tanh(self.linear(x[:, 0], "bert.pooler.dense"))
        nsp = self.linear(pooled, "cls.seq_relationship")
        hm = x.reshape(B * T, C)[masked_rows]
        hm = F.gelu(self.linear(hm, "cls.predictions.transform.dense"))
        hm = self.ln(hm, "cls.predictions.transform.LayerNorm")
        mlm = F.linear(hm, self.w(e + "word_embeddings.weight"), self.w("cls.predictions.bias"))
        return mlm, nsp


class LAMB:
    """NVIDIA's FusedLAMB as BERT pretraining runs it (see the module doc),
    in float32 like the fused kernel, the norms in float64."""

    def __init__(self, named, beta1=0.9, beta2=0.999, eps=1e-6, weight_decay=0.01, max_grad_norm=1.0):
        self.params = [p for _, p in named]
        self.decay = [not ("bias" in n or "LayerNorm" in n) for n, _ in named]
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.b1, self.b2, self.eps, self.wd, self.max_norm = beta1, beta2, eps, weight_decay, max_grad_norm
        self.step_count = 0

    @torch.no_grad()
    def step(self, lr):
        """Applies one update at rate lr; returns the global gradient norm
        before clipping (non-finite: nothing changed)."""
        gnorm = math.sqrt(sum(float(p.grad.double().pow(2).sum()) for p in self.params))
        if not math.isfinite(gnorm):
            return gnorm
        clip = self.max_norm / gnorm if gnorm > self.max_norm else 1.0
        self.step_count += 1
        bc1 = 1 - self.b1 ** self.step_count
        bc2 = 1 - self.b2 ** self.step_count
        for p, m, v, decay in zip(self.params, self.m, self.v, self.decay):
            g = p.grad * clip
            m.mul_(self.b1).add_(g, alpha=1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            u = (m / bc1) / ((v / bc2).sqrt() + self.eps)
            ratio = 1.0
            if decay and self.wd != 0:
                u.add_(p, alpha=self.wd)
                wn, un = float(p.double().norm()), float(u.double().norm())
                if wn > 0 and un > 0:
                    ratio = wn / un
            p.sub_(u, alpha=lr * ratio)
        return gnorm


def poly_warmup(base, step, total, warmup, degree=0.5):
    """NVIDIA's PolyWarmUpScheduler at update step (1-based), as optim.PolyWarmup."""
    progress = step / total
    if progress < warmup:
        return base * progress / warmup
    return base * max(0.0, 1.0 - progress) ** degree


def read_instances(shard_bin, data, split):
    """The instances of one split, from 'shard inspect', as padded tensors:
    ids, types [N, maxT] (padding 0), lengths [N], masked positions and ids
    [N, maxP] (padding -1), NSP labels [N]."""
    cmd = [shard_bin, "inspect", data, "--split", split]
    try:
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        raise SystemExit(f"{' '.join(cmd)}: {e}")
    recs = [json.loads(line) for line in out.splitlines() if line.strip()]
    if not recs:
        raise SystemExit(f"{data}: no {split} instances")
    n = len(recs)
    max_t = max(len(r["input_ids"]) for r in recs)
    max_p = max(1, max(len(r["masked_lm_positions"]) for r in recs))
    ids = torch.zeros(n, max_t, dtype=torch.long)
    types = torch.zeros(n, max_t, dtype=torch.long)
    lengths = torch.zeros(n, dtype=torch.long)
    pos = torch.full((n, max_p), -1, dtype=torch.long)
    lab = torch.full((n, max_p), -1, dtype=torch.long)
    nsp = torch.zeros(n, dtype=torch.long)
    for i, r in enumerate(recs):
        t, p = len(r["input_ids"]), len(r["masked_lm_positions"])
        if len(r["segment_ids"]) != t or len(r["masked_lm_ids"]) != p:
            raise SystemExit(f"{data}/{split}: instance {i}: inconsistent lengths")
        if any(q < 0 or q >= t for q in r["masked_lm_positions"]):
            raise SystemExit(f"{data}/{split}: instance {i}: masked position outside its {t} tokens")
        ids[i, :t] = torch.tensor(r["input_ids"])
        types[i, :t] = torch.tensor(r["segment_ids"])
        lengths[i] = t
        if p:
            pos[i, :p] = torch.tensor(r["masked_lm_positions"])
            lab[i, :p] = torch.tensor(r["masked_lm_ids"])
        nsp[i] = 1 if r["is_random_next"] else 0
    return dict(ids=ids, types=types, lengths=lengths, pos=pos, lab=lab, nsp=nsp, n=n)


def batch(data, idx):
    """The batch of instances idx: ids, types, mask [B, T] with T the
    longest of them, flat masked rows b*T+t, their labels, NSP labels."""
    lengths = data["lengths"][idx]
    T = int(lengths.max())
    ids, types = data["ids"][idx, :T], data["types"][idx, :T]
    mask = (torch.arange(T)[None, :] < lengths[:, None]).long()
    pos, lab = data["pos"][idx], data["lab"][idx]
    keep = pos >= 0
    rows = (torch.arange(len(idx))[:, None] * T + pos)[keep]
    return ids, types, mask, rows, lab[keep], data["nsp"][idx]


def train(model, data, args):
    opt = LAMB(model.named())
    gen = torch.Generator().manual_seed(args.seed)
    per_epoch = data["n"] // args.batch_size
    if per_epoch == 0:
        raise SystemExit(f"{args.data}: {data['n']} training instances, fewer than one batch of {args.batch_size}")
    model.train()
    start = time.perf_counter()
    recent = []
    order, at, skipped = None, per_epoch, 0
    for step in range(1, args.max_steps + 1):
        if at == per_epoch:
            order, at = torch.randperm(data["n"], generator=gen), 0
        idx = order[at * args.batch_size:(at + 1) * args.batch_size]
        at += 1
        ids, types, mask, rows, labels, nsp_labels = batch(data, idx)
        mlm, nsp = model(ids, types, mask, rows)
        loss = F.cross_entropy(mlm, labels) + F.cross_entropy(nsp, nsp_labels)
        model.zero_grad(set_to_none=False)
        loss.backward()
        lr = poly_warmup(args.lr, step, args.max_steps, args.warmup)
        gnorm = opt.step(lr) if math.isfinite(loss.item()) else math.nan
        if not math.isfinite(gnorm):
            skipped += 1
        recent = (recent + [loss.item()])[-10:]
        if args.log_every and (step % args.log_every == 0 or step == args.max_steps):
            print(f"step {step}/{args.max_steps} loss {loss.item():.4f} lr {lr:.3g} grad_norm {gnorm:.3g} "
                  f"elapsed {time.perf_counter() - start:.1f}s", file=sys.stderr)
    return time.perf_counter() - start, sum(recent) / len(recent), skipped


@torch.no_grad()
def evaluate(model, data, batch_size=64):
    model.eval()
    mlm_sum = nsp_sum = 0.0
    mlm_right = nsp_right = masked = 0
    for s in range(0, data["n"], batch_size):
        idx = torch.arange(s, min(s + batch_size, data["n"]))
        ids, types, mask, rows, labels, nsp_labels = batch(data, idx)
        mlm, nsp = model(ids, types, mask, rows)
        if len(labels):
            mlm_sum += F.cross_entropy(mlm, labels, reduction="sum").item()
            mlm_right += int((mlm.argmax(dim=1) == labels).sum())
        masked += len(labels)
        nsp_sum += F.cross_entropy(nsp, nsp_labels, reduction="sum").item()
        nsp_right += int((nsp.argmax(dim=1) == nsp_labels).sum())
    return dict(instances=data["n"], masked_tokens=masked, mlm_accuracy=mlm_right / max(1, masked),
                mlm_loss=mlm_sum / max(1, masked), nsp_accuracy=nsp_right / data["n"], nsp_loss=nsp_sum / data["n"])


def save(model, cfg, vocab, out):
    """Writes a checkpoint directory 'eval pretrain' reads: model.safetensors
    (F32, HF names), config.json and vocab.txt."""
    os.makedirs(out, exist_ok=True)
    header, blobs, off = {}, [], 0
    for name, p in model.named():
        b = p.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = dict(dtype="F32", shape=list(p.shape), data_offsets=[off, off + len(b)])
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(os.path.join(out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    shutil.copyfile(vocab, os.path.join(out, "vocab.txt"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="output directory of 'shard pretrain'")
    ap.add_argument("--vocab", required=True, help="the shards' vocab.txt (its size is the model's vocab_size)")
    ap.add_argument("--model", default="tiny", help="preset: " + ", ".join(PRESETS))
    ap.add_argument("--batch-size", type=int, default=32, help="sequences per update")
    ap.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    ap.add_argument("--warmup", type=float, default=0.1, help="warm-up as a proportion of --max-steps")
    ap.add_argument("--max-steps", type=int, required=True, help="updates")
    ap.add_argument("--seed", type=int, default=42, help="seed of initialisation, data order and dropout")
    ap.add_argument("--dropout", type=float, default=0.1, help="hidden and attention dropout")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: torch's default)")
    ap.add_argument("--shard", default="bin/shard", help="the shard binary, for 'shard inspect'")
    ap.add_argument("--save", default="", help="write the trained model here as a checkpoint directory")
    ap.add_argument("--log-every", type=int, default=50, help="updates between progress lines on stderr (0: none)")
    args = ap.parse_args()
    if args.batch_size <= 0 or args.max_steps <= 0 or args.lr <= 0 or not 0 <= args.warmup < 1:
        raise SystemExit("--batch-size, --max-steps and --lr must be positive and --warmup in [0, 1)")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(args.vocab, encoding="utf-8") as f:
        vocab_size = sum(1 for _ in f)
    cfg = preset(args.model, vocab_size, args.dropout)
    train_data = read_instances(args.shard, args.data, "train")
    holdout = read_instances(args.shard, args.data, "holdout")
    for split, d in (("train", train_data), ("holdout", holdout)):
        if int(d["ids"].max()) >= vocab_size:
            raise SystemExit(f"{args.data}/{split}: ids reach {int(d['ids'].max())}, {args.vocab} has {vocab_size} tokens")
    model = Bert(cfg)
    seconds, train_loss, skipped = train(model, train_data, args)
    res = evaluate(model, holdout)
    res.update(steps=args.max_steps, skipped_steps=skipped, seconds=round(seconds, 2), train_loss=train_loss,
               model=args.model, threads=torch.get_num_threads(), torch=torch.__version__)
    if args.save:
        save(model, cfg, args.vocab, args.save)
    print(json.dumps(res))


if __name__ == "__main__":
    main()
