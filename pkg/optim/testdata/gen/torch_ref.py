#!/usr/bin/env python3
"""Reference numbers for pkg/optim, computed with PyTorch on CPU.

Run from the repository root with Debian's python3-torch:

    python3 pkg/optim/testdata/gen/torch_ref.py > pkg/optim/testdata/torch_ref.json

AdamW is torch.optim.AdamW itself. LAMB is written here with torch tensor
operations following the semantics of NVIDIA apex's FusedLAMB as BERT
pretraining uses it (bias correction, gradients clipped to a global norm of
max_grad_norm before the update, weight decay added to the Adam direction,
per-tensor trust ratio |w|/|u| only for tensors with weight decay, as with
use_nvlamb=False). The schedules are NVIDIA's PolyWarmUpScheduler and
HuggingFace's get_linear_schedule_with_warmup, written out.
"""
import json
import math

import torch

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)

SHAPES = [("w", (4, 3), True), ("b", (3,), False), ("ln", (3,), False)]
STEPS = 6


def make():
    params = [torch.randn(*s) * 0.5 for _, s, _ in SHAPES]
    grads = [[torch.randn(*s) * (3.0 if t == 2 else 0.2) for _, s, _ in SHAPES] for t in range(STEPS)]
    return params, grads


def poly_warmup(base, step, total, warmup, degree):
    progress = step / total
    if progress < warmup:
        return base * progress / warmup
    return base * max(0.0, 1.0 - progress) ** degree


def linear_warmup(base, step, warmup_steps, total):
    if step < warmup_steps:
        return base * step / max(1, warmup_steps)
    return base * max(0.0, (total - step) / max(1, total - warmup_steps))


def flat(ts):
    return [float(x) for t in ts for x in t.reshape(-1).tolist()]


def run_lamb(params, grads):
    b1, b2, eps, wd, max_norm = 0.9, 0.999, 1e-6, 0.01, 1.0
    w = [p.clone() for p in params]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    out = []
    for t in range(1, STEPS + 1):
        lr = poly_warmup(0.01, t - 1, STEPS, 0.34, 0.5)
        g = grads[t - 1]
        gnorm = math.sqrt(sum(float((x * x).sum()) for x in g))
        clip = gnorm / max_norm if gnorm > max_norm else 1.0
        for i, (_, _, decay) in enumerate(SHAPES):
            gi = g[i] / clip
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            u = (m[i] / (1 - b1 ** t)) / ((v[i] / (1 - b2 ** t)).sqrt() + eps)
            d = wd if decay else 0.0
            u = u + d * w[i]
            ratio = 1.0
            if d != 0:
                wn, un = float(w[i].norm()), float(u.norm())
                if wn > 0 and un > 0:
                    ratio = wn / un
            w[i] = w[i] - lr * ratio * u
        out.append({"lr": lr, "grad_norm": gnorm, "params": flat(w)})
    return out


def run_adamw(params, grads):
    w = [p.clone().requires_grad_(True) for p in params]
    groups = [
        {"params": [w[i] for i, (_, _, d) in enumerate(SHAPES) if d], "weight_decay": 0.01},
        {"params": [w[i] for i, (_, _, d) in enumerate(SHAPES) if not d], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.999), eps=1e-6)
    out = []
    for t in range(1, STEPS + 1):
        lr = linear_warmup(1e-3, t - 1, 2, STEPS)
        for gr in opt.param_groups:
            gr["lr"] = lr
        for i in range(len(w)):
            w[i].grad = grads[t - 1][i].clone()
        opt.step()
        out.append({"lr": lr, "params": flat([x.detach() for x in w])})
    return out


def main():
    params, grads = make()
    doc = {
        "torch": torch.__version__,
        "shapes": [[n, list(s), d] for n, s, d in SHAPES],
        "init": flat(params),
        "grads": [flat(g) for g in grads],
        "lamb": run_lamb(params, grads),
        "adamw": run_adamw(params, grads),
        "poly": [poly_warmup(1.0, s, 100, 0.1, 0.5) for s in range(0, 101, 5)],
        "linear": [linear_warmup(1.0, s, 10, 100) for s in range(0, 101, 5)],
    }
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
