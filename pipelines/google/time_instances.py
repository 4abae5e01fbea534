#!/usr/bin/python3
"""Times Google's create_pretraining_data.py on one text file.

Runs the reference's create_training_instances (tokenizing with its
FullTokenizer, then every dupe-factor pass of instance creation and masking)
once, and prints one JSON line: input bytes, instances, CPU seconds and MB/s
of input per CPU second. Writing TFRecords is left out (it needs
TensorFlow), which flatters the reference a little.

The reference is not part of this repository: pass the path of
google-research/bert's create_pretraining_data.py with its tokenization.py
beside it. TensorFlow is not needed: the reference is loaded as the
golden-file generator pkg/instances/testdata/gen/google.py loads it, with the
few names it takes from TensorFlow stubbed.

    time_instances.py REF.py VOCAB TEXT [--dupe-factor 5] [--seq-len 128]
        [--max-pred 20] [--seed 12345]
"""

import argparse
import importlib.util
import json
import os
import random
import time


def load_reference(script):
  """Imports the reference with the TensorFlow stub of the golden-file
  generator, pkg/instances/testdata/gen/google.py."""
  root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
  gen = os.path.join(root, "pkg", "instances", "testdata", "gen", "google.py")
  spec = importlib.util.spec_from_file_location("google_gen", gen)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module.load_reference(script)


def main():
  ap = argparse.ArgumentParser()
  ap.add_argument("reference")
  ap.add_argument("vocab")
  ap.add_argument("text")
  ap.add_argument("--dupe-factor", type=int, default=5)
  ap.add_argument("--seq-len", type=int, default=128)
  ap.add_argument("--max-pred", type=int, default=20)
  ap.add_argument("--seed", type=int, default=12345)
  a = ap.parse_args()
  cpd = load_reference(a.reference)
  cpd.FLAGS.do_whole_word_mask = False
  start = time.process_time()
  tokenizer = cpd.tokenization.FullTokenizer(a.vocab, do_lower_case=True)
  instances = cpd.create_training_instances(
      [a.text], tokenizer, a.seq_len, a.dupe_factor, 0.1, 0.15, a.max_pred,
      random.Random(a.seed))
  cpu = time.process_time() - start
  size = os.path.getsize(a.text)
  print(json.dumps({"bytes": size, "instances": len(instances),
                    "cpu_s": round(cpu, 3),
                    "mb_per_cpu_s": round(size / 1e6 / cpu, 4)}))


if __name__ == "__main__":
  main()
