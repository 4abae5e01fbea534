#!/usr/bin/python3
"""Writes the golden files that pin pkg/instances to Google's algorithm.

The reference is google-research/bert's create_pretraining_data.py (the
version with --do_whole_word_mask) and the tokenization.py beside it. Neither
is part of this repository: pass the path of the reference script, and keep
tokenization.py in the same directory. TensorFlow is not needed; a stub that
maps tf.gfile.GFile to open() and tf.flags to a plain attribute holder is
written to a temporary directory and put first on sys.path.

Run from pkg/instances (Python 3.11, no third-party modules besides six):

    /usr/bin/python3 testdata/gen/google.py /tmp/bertref/create_pretraining_data.py \
        ../../data/vocab/bert-base-uncased.txt \
        ../../data/sample/expected/enwiki-sample.txt \
        ../../data/sample/expected/books/*.txt

The texts are read in the order given, with a file of two blank lines
between each two: the texts do not end in a blank line, so without it the
last document of one and the first of the next would run together; the
second blank line leaves an empty document, which create_training_instances
must drop. The reference script used was google-research/bert's master
create_pretraining_data.py with a tokenization.py of the same repository;
only the tokenized input depends on the latter. The configurations without
whole-word masking give the same bytes with the script as it was before
--do_whole_word_mask was added (commit d452612).

It writes, under testdata/google/:

  docs.tokens.jsonl.gz  the documents as create_training_instances builds them
                        from the text (FullTokenizer, uncased), before empty
                        documents are dropped and before the shuffle: one JSON
                        line per document, a list of sentences, each a list of
                        WordPiece strings
  docs.ids.jsonl.gz     the same with vocabulary ids
  <config>.jsonl.gz     the instances of create_training_instances, in order,
                        one JSON line each: tokens and masked_lm_labels as ids,
                        segment_ids, is_random_next, masked_lm_positions
  configs.json          the configurations, with instance counts

gzip headers carry no name and mtime 0, so reruns give identical bytes.
"""

import gzip
import importlib.util
import io
import json
import os
import random
import sys
import tempfile

TF_STUB = '''
"""Just enough of TensorFlow 1.x for create_pretraining_data.py."""
import types


class _Flags(object):
  pass


FLAGS = _Flags()


def _define(name, default, help_text):
  setattr(FLAGS, name, default)


flags = types.SimpleNamespace(
    FLAGS=FLAGS, DEFINE_string=_define, DEFINE_bool=_define,
    DEFINE_integer=_define, DEFINE_float=_define,
    mark_flag_as_required=lambda name: None)
gfile = types.SimpleNamespace(GFile=open)
logging = types.SimpleNamespace(
    info=lambda *a, **k: None, set_verbosity=lambda *a: None, INFO=0)
'''

# name, max_seq_length, max_predictions_per_seq, dupe_factor, seed,
# short_seq_prob, whole word masking
CONFIGS = [
    ("seq128-pred20-dupe1-seed12345", 128, 20, 1, 12345, 0.1, False),
    ("seq128-pred20-dupe3-seed12345", 128, 20, 3, 12345, 0.1, False),
    ("seq128-pred20-dupe1-seed1", 128, 20, 1, 1, 0.1, False),
    ("seq512-pred80-dupe1-seed12345", 512, 80, 1, 12345, 0.1, False),
    ("seq64-pred10-dupe3-seed1-short0.3", 64, 10, 3, 1, 0.3, False),
    ("seq128-pred20-dupe1-seed12345-wwm", 128, 20, 1, 12345, 0.1, True),
    ("seq512-pred80-dupe3-seed1-wwm", 512, 80, 3, 1, 0.1, True),
]
MASKED_LM_PROB = 0.15


def load_reference(script):
  stub_dir = tempfile.mkdtemp(prefix="tfstub")
  os.makedirs(os.path.join(stub_dir, "tensorflow"))
  with open(os.path.join(stub_dir, "tensorflow", "__init__.py"), "w") as f:
    f.write(TF_STUB)
  sys.path.insert(0, stub_dir)
  sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
  spec = importlib.util.spec_from_file_location("cpd", script)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)
  return module


def read_documents(cpd, tokenizer, input_files):
  """Mirrors the reading loop of create_training_instances, keeping empties."""
  docs = [[]]
  for input_file in input_files:
    with open(input_file, "r") as reader:
      while True:
        line = cpd.tokenization.convert_to_unicode(reader.readline())
        if not line:
          break
        line = line.strip()
        if not line:
          docs.append([])
        tokens = tokenizer.tokenize(line)
        if tokens:
          docs[-1].append(tokens)
  return docs


def write_gz(path, lines):
  raw = io.BytesIO()
  with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
    for line in lines:
      gz.write(line.encode("utf-8") + b"\n")
  with open(path, "wb") as f:
    f.write(raw.getvalue())


def dumps(value):
  return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def main(argv):
  if len(argv) < 4:
    sys.exit("usage: google.py create_pretraining_data.py vocab.txt text...")
  script, vocab_file, texts = argv[1], argv[2], argv[3:]
  cpd = load_reference(script)
  # Two blank lines between texts end a text's last document and leave an
  # empty one, which create_training_instances must drop.
  blank = os.path.join(tempfile.mkdtemp(prefix="blank"), "blank.txt")
  with open(blank, "w") as f:
    f.write("\n\n")
  input_files = [texts[0]]
  for text in texts[1:]:
    input_files += [blank, text]
  tokenizer = cpd.tokenization.FullTokenizer(vocab_file, do_lower_case=True)
  out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                     "google")
  os.makedirs(out, exist_ok=True)

  docs = read_documents(cpd, tokenizer, input_files)
  write_gz(os.path.join(out, "docs.tokens.jsonl.gz"),
           [dumps(d) for d in docs])
  write_gz(os.path.join(out, "docs.ids.jsonl.gz"),
           [dumps([tokenizer.convert_tokens_to_ids(s) for s in d])
            for d in docs])

  summary = []
  for name, seq, pred, dupe, seed, short, wwm in CONFIGS:
    cpd.FLAGS.do_whole_word_mask = wwm
    rng = random.Random(seed)
    instances = cpd.create_training_instances(
        input_files, tokenizer, seq, dupe, short, MASKED_LM_PROB, pred, rng)
    lines = []
    for inst in instances:
      lines.append(dumps({
          "tokens": tokenizer.convert_tokens_to_ids(inst.tokens),
          "segment_ids": inst.segment_ids,
          "is_random_next": inst.is_random_next,
          "masked_lm_positions": inst.masked_lm_positions,
          "masked_lm_labels": tokenizer.convert_tokens_to_ids(
              inst.masked_lm_labels),
      }))
    write_gz(os.path.join(out, name + ".jsonl.gz"), lines)
    summary.append({
        "name": name, "max_seq_length": seq, "max_predictions_per_seq": pred,
        "dupe_factor": dupe, "random_seed": seed, "short_seq_prob": short,
        "masked_lm_prob": MASKED_LM_PROB, "do_whole_word_mask": wwm,
        "instances": len(instances)})
    print("%s: %d instances" % (name, len(instances)))
  with open(os.path.join(out, "configs.json"), "w") as f:
    json.dump(summary, f, indent=1)
    f.write("\n")


if __name__ == "__main__":
  main(sys.argv)
