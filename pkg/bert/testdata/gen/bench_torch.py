"""Training throughput of BERT in plain PyTorch on the CPU, the baseline of
BenchmarkTrainStep and BenchmarkSquadStep (pkg/bert).

The encoder is tiny_ref.py's: post-LN BERT from torch.nn.functional
operations, erf GELU, -10000 on padding keys, with HuggingFace's dropout
sites in training mode (after the embedding LayerNorm, on the attention
probabilities, after the attention output and FFN output dense layers).
Each step is forward, backward and torch.optim.AdamW (weight decay 0.01).
Two heads:

  --head pretraining (default): BertForPreTraining, the decoder tied to the
  word embeddings, dropout 0, T=128. The MLM head runs on the masked rows
  only (gathered before the transform), as model.go does. The batch is
  BenchmarkTrainStep's: random ids from a 30522-token vocabulary, every
  token real, segment 1 in the second half, perSeq masked positions per
  sequence.

  --head qa: BertForQuestionAnswering, qa_outputs Linear(C, 2) on every
  token, no pooler, the loss run_squad.py's (mean of the start and end
  cross-entropies over the T positions), dropout 0.1, T=384. The batch is
  BenchmarkSquadStep's: every token real, a 32-token question in segment 0,
  random short answer spans in the context.

  python3 testdata/gen/bench_torch.py --preset mini --batch 32 --seq 128 --steps 5 --threads 2
  python3 testdata/gen/bench_torch.py --head qa --preset mini --batch 8 --steps 2 --threads 2

prints one JSON line:
{"head", "preset", "B", "T", "dropout", "threads", "seq_per_s", "step_s", "peak_rss_mib"}.
"""

import argparse
import json
import math
import resource
import time

import torch
import torch.nn.functional as F

PRESETS = {"tiny": (2, 128, 2), "mini": (4, 256, 4), "small": (4, 512, 8), "medium": (8, 512, 8),
           "base": (12, 768, 12), "large": (24, 1024, 16)}
VOCAB, MAX_POS, TYPES, EPS = 30522, 512, 2, 1e-12
QUESTION = 32  # tokens of segment 0 in a qa batch: [CLS], the question, [SEP]


