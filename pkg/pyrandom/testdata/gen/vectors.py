#!/usr/bin/python3
"""Writes ../vectors.json: reference draws from CPython's random.Random.

Run with CPython 3.11 from any directory:

    /usr/bin/python3 pkg/pyrandom/testdata/gen/vectors.py

Every section for a seed starts from a fresh random.Random(seed), so a
mismatch in one section does not hide the others. Floats are written with
float.hex so they round-trip exactly.
"""

import json
import os
import random
import sys

SEEDS = [0, 1, 12345, -7, 2**31 - 1, 2**32, 2**40 + 3, 9223372036854775807]

# Inclusive ranges for randint; the large ones need getrandbits(k > 32).
RANDINT_RANGES = [
    (0, 0), (0, 1), (1, 6), (2, 128), (0, 30521), (-1000, 1000),
    (0, 2**32 - 1), (0, 2**32), (5, 2**40), (-(2**50), 2**50),
    (0, 2**63 - 2), (-(2**63), 2**63 - 1),
]

# Half-open ranges for randrange.
RANDRANGE_RANGES = [
    (0, 1), (0, 10), (-5, 5), (100, 1000), (0, 2**31), (0, 2**33 + 1),
    (-(2**62), 2**62), (-(2**63), 2**63 - 1),
]

SHUFFLE_LENGTHS = [0, 1, 2, 10, 1000]


def hexes(xs):
    return [float.hex(x) for x in xs]


def interleaved(rng):
    """Draws in the order create_pretraining_data.py makes them.

    The log holds one entry per call: the call's name, its arguments and
    what it returned, so a replayer needs no knowledge of the algorithm.
    """
    log = []

    def shuffle(n):
        x = list(range(n))
        rng.shuffle(x)
        log.append({"op": "shuffle", "n": n, "out": x})

    def rand():
        log.append({"op": "random", "out": float.hex(rng.random())})
        return float.fromhex(log[-1]["out"])

    def randint(a, b):
        r = rng.randint(a, b)
        log.append({"op": "randint", "a": a, "b": b, "out": r})
        return r

    num_docs = 12
    shuffle(num_docs)  # all_documents shuffled once
    max_seq_length = 48
    for _ in range(2):  # dupe_factor
        for doc in range(num_docs):
            doc_len = 3 + doc % 7
            target = max_seq_length - 3
            if rand() < 0.1:  # short_seq_prob
                target = randint(2, max_seq_length - 3)
            i = 0
            while i < doc_len:
                a_end = 1
                if doc_len - i >= 2:
                    a_end = randint(1, doc_len - i - 1)
                if doc_len - i == 1 or rand() < 0.5:
                    other = randint(0, num_docs - 1)
                    randint(0, 3 + other % 7 - 1)  # random_start
                i += a_end + 1
                num_tokens = 8 + (target + i) % 40
                while num_tokens > target:  # truncate_seq_pair
                    rand()
                    num_tokens -= 7
                num_tokens = max(num_tokens, 1)
                shuffle(num_tokens)  # cand_indexes
                for _ in range(min(20, round(num_tokens * 0.15))):
                    if rand() < 0.8:
                        continue
                    if rand() < 0.5:
                        continue
                    randint(0, 30521)  # random vocab word
    return log


def sample_cases(rng):
    out = []
    for n, k in [(0, 0), (5, 5), (10, 3), (26, 6), (100, 10), (1000, 50),
                 (10**6, 20), (2**40, 8), (30, 30), (200, 200)]:
        out.append({"n": n, "k": k, "out": rng.sample(range(n), k)})
    return out


def seed_vectors(seed):
    v = {"seed": seed}
    rng = random.Random(seed)
    v["random"] = hexes(rng.random() for _ in range(2000))

    rng = random.Random(seed)
    v["getrandbits"] = [{"k": k, "out": [rng.getrandbits(k) for _ in range(3)]}
                        for k in list(range(0, 65)) * 2]

    rng = random.Random(seed)
    v["randint"] = [{"a": a, "b": b, "out": [rng.randint(a, b) for _ in range(20)]}
                    for a, b in RANDINT_RANGES]

    rng = random.Random(seed)
    v["randrange"] = [{"start": s, "stop": e,
                       "out": [rng.randrange(s, e) for _ in range(20)]}
                      for s, e in RANDRANGE_RANGES]

    rng = random.Random(seed)
    shuffles = []
    for n in SHUFFLE_LENGTHS:
        x = list(range(n))
        rng.shuffle(x)
        shuffles.append({"n": n, "out": x})
    v["shuffle"] = shuffles

    rng = random.Random(seed)
    v["choice"] = [{"n": n, "out": [rng.choice(range(n)) for _ in range(20)]}
                   for n in [1, 2, 3, 7, 100, 30522, 2**33]]

    rng = random.Random(seed)
    v["sample"] = sample_cases(rng)

    v["interleaved"] = interleaved(random.Random(seed))

    rng = random.Random(seed)
    for _ in range(1001):
        rng.random()
    version, state, _ = rng.getstate()
    assert version == 3
    v["state_after_1001_random"] = list(state)  # 624 words, then the index
    v["random_after_state"] = hexes(rng.random() for _ in range(5))
    return v


def round_cases():
    xs = [0.0, -0.0, 0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, -3.5,
          0.49999999999999994, -0.49999999999999994, 0.5000000000000001,
          2.675, 2.5000000000000004, 7.5 * 0.15, 0.15 * 20, 0.15 * 10,
          0.15 * 30, 0.15 * 50, 0.15 * 70, 1e15 + 0.5, 2.0**52 - 0.5,
          2.0**52 + 1, 2.0**53, -(2.0**53), 4503599627370495.5,
          1e18, -1e18, 9.2e18, -(2.0**63), 123456.5, 123457.5,
          0.1, 0.9, 1.0000000000000002, 0.9999999999999999]
    xs += [n * 0.15 for n in range(0, 513)]  # masked_lm_prob * len(tokens)
    xs += [n * 0.2 for n in range(0, 200)]
    return [{"x": float.hex(x), "out": round(x)} for x in xs]


def dump(data, f):
    """Writes data as JSON with one leaf section per line, to keep diffs readable."""
    f.write("{\n")
    f.write(' "python": %s,\n' % json.dumps(data["python"]))
    f.write(' "round": %s,\n' % json.dumps(data["round"], separators=(",", ":")))
    f.write(' "seeds": [\n')
    for i, v in enumerate(data["seeds"]):
        f.write("  {\n")
        keys = list(v)
        for j, key in enumerate(keys):
            sep = "," if j + 1 < len(keys) else ""
            f.write('   "%s": %s%s\n' % (key, json.dumps(v[key], separators=(",", ":")), sep))
        f.write("  }%s\n" % ("," if i + 1 < len(data["seeds"]) else ""))
    f.write(" ]\n}\n")


def main():
    data = {
        "python": sys.version.split()[0],
        "round": round_cases(),
        "seeds": [seed_vectors(s) for s in SEEDS],
    }
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors.json")
    with open(out, "w") as f:
        dump(data, f)


if __name__ == "__main__":
    main()
