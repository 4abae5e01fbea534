"""squad_metrics_ref.py writes testdata/metrics/golden.json, the expected
SQuAD metrics for the tests of metrics.go.

It implements, from their published description, the metrics of the
official SQuAD evaluation scripts (evaluate-v1.1.py and evaluate-v2.0.py):

  normalization   lower case (str.lower), drop the characters of
                  string.punctuation, replace the whole words a/an/the
                  (regular-expression word boundaries) by a space, collapse
                  white space (str.split)
  exact           normalized strings equal
  F1              over the normalized words, multiset intersection;
                  1.1: 0 when nothing is shared; 2.0: when either side has
                  no words, 1 if both have none, else 0
  per question    best over the gold answers; 2.0 first drops gold answers
                  that normalize to nothing, and a question left without
                  any has the single gold answer ""
  1.1 totals      percentages over all questions, 0 for a missing one
  2.0 totals      a question whose null odds exceed the threshold counts as
                  answered "" (1 without gold answers, 0 with); exact, f1
                  and total overall, for the questions with gold answers
                  (HasAns_) and without (NoAns_); with null odds, the best
                  exact and F1 over all thresholds: sweep the questions in
                  increasing order of odds (stable), starting from the
                  count of unanswerable questions, adding a question's raw
                  score if it has gold answers and subtracting 1 if it has
                  none but a non-empty prediction, and keep the first odds
                  value where the running total is highest (0.0 if never
                  above the start)

Inputs, all under testdata/metrics: pairs.json ([gold, prediction] pairs),
v1_data.json with v1_pred.json, v2_data.json with v2_pred.json and
v2_odds.json. Run from pkg/squad with any Python 3:

    python3 testdata/gen/squad_metrics_ref.py
"""
import json
import re
import string
from collections import Counter

DIR = "testdata/metrics/"
PUNCT = frozenset(string.punctuation)
ARTICLE = re.compile(r"\b(?:a|an|the)\b")


def normalize(text):
    text = text.lower()
    text = "".join(c for c in text if c not in PUNCT)
    text = ARTICLE.sub(" ", text)
    return " ".join(text.split())


def words(text):
    return normalize(text).split()


def exact(gold, pred):
    return 1 if normalize(gold) == normalize(pred) else 0


def overlap_f1(gold_words, pred_words):
    shared = sum((Counter(gold_words) & Counter(pred_words)).values())
    if shared == 0:
        return 0
    p = 1.0 * shared / len(pred_words)
    r = 1.0 * shared / len(gold_words)
    return (2 * p * r) / (p + r)


def f1_v1(gold, pred):
    return overlap_f1(words(gold), words(pred))


def f1_v2(gold, pred):
    g, p = words(gold), words(pred)
    if not g or not p:
        return 1 if g == p else 0
    return overlap_f1(g, p)


def questions(path):
    with open(DIR + path, encoding="utf-8") as f:
        data = json.load(f)["data"]
    return [qa for article in data for para in article["paragraphs"] for qa in para["qas"]]


def load(path):
    with open(DIR + path, encoding="utf-8") as f:
        return json.load(f)


def eval_v1(qas, preds):
    em = f1 = 0
    scores = {}
    for qa in qas:
        if qa["id"] not in preds:
            continue
        golds = [a["text"] for a in qa["answers"]]
        pred = preds[qa["id"]]
        e = max(exact(g, pred) for g in golds)
        f = max(f1_v1(g, pred) for g in golds)
        scores[qa["id"]] = {"exact": e, "f1": f}
        em += e
        f1 += f
    return {"exact_match": 100.0 * em / len(qas), "f1": 100.0 * f1 / len(qas)}, scores


def eval_v2(qas, preds, odds, thresh):
    has_ans = {qa["id"]: len(qa["answers"]) > 0 for qa in qas}
    raw = {}
    for qa in qas:
        golds = [a["text"] for a in qa["answers"] if normalize(a["text"])] or [""]
        pred = preds[qa["id"]]
        raw[qa["id"]] = (max(exact(g, pred) for g in golds), max(f1_v2(g, pred) for g in golds))
    na = odds if odds is not None else {k: 0.0 for k in preds}
    after = {}
    for qid, (e, f) in raw.items():
        if na[qid] > thresh:
            v = float(not has_ans[qid])
            after[qid] = (v, v)
        else:
            after[qid] = (e, f)

    def block(ids):
        return {"exact": 100.0 * sum(after[k][0] for k in ids) / len(ids),
                "f1": 100.0 * sum(after[k][1] for k in ids) / len(ids),
                "total": len(ids)}

    out = block(list(after))
    for prefix, ids in (("HasAns_", [k for k in has_ans if has_ans[k]]),
                        ("NoAns_", [k for k in has_ans if not has_ans[k]])):
        if ids:
            for k, v in block(ids).items():
                out[prefix + k] = v
    if odds is not None:
        for name, which in (("exact", 0), ("f1", 1)):
            running = sum(1 for k in has_ans if not has_ans[k])
            best, best_at = running, 0.0
            for qid in sorted(odds, key=lambda k: odds[k]):
                if qid not in raw:
                    continue
                if has_ans[qid]:
                    running += raw[qid][which]
                elif preds[qid]:
                    running -= 1
                if running > best:
                    best, best_at = running, odds[qid]
            out["best_" + name] = 100.0 * best / len(raw)
            out["best_" + name + "_thresh"] = best_at
    scores = {k: {"exact": e, "f1": f} for k, (e, f) in raw.items()}
    return out, scores


def main():
    pairs = load("pairs.json")
    golden = {"pairs": [{"gold": g, "pred": p, "norm_gold": normalize(g), "norm_pred": normalize(p),
                         "exact": exact(g, p), "f1_v1": f1_v1(g, p), "f1_v2": f1_v2(g, p)}
                        for g, p in pairs]}
    result, scores = eval_v1(questions("v1_data.json"), load("v1_pred.json"))
    golden["v1"] = {"result": result, "scores": scores}
    qas, preds, odds = questions("v2_data.json"), load("v2_pred.json"), load("v2_odds.json")
    golden["v2"] = []
    for use_odds, thresh in ((True, 0.0), (True, -1.0), (True, 1.5), (False, 0.0), (False, -0.5)):
        result, scores = eval_v2(qas, preds, odds if use_odds else None, thresh)
        golden["v2"].append({"odds": use_odds, "thresh": thresh, "result": result, "scores": scores})
    with open(DIR + "golden.json", "w", encoding="utf-8") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
