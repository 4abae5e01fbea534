"""Golden outputs of BertForPreTraining for the tests of model.go.

Builds BERT (HuggingFace BertForPreTraining semantics, post-LN, erf GELU,
extended attention mask of -10000 on padding keys, tied decoder) from
torch.nn.functional operations, with a tiny configuration and weights from a
fixed seed, runs one fixed batch in float64 and in float32, and writes

  testdata/tiny_ref.safetensors  the weights (F32, HuggingFace names), the
                                 float64 logits ("expect.mlm_logits",
                                 "expect.nsp_logits") and the float64
                                 gradient of every parameter ("grad.<name>")
  testdata/tiny_ref.json         the config, the batch and the losses

Run from pkg/bert:  python3 testdata/gen/tiny_ref.py  (torch 1.13 or later).
"""

import json
import math
import os
import struct

import torch
import torch.nn.functional as F

CFG = dict(vocab_size=37, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
           intermediate_size=64, hidden_act="gelu", hidden_dropout_prob=0.0,
           attention_probs_dropout_prob=0.0, max_position_embeddings=16, type_vocab_size=2,
           initializer_range=0.02, layer_norm_eps=1e-12)
C, I, V = CFG["hidden_size"], CFG["intermediate_size"], CFG["vocab_size"]
NH, L, EPS = CFG["num_attention_heads"], CFG["num_hidden_layers"], CFG["layer_norm_eps"]


def shapes():
    """The parameters in HuggingFace order: name, shape, kind (w, b, g)."""
    out = [("bert.embeddings.word_embeddings.weight", (V, C), "w"),
           ("bert.embeddings.position_embeddings.weight", (CFG["max_position_embeddings"], C), "w"),
           ("bert.embeddings.token_type_embeddings.weight", (CFG["type_vocab_size"], C), "w")]

    def linear(p, o, i):
        out.extend([(p + ".weight", (o, i), "w"), (p + ".bias", (o,), "b")])

    def ln(p):
        out.extend([(p + ".weight", (C,), "g"), (p + ".bias", (C,), "b")])

    ln("bert.embeddings.LayerNorm")
    for l in range(L):
        p = f"bert.encoder.layer.{l}."
        linear(p + "attention.self.query", C, C)
        linear(p + "attention.self.key", C, C)
        linear(p + "attention.self.value", C, C)
        linear(p + "attention.output.dense", C, C)
        ln(p + "attention.output.LayerNorm")
        linear(p + "intermediate.dense", I, C)
        linear(p + "output.dense", C, I)
        ln(p + "output.LayerNorm")
    linear("bert.pooler.dense", C, C)
    linear("cls.predictions.transform.dense", C, C)
    ln("cls.predictions.transform.LayerNorm")
    out.append(("cls.predictions.bias", (V,), "b"))
    linear("cls.seq_relationship", 2, C)
    return out


def init_weights():
    """Float32 weights: N(0, 0.15) matrices, N(0, 0.1) biases, 1 + N(0, 0.1)
    LayerNorm gains, so that every term of every gradient is exercised."""
    g = torch.Generator().manual_seed(20240611)
    w = {}
    for name, shape, kind in shapes():
        r = torch.randn(shape, generator=g, dtype=torch.float64)
        w[name] = {"w": 0.15 * r, "b": 0.1 * r, "g": 1 + 0.1 * r}[kind].float()
    return w


