"""Training throughput of BertForPreTraining in plain PyTorch on the CPU, the
baseline of BenchmarkTrainStep (pkg/bert).

The model is tiny_ref.py's: post-LN BERT from torch.nn.functional
operations, erf GELU, -10000 on padding keys, the decoder tied to the word
embeddings, dropout 0. The MLM head runs on the masked rows only (gathered
before the transform), as model.go does. Each step is forward, backward and
torch.optim.AdamW; the batch is BenchmarkTrainStep's: random ids from a
30522-token vocabulary, every token real, segment 1 in the second half,
perSeq masked positions per sequence.

  python3 testdata/gen/bench_torch.py --preset mini --batch 32 --seq 128 --steps 5 --threads 2

prints one JSON line: {"preset", "B", "T", "threads", "seq_per_s", "step_s", "peak_rss_mib"}.
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


class Bert(torch.nn.Module):
    """The parameters under HuggingFace's names, and the forward pass."""

    def __init__(self, layers, c, nh):
        super().__init__()
        self.L, self.C, self.NH, self.I = layers, c, nh, 4 * c
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

    def forward(self, ids, types, mask, masked_pos, masked_ids, nsp_labels):
        B, T = ids.shape
        C, NH = self.C, self.NH
        hs = C // NH
        e = "bert.embeddings."
        x = (F.embedding(ids, self.w(e + "word_embeddings.weight")) + self.w(e + "position_embeddings.weight")[:T]
             + F.embedding(types, self.w(e + "token_type_embeddings.weight")))
        x = self.ln(x, e + "LayerNorm")
        ext = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
        for l in range(self.L):
            p = f"bert.encoder.layer.{l}."

            def heads(t):
                return t.view(B, T, NH, hs).transpose(1, 2)

            q = heads(self.linear(x, p + "attention.self.query"))
            k = heads(self.linear(x, p + "attention.self.key"))
            v = heads(self.linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + ext
            ctx = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
            x = self.ln(self.linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            h = F.gelu(self.linear(x, p + "intermediate.dense"))
            x = self.ln(self.linear(h, p + "output.dense") + x, p + "output.LayerNorm")
        pooled = torch.tanh(self.linear(x[:, 0], "bert.pooler.dense"))
        nsp = self.linear(pooled, "cls.seq_relationship")
        hm = x.reshape(B * T, C)[masked_pos]
        hm = F.gelu(self.linear(hm, "cls.predictions.transform.dense"))
        hm = self.ln(hm, "cls.predictions.transform.LayerNorm")
        mlm = F.linear(hm, self.w(e + "word_embeddings.weight"), self.w("cls.predictions.bias"))
        return F.cross_entropy(mlm, masked_ids) + F.cross_entropy(nsp, nsp_labels)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="mini", choices=sorted(PRESETS))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--masked", type=int, default=20, help="masked positions per sequence")
    ap.add_argument("--steps", type=int, default=5, help="timed steps, after one untimed")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    B, T = a.batch, a.seq
    model = Bert(*PRESETS[a.preset])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)
    ids = torch.randint(5, VOCAB, (B, T))
    types = torch.zeros(B, T, dtype=torch.long)
    types[:, T // 2:] = 1
    mask = torch.ones(B, T, dtype=torch.long)
    masked_pos = torch.tensor([s * T + 1 + j * (T - 2) // a.masked for s in range(B) for j in range(a.masked)])
    masked_ids = torch.randint(5, VOCAB, (B * a.masked,))
    nsp_labels = torch.randint(0, 2, (B,))

    def step():
        opt.zero_grad(set_to_none=False)
        loss = model(ids, types, mask, masked_pos, masked_ids, nsp_labels)
        loss.backward()
        opt.step()

    step()
    t0 = time.perf_counter()
    for _ in range(a.steps):
        step()
    dt = (time.perf_counter() - t0) / a.steps
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(preset=a.preset, B=B, T=T, threads=torch.get_num_threads(), seq_per_s=B / dt,
                          step_s=dt, peak_rss_mib=round(rss, 1))))


if __name__ == "__main__":
    main()
