"""Golden outputs of the fine-tuning heads for the tests of heads.go.

On the encoder and batch of tiny_ref.py (its weights, float64), adds the
heads of HuggingFace's BertForQuestionAnswering (qa_outputs: a start and an
end logit per token, the loss the mean of the two cross-entropies over all
T positions) and BertForSequenceClassification (pooler, classifier;
cross-entropy over three classes, or with one output mean squared error),
with head weights from a fixed seed, and writes

  testdata/heads_ref.safetensors  the head weights (F32), the float64 logits
                                  ("expect.<head>.logits") and the float64
                                  gradient of every parameter
                                  ("grad.<head>.<name>")
  testdata/heads_ref.json         the targets and the losses

Run from pkg/bert:  python3 testdata/gen/heads_ref.py  (torch 1.13 or later).
"""

import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tiny_ref  # noqa: E402

C = tiny_ref.C
ENCODER_PREFIX = "bert.embeddings.", "bert.encoder."
TARGETS = dict(start=[3, 0, 5], end=[4, 0, 5], labels=[2, 0, 1], scores=[0.5, 4.2, 2.0])


def head_weights():
    g = torch.Generator().manual_seed(611)

    def r(*shape, scale):
        return (scale * torch.randn(shape, generator=g, dtype=torch.float64)).float()

    return {
        "qa": {"qa_outputs.weight": r(2, C, scale=0.3), "qa_outputs.bias": r(2, scale=0.1)},
        "cls": {"bert.pooler.dense.weight": r(C, C, scale=0.15), "bert.pooler.dense.bias": r(C, scale=0.1),
                "classifier.weight": r(3, C, scale=0.3), "classifier.bias": r(3, scale=0.1)},
        "reg": {"bert.pooler.dense.weight": r(C, C, scale=0.15), "bert.pooler.dense.bias": r(C, scale=0.1),
                "classifier.weight": r(1, C, scale=0.3), "classifier.bias": r(1, scale=0.1)},
    }


def run(head, weights, bt):
    w = {n: t.double().clone().requires_grad_(True) for n, t in weights.items()}
    x = tiny_ref.encode(w, bt)
    if head == "qa":
        logits = tiny_ref.linear(x, w, "qa_outputs")  # [B, T, 2]
        start, end = logits[..., 0], logits[..., 1]
        loss = (F.cross_entropy(start, torch.tensor(TARGETS["start"]))
                + F.cross_entropy(end, torch.tensor(TARGETS["end"]))) / 2
        out = torch.stack([start, end])  # [2, B, T]
    else:
        pooled = torch.tanh(tiny_ref.linear(x[:, 0], w, "bert.pooler.dense"))
        out = tiny_ref.linear(pooled, w, "classifier")
        if head == "cls":
            loss = F.cross_entropy(out, torch.tensor(TARGETS["labels"]))
        else:
            loss = F.mse_loss(out.squeeze(-1), torch.tensor(TARGETS["scores"], dtype=torch.float64))
    loss.backward()
    return out.detach(), loss.item(), {n: t.grad for n, t in w.items()}


def main():
    out = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    encoder = {n: t for n, t in tiny_ref.init_weights().items() if n.startswith(ENCODER_PREFIX)}
    bt = tiny_ref.batch()
    tensors, losses = {}, {}
    for head, hw in head_weights().items():
        weights = dict(encoder, **hw)
        logits, loss, grads = run(head, weights, bt)
        losses[head] = loss
        for n, t in hw.items():
            tensors[f"{head}.{n}"] = ("F32", t)
        tensors[f"expect.{head}.logits"] = ("F64", logits)
        for n, gr in grads.items():
            tensors[f"grad.{head}.{n}"] = ("F64", gr)
    tiny_ref.write_safetensors(os.path.join(out, "heads_ref.safetensors"), tensors)
    with open(os.path.join(out, "heads_ref.json"), "w") as f:
        json.dump(dict(targets=TARGETS, losses=losses, torch_version=torch.__version__), f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
