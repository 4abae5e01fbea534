#!/usr/bin/python3
"""Writes ../metrics.json: GLUE's official metrics on hand-made and random
predictions, computed by the references.

Run from any directory with Debian's python3-sklearn and python3-scipy
(bookworm: scikit-learn 1.2.1, SciPy 1.10.1, NumPy 1.24.2):

    /usr/bin/python3 pkg/glue/testdata/gen/glue_metrics_ref.py

The metrics are those of HuggingFace's glue_compute_metrics: accuracy as
(preds == labels).mean(), scikit-learn's f1_score and matthews_corrcoef,
SciPy's pearsonr and spearmanr, and the means acc_and_f1 and corr. Floats
are written with float.hex ("nan", "inf" and "-inf" included) so they
round-trip exactly; a reference that raises is written as the name of its
exception.
"""

import json
import os
import random
import warnings

import numpy as np
import scipy
import sklearn
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import f1_score, matthews_corrcoef

warnings.simplefilter("ignore")  # constant-input and zero-division warnings


def hexf(v):
    return float(v).hex()


def call(f):
    try:
        return hexf(f())
    except ValueError:
        return "ValueError"


def class_case(name, gold, pred, binary=True):
    g, p = np.array(gold, dtype=np.int64), np.array(pred, dtype=np.int64)
    acc = (p == g).mean()
    out = {"name": name, "gold": gold, "pred": pred,
           "acc": hexf(acc), "mcc": call(lambda: matthews_corrcoef(g, p))}
    if binary:
        f1 = f1_score(y_true=g, y_pred=p)
        out["f1"] = hexf(f1)
        out["acc_and_f1"] = hexf((acc + f1) / 2)
    return out


def score_case(name, pred, gold):
    out = {"name": name, "pred": [hexf(v) for v in pred],
           "gold": [hexf(v) for v in gold]}
    out["pearson"] = call(lambda: pearsonr(pred, gold)[0])
    out["spearmanr"] = call(lambda: spearmanr(pred, gold)[0])
    if "ValueError" not in (out["pearson"], out["spearmanr"]):
        p, s = float.fromhex(out["pearson"]), float.fromhex(out["spearmanr"])
        out["corr"] = hexf((p + s) / 2)
    return out


def main():
    rng = random.Random(20240611)
    classes = [
        class_case("perfect", [0, 1, 1, 0, 1], [0, 1, 1, 0, 1]),
        class_case("inverse", [0, 1, 1, 0], [1, 0, 0, 1]),
        class_case("constant pred 1", [0, 1, 1, 0, 1, 0], [1] * 6),
        class_case("constant pred 0", [0, 1, 1, 0, 1, 0], [0] * 6),
        class_case("constant gold 1", [1] * 5, [1, 0, 1, 1, 0]),
        class_case("all 0", [0] * 4, [0] * 4),
        class_case("all 1", [1] * 4, [1] * 4),
        class_case("one right", [1], [1]),
        class_case("one wrong", [0], [1]),
        class_case("empty", [], []),
        class_case("no true positive", [0, 1, 0, 0], [1, 0, 0, 0]),
        class_case("small", [1, 1, 0, 1, 0, 0, 1, 1, 1, 0], [1, 0, 0, 1, 1, 0, 1, 1, 0, 0]),
    ]
    # CoLA-like: 70% acceptable, a classifier right 80% of the time.
    gold = [int(rng.random() < 0.7) for _ in range(1043)]
    pred = [g if rng.random() < 0.8 else 1 - g for g in gold]
    classes.append(class_case("random 1043", gold, pred))
    # QQP-like: 37% duplicates, predictions biased to 0.
    gold = [int(rng.random() < 0.37) for _ in range(4000)]
    pred = [g if rng.random() < 0.85 else 0 for g in gold]
    classes.append(class_case("random 4000 biased", gold, pred))
    # MNLI-like three classes: accuracy and MCC only.
    gold = [rng.randrange(3) for _ in range(600)]
    pred = [g if rng.random() < 0.6 else rng.randrange(3) for g in gold]
    classes.append(class_case("three classes", gold, pred, binary=False))
    classes.append(class_case("three classes, two predicted", [0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 2, 0, 0, 0], binary=False))
    classes.append(class_case("three classes, constant pred", [0, 1, 2, 2, 1], [2] * 5, binary=False))

    scores = [
        score_case("linear", [0.5, 1.0, 2.0, 3.5, 4.0], [2.0, 3.0, 5.0, 8.0, 9.0]),
        score_case("decreasing", [0.0, 1.0, 2.0, 3.0], [5.0, 4.5, 1.0, 0.0]),
        score_case("ties", [1.0, 2.0, 2.0, 3.0], [1.0, 3.0, 2.0, 2.0]),
        score_case("ties everywhere", [1.0, 1.0, 2.0, 2.0, 2.0, 3.0], [0.0, 1.0, 1.0, 1.0, 4.0, 4.0]),
        score_case("two", [1.0, 3.0], [2.0, 1.0]),
        score_case("two equal gold", [1.0, 3.0], [2.0, 2.0]),
        score_case("one", [1.0], [2.0]),
        score_case("empty", [], []),
        score_case("constant pred", [2.5] * 5, [0.0, 1.0, 2.0, 3.0, 4.0]),
        score_case("nearly constant", [1e8 + 1e-7 * i for i in (0, 3, 1, 2, 5)], [0.0, 1.0, 2.0, 3.0, 4.0]),
        score_case("huge", [1e300, -1e300, 3e299, 5e299], [1.0, 2.0, 3.0, 4.0]),
        score_case("negative", [-3.25, -1.5, 0.75, -0.125, 2.0, -2.0], [0.4, 1.8, 3.2, 2.0, 5.0, 1.6]),
        score_case("nan", [1.0, float("nan"), 3.0], [1.0, 2.0, 3.0]),
        score_case("inf", [1.0, float("inf"), 3.0, 0.0], [1.0, 2.0, 4.0, 3.0]),
        score_case("inf and -inf", [1.0, float("inf"), 3.0, -float("inf")], [1.0, 2.0, 4.0, 3.0]),
        score_case("inf, -inf in gold", [1.0, float("inf"), 3.0, 2.0], [1.0, 2.0, 4.0, -float("inf")]),
    ]
    # STS-B-like: gold in steps of 0.2 (many ties), predictions noisy
    # and, in the second set, rounded so that they tie too.
    gold = [round(rng.randrange(26) * 0.2, 1) for _ in range(1500)]
    pred = [g + rng.gauss(0, 0.9) for g in gold]
    scores.append(score_case("random 1500", pred, gold))
    pred = [round(min(5, max(0, p))) for p in pred]
    scores.append(score_case("random 1500 rounded", [float(p) for p in pred], gold))

    out = {
        "generator": "testdata/gen/glue_metrics_ref.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
        "classes": classes,
        "scores": scores,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "metrics.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