class Bert(torch.nn.Module):
    """The parameters under HuggingFace's names, and the forward pass."""

    def __init__(self, layers, c, nh, head="pretraining", dropout=0.0):
        super().__init__()
        self.L, self.C, self.NH, self.I = layers, c, nh, 4 * c
        self.drop = dropout
        self.p = torch.nn.ParameterDict()

        def w(name, *shape):
            self.p[name.replace(".", "_")] = torch.nn.Parameter(torch.randn(*shape) * 0.02)

        def z(name, *shape):
            self.p[name.replace(".", "_")] = torch.nn.Parameter(torch.zeros(*shape))

        def o(name, *shape):
            self.p[name.replace(".", "_")] = torch.nn.Parameter(torch.ones(*shape))

        def linear(pre, out, inp):
            w(pre + ".weight", out, inp)
            z(pre + ".bias", out)

        def ln(pre):
            o(pre + ".weight", c)
            z(pre + ".bias", c)

        w("bert.embeddings.word_embeddings.weight", VOCAB, c)
        w("bert.embeddings.position_embeddings.weight", MAX_POS, c)
        w("bert.embeddings.token_type_embeddings.weight", TYPES, c)
        ln("bert.embeddings.LayerNorm")
        for l in range(layers):
            pre = f"bert.encoder.layer.{l}."
            for name in ("attention.self.query", "attention.self.key", "attention.self.value",
                         "attention.output.dense"):
                linear(pre + name, c, c)
            ln(pre + "attention.output.LayerNorm")
            linear(pre + "intermediate.dense", self.I, c)
            linear(pre + "output.dense", c, self.I)
            ln(pre + "output.LayerNorm")
        if head == "qa":
            linear("qa_outputs", 2, c)
        else:
            linear("bert.pooler.dense", c, c)
            linear("cls.predictions.transform.dense", c, c)
            ln("cls.predictions.transform.LayerNorm")
            z("cls.predictions.bias", VOCAB)
            linear("cls.seq_relationship", 2, c)

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def linear(self, x, pre):
        return F.linear(x, self.w(pre + ".weight"), self.w(pre + ".bias"))

    def ln(self, x, pre):
        return F.layer_norm(x, (self.C,), self.w(pre + ".weight"), self.w(pre + ".bias"), EPS)

    def dropout(self, x):
        return F.dropout(x, self.drop, training=True) if self.drop > 0 else x

    def encode(self, ids, types, mask):
        """The final hidden states [B, T, C]."""
        B, T = ids.shape
        C, NH = self.C, self.NH
        hs = C // NH
        e = "bert.embeddings."
        x = (F.embedding(ids, self.w(e + "word_embeddings.weight")) + self.w(e + "position_embeddings.weight")[:T]
             + F.embedding(types, self.w(e + "token_type_embeddings.weight")))
        x = self.dropout(self.ln(x, e + "LayerNorm"))
        ext = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        for l in range(self.L):
            p = f"bert.encoder.layer.{l}."

            def heads(t):
                return t.view(B, T, NH, hs).transpose(1, 2)

            q = heads(self.linear(x, p + "attention.self.query"))
            k = heads(self.linear(x, p + "attention.self.key"))
            v = heads(self.linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + ext
            ctx = (self.dropout(F.softmax(scores, dim=-1)) @ v).transpose(1, 2).reshape(B, T, C)
            x = self.ln(self.dropout(self.linear(ctx, p + "attention.output.dense")) + x,
                        p + "attention.output.LayerNorm")
            h = F.gelu(self.linear(x, p + "intermediate.dense"))
            x = self.ln(self.dropout(self.linear(h, p + "output.dense")) + x, p + "output.LayerNorm")
        return x

    def pretraining_loss(self, ids, types, mask, masked_pos, masked_ids, nsp_labels):
        B, T = ids.shape
        C, e = self.C, "bert.embeddings."
        x = self.encode(ids, types, mask)
        pooled = torch.tanh(self.linear(x[:, 0], "bert.pooler.dense"))
        nsp = self.linear(pooled, "cls.seq_relationship")
        hm = x.reshape(B * T, C)[masked_pos]
        hm = F.gelu(self.linear(hm, "cls.predictions.transform.dense"))
        hm = self.ln(hm, "cls.predictions.transform.LayerNorm")
        mlm = F.linear(hm, self.w(e + "word_embeddings.weight"), self.w("cls.predictions.bias"))
        return F.cross_entropy(mlm, masked_ids) + F.cross_entropy(nsp, nsp_labels)

    def qa_loss(self, ids, types, mask, start_positions, end_positions):
        start, end = self.linear(self.encode(ids, types, mask), "qa_outputs").unbind(-1)
        return (F.cross_entropy(start, start_positions) + F.cross_entropy(end, end_positions)) / 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--head", default="pretraining", choices=("pretraining", "qa"))
    ap.add_argument("--preset", default="mini", choices=sorted(PRESETS))
    ap.add_argument("--batch", type=int, default=None, help="sequences per step (pretraining 32, qa 8)")
    ap.add_argument("--seq", type=int, default=None, help="tokens per sequence (pretraining 128, qa 384)")
    ap.add_argument("--dropout", type=float, default=None,
                    help="hidden and attention dropout (pretraining 0, qa 0.1)")
    ap.add_argument("--masked", type=int, default=20, help="masked positions per sequence (pretraining)")
    ap.add_argument("--steps", type=int, default=5, help="timed steps, after one untimed")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    qa = a.head == "qa"
    B = a.batch if a.batch is not None else (8 if qa else 32)
    T = a.seq if a.seq is not None else (384 if qa else 128)
    drop = a.dropout if a.dropout is not None else (0.1 if qa else 0.0)
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    model = Bert(*PRESETS[a.preset], head=a.head, dropout=drop)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)
    ids = torch.randint(5, VOCAB, (B, T))
    types = torch.zeros(B, T, dtype=torch.long)
    mask = torch.ones(B, T, dtype=torch.long)
    if qa:
        types[:, QUESTION:] = 1
        start_positions = torch.randint(QUESTION, T - 10, (B,))
        end_positions = start_positions + torch.randint(0, 8, (B,))

        def loss():
            return model.qa_loss(ids, types, mask, start_positions, end_positions)
    else:
        types[:, T // 2:] = 1
        masked_pos = torch.tensor([s * T + 1 + j * (T - 2) // a.masked for s in range(B) for j in range(a.masked)])
        masked_ids = torch.randint(5, VOCAB, (B * a.masked,))
        nsp_labels = torch.randint(0, 2, (B,))

        def loss():
            return model.pretraining_loss(ids, types, mask, masked_pos, masked_ids, nsp_labels)

    def step():
        opt.zero_grad(set_to_none=False)
        loss().backward()
        opt.step()

    step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    dt = (time.perf_counter() - t0) / a.steps
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(head=a.head, preset=a.preset, B=B, T=T, dropout=drop, threads=torch.get_num_threads(),
                          seq_per_s=B / dt, step_s=dt, peak_rss_mib=round(rss, 1))))


if __name__ == "__main__":
    main()