def batch():
    """B=3, T=11; sequences of 11, 8 and 6 tokens, P=5 masked positions."""
    B, T = 3, 11
    lens = [11, 8, 6]
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(5, V, (B, T), generator=g)
    types = torch.zeros(B, T, dtype=torch.long)
    mask = torch.zeros(B, T, dtype=torch.long)
    for b, n in enumerate(lens):
        ids[b, 0] = 2  # [CLS]
        ids[b, n - 1] = 3  # [SEP]
        ids[b, n:] = 0  # [PAD]
        mask[b, :n] = 1
        types[b, n // 2:n] = 1
    pos = [(0, 3), (0, 7), (1, 2), (1, 5), (2, 4)]
    masked_pos = [b * T + t for b, t in pos]
    masked_ids = [int(ids[b, t]) for b, t in pos]
    for b, t in pos:
        ids[b, t] = 4  # [MASK]
    return dict(B=B, T=T, input_ids=ids.flatten().tolist(), token_types=types.flatten().tolist(),
                mask=mask.flatten().tolist(), masked_pos=masked_pos, masked_ids=masked_ids,
                nsp_labels=[0, 1, 0])


def layer_norm(x, w, p):
    return F.layer_norm(x, (C,), w[p + ".weight"], w[p + ".bias"], EPS)


def linear(x, w, p):
    return F.linear(x, w[p + ".weight"], w[p + ".bias"])


def encode(w, bt):
    """The encoder's final hidden states [B, T, C]."""
    B, T = bt["B"], bt["T"]
    ids = torch.tensor(bt["input_ids"]).view(B, T)
    types = torch.tensor(bt["token_types"]).view(B, T)
    mask = torch.tensor(bt["mask"]).view(B, T)
    e = "bert.embeddings."
    x = (F.embedding(ids, w[e + "word_embeddings.weight"]) + w[e + "position_embeddings.weight"][:T]
         + F.embedding(types, w[e + "token_type_embeddings.weight"]))
    x = layer_norm(x, w, e + "LayerNorm")
    ext = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
    hs = C // NH
    for l in range(L):
        p = f"bert.encoder.layer.{l}."

        def heads(t):
            return t.view(B, T, NH, hs).transpose(1, 2)

        q = heads(linear(x, w, p + "attention.self.query"))
        k = heads(linear(x, w, p + "attention.self.key"))
        v = heads(linear(x, w, p + "attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(hs) + ext
        ctx = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = layer_norm(linear(ctx, w, p + "attention.output.dense") + x, w, p + "attention.output.LayerNorm")
        h = F.gelu(linear(x, w, p + "intermediate.dense"))
        x = layer_norm(linear(h, w, p + "output.dense") + x, w, p + "output.LayerNorm")
    return x


def forward(w, bt):
    B, T = bt["B"], bt["T"]
    x = encode(w, bt)
    pooled = torch.tanh(linear(x[:, 0], w, "bert.pooler.dense"))
    nsp = linear(pooled, w, "cls.seq_relationship")
    hm = x.reshape(B * T, C)[torch.tensor(bt["masked_pos"])]
    hm = F.gelu(linear(hm, w, "cls.predictions.transform.dense"))
    hm = layer_norm(hm, w, "cls.predictions.transform.LayerNorm")
    mlm = F.linear(hm, w["bert.embeddings.word_embeddings.weight"], w["cls.predictions.bias"])
    mlm_loss = F.cross_entropy(mlm, torch.tensor(bt["masked_ids"]))
    nsp_loss = F.cross_entropy(nsp, torch.tensor(bt["nsp_labels"]))
    return mlm, nsp, mlm_loss, nsp_loss


def run(weights, bt, dtype):
    w = {n: t.to(dtype).clone().requires_grad_(True) for n, t in weights.items()}
    mlm, nsp, ml, nl = forward(w, bt)
    (ml + nl).backward()
    return mlm.detach(), nsp.detach(), ml.item(), nl.item(), {n: t.grad for n, t in w.items()}


def write_safetensors(path, tensors):
    """tensors: name -> (dtype string, tensor); the format by hand: an 8-byte
    little-endian header length, the JSON header, then the raw data."""
    header, blobs, off = {}, [], 0
    for name, (dt, t) in tensors.items():
        data = t.contiguous().numpy().astype("<f4" if dt == "F32" else "<f8").tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(data)]}
        blobs.append(data)
        off += len(data)
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.dirname(here)
    weights, bt = init_weights(), batch()
    mlm, nsp, ml, nl, grads = run(weights, bt, torch.float64)
    _, _, ml32, nl32, grads32 = run(weights, bt, torch.float32)
    # The key biases have a zero gradient (softmax ignores a shift that is
    # the same for every key), so they are left out of the relative error.
    f32err = max(((grads32[n].double() - g).norm() / g.norm()).item()
                 for n, g in grads.items() if g.norm() > 1e-6)
    tensors = {n: ("F32", t) for n, t in weights.items()}
    tensors["expect.mlm_logits"] = ("F64", mlm)
    tensors["expect.nsp_logits"] = ("F64", nsp)
    for n, g in grads.items():
        tensors["grad." + n] = ("F64", g)
    write_safetensors(os.path.join(out, "tiny_ref.safetensors"), tensors)
    ref = dict(config=CFG, batch=bt, losses=dict(mlm=ml, nsp=nl, total=ml + nl),
               losses_float32=dict(mlm=ml32, nsp=nl32, total=ml32 + nl32),
               torch_float32_max_grad_error=f32err, torch_version=torch.__version__)
    with open(os.path.join(out, "tiny_ref.json"), "w") as f:
        f.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in ref.items()) + "\n}\n")


if __name__ == "__main__":
    main()
