// hf_train.js trains HuggingFace's WordPiece trainer (the npm package
// "tokenizers", Rust core with node bindings) on the word counts in
// testdata/hf/train_words.txt and writes its 2000-token vocabulary to
// testdata/hf/hf_vocab.txt, the reference that TestCompareHF scores ours
// against.
//
// Run from pkg/vocabtrain, with the package installed outside the repository:
//
//	go test -run TestCompareHF -update .   # rewrites train_words.txt
//	mkdir -p /tmp/hfvocab && (cd /tmp/hfvocab && npm install tokenizers@0.23.2)
//	NODE_PATH=/tmp/hfvocab/node_modules node testdata/gen/hf_train.js
//
// The node bindings train with the model's default WordPieceTrainer
// (prefix "##", vocabulary 30000, no special tokens, min frequency 0) and
// take no trainer options. The trainer stops as soon as its vocabulary is
// full, so the first 1995 entries in id order are what it learns with a
// vocabulary of 1995; prepending the 5 special tokens gives what
// BertWordPieceTokenizer.train(vocab_size 2000) learns, as long as the
// 1995th token's merge occurred at least twice (it does here: Train reaches
// 2000 tokens with MinFrequency 2).
//
// HuggingFace numbers the "##c" tokens in hash order, so each run of this
// script may write a slightly different vocabulary; TestReplayHF replays the
// committed one exactly, and TestCompareHF's comment gives the spread.

'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { Tokenizer, WordPiece, whitespaceSplitPreTokenizer } = require('tokenizers');

const size = 2000;
const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const dir = path.join(__dirname, '..', 'hf');

// The trainer reads text files, so write each word as many times as it was
// counted, split back into words by white space.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hfvocab-'));
const corpus = path.join(tmp, 'words.txt');
const out = fs.openSync(corpus, 'w');
for (const line of fs.readFileSync(path.join(dir, 'train_words.txt'), 'utf8').split('\n')) {
  if (line === '') continue;
  const sp = line.lastIndexOf(' ');
  const word = line.slice(0, sp);
  const count = Number(line.slice(sp + 1));
  for (let i = 0; i < count; i += 1000) {
    fs.writeSync(out, (word + ' ').repeat(Math.min(1000, count - i)) + '\n');
  }
}
fs.closeSync(out);

const tokenizer = new Tokenizer(WordPiece.empty());
tokenizer.setPreTokenizer(whitespaceSplitPreTokenizer());
tokenizer.train([corpus]);
fs.rmSync(tmp, { recursive: true });

const learned = Object.entries(tokenizer.getVocab(false))
  .sort((a, b) => a[1] - b[1])
  .map((e) => e[0]);
if (learned.length < size - special.length) {
  throw new Error(`HF learned only ${learned.length} tokens`);
}
const vocab = special.concat(learned.slice(0, size - special.length));
fs.writeFileSync(path.join(dir, 'hf_vocab.txt'), vocab.join('\n') + '\n');
console.log(`wrote ${vocab.length} tokens to ${path.join(dir, 'hf_vocab.txt')}`);
