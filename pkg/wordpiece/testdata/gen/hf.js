// hf.js writes the HuggingFace golden files of package wordpiece: the
// tokens and ids that HuggingFace's Rust tokenizer (BertNormalizer with
// clean_text, handle_chinese_chars, strip_accents and lowercase as the
// vocabulary needs, BertPreTokenizer, WordPiece with a 100-character word
// limit, no special tokens added) gives for every input line, and the
// per-code-point behaviour of its normalizer and pre-tokenizer.
//
// Run it from pkg/wordpiece with the npm package "tokenizers" (the Rust core
// behind node bindings; it works offline) installed outside the repository:
//
//	mkdir -p /tmp/hf && (cd /tmp/hf && npm install tokenizers@0.23.2)
//	NODE_PATH=/tmp/hf/node_modules node testdata/gen/hf.js
//	go run testdata/gen/tables.go   # tables.go from testdata/hf_chars.txt.gz
//
// Inputs: testdata/inputs/tricky.txt (one JSON string per line),
// testdata/inputs/multilingual.txt, the prose of ../../data/sample, and
// seeded random lines. Outputs: testdata/hf_uncased.jsonl,
// testdata/hf_cased.jsonl (one {"text","tokens","ids"} object a line) and
// testdata/hf_chars.txt.gz.
"use strict";
const fs = require("fs");
const path = require("path");
const hf = require("tokenizers");

const here = path.join(__dirname, "..", "..");
const sample = path.join(here, "..", "..", "data", "sample");
const vocabDir = path.join(here, "..", "..", "data", "vocab");

// inputs returns every input line, in a fixed order.
function inputs() {
  const lines = [];
  const tricky = fs.readFileSync(path.join(here, "testdata/inputs/tricky.txt"), "utf8");
  for (const l of tricky.split("\n")) {
    if (l.trim() === "" || l.startsWith("#")) continue;
    lines.push(JSON.parse(l));
  }
  // Each listed code point alone, between letters, and after a word.
  const cps = [
    0x00, 0x01, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1f, 0x7f, 0x80, 0x85, 0x9f,
    0xa0, 0xa7, 0xa8, 0xab, 0xad, 0xb4, 0xb5, 0xb7, 0xbf, 0xc5, 0xdf, 0xe9, 0x130, 0x131, 0x149,
    0x17f, 0x1c5, 0x300, 0x301, 0x307, 0x344, 0x345, 0x37e, 0x387, 0x390, 0x3a3, 0x3c2, 0x3d3,
    0x5be, 0x5c3, 0x600, 0x61c, 0x640, 0x6dd, 0x890, 0x8e2, 0x964, 0xe3f, 0xf0b, 0x1680,
    0x1734, 0x180e, 0x1e9e, 0x1fef, 0x1fed, 0x1ffd, 0x2000, 0x2007, 0x200a, 0x200b, 0x200c,
    0x200d, 0x200e, 0x200f, 0x2010, 0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x2022, 0x2026,
    0x2028, 0x2029, 0x202a, 0x202e, 0x202f, 0x2044, 0x205f, 0x2060, 0x2066, 0x20ac, 0x2126,
    0x212a, 0x212b, 0x2160, 0x2329, 0x2e43, 0x2e4f, 0x2e52, 0x3000, 0x3001, 0x3002, 0x300c,
    0x3042, 0x30a2, 0x30fc, 0x3400, 0x4e00, 0x9fff, 0xa7c0, 0xac00, 0xd7a3, 0xe000, 0xf8ff,
    0xf900, 0xfa6e, 0xfb01, 0xfe0f, 0xfeff, 0xff01, 0xff21, 0xff5e, 0xfff9, 0xfffc, 0xfffd,
    0xfffe, 0xffff, 0x10400, 0x104b0, 0x110cd, 0x11938, 0x13430, 0x1d165, 0x1d400, 0x1f1fa,
    0x1f3fb, 0x1f468, 0x1f600, 0x1f970, 0x1fae8, 0x20000, 0x2a6df, 0x2a700, 0x2b740, 0x2b820,
    0x2b920, 0x2ceaf, 0x2f800, 0x2fa1d, 0x30000, 0xe0001, 0xe0041, 0xe0100, 0xf0000, 0x10fffd,
  ];
  for (const cp of cps) {
    const c = String.fromCodePoint(cp);
    lines.push(c, "ab" + c + "cd", "The word" + c + " and " + c + "Zoë.");
  }
  // Words around the 100-character limit, in characters and not bytes.
  for (const n of [99, 100, 101, 150, 199, 200, 201]) {
    lines.push("x " + "a".repeat(n) + " y", "é".repeat(n), "e\u0301".repeat(n), "日" + "ü".repeat(n));
  }
  for (const l of fs.readFileSync(path.join(here, "testdata/inputs/multilingual.txt"), "utf8").split("\n")) {
    if (l !== "") lines.push(l);
  }
  // Seeded random lines mixing ASCII, Latin, Greek, Cyrillic, CJK, marks,
  // spaces, controls, private use and emoji.
  const pools = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    " \t\n\r.,;:!?'\"()[]{}-_/\\@#$%^&*+=<>|~`",
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿÀÉÎÕÜŁłŒœßİıſǅ",
    "ΑΒΓΔΣσςωάέήΐΰ АБВГДЕЁЖабвгдеёжЙй",
    "日本語中文字漢字한국어ひらがなカタカナ가각",
    "\u0300\u0301\u0308\u0327\u0323\u034f\u0489\u05b0\u064b\u093c\u0e31\u20dd\ufe0f",
    "\u00a0\u1680\u2002\u2009\u200a\u202f\u205f\u3000\u2028\u2029\u0085\u000b\u000c",
    "\u0000\u0001\u001f\u007f\u0080\u009f\u00ad\u200b\u200c\u200d\u200e\u2060\ufeff\ufffd",
    "\ue000\uf8ff\u{f0000}\u{10fffd}\u0378\u0890\u08e2\u{1fae8}\u{2b820}\u{2b920}",
    "😀👍🏽👨‍👩‍👧🇺🇸🇩🇪✋❤️🥰",
    "«»„“”‘’‚‹›—–…·•†‡‰′″‼⁇⁈",
    "العربية עברית فارسی اردو",
  ];
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  for (let i = 0; i < 400; i++) {
    const n = 1 + rand(40);
    let s = "";
    for (let j = 0; j < n; j++) {
      const pool = [...pools[rand(pools.length)]];
      s += pool[rand(pool.length)];
    }
    lines.push(s);
  }
  // Real prose: the expected corpus text and the raw books.
  const files = [path.join(sample, "expected", "enwiki-sample.txt")];
  for (const dir of ["expected/books", "books"]) {
    for (const f of fs.readdirSync(path.join(sample, dir)).sort()) files.push(path.join(sample, dir, f));
  }
  for (const f of files) {
    for (const l of fs.readFileSync(f, "utf8").split("\n")) if (l.trim() !== "") lines.push(l);
  }
  return lines;
}

async function tokenizer(vocab, lowercase) {
  const model = await hf.WordPiece.fromFile(vocab, { unkToken: "[UNK]", maxInputCharsPerWord: 100 });
  const tok = new hf.Tokenizer(model);
  tok.setNormalizer(hf.bertNormalizer({ cleanText: true, handleChineseChars: true, lowercase }));
  tok.setPreTokenizer(hf.bertPreTokenizer());
  return tok;
}

async function fixtures(lines, vocab, lowercase, out) {
  const tok = await tokenizer(path.join(vocabDir, vocab), lowercase);
  const rows = [];
  for (const text of lines) {
    const e = await tok.encode(text, null, { addSpecialTokens: false });
    rows.push(JSON.stringify({ text, tokens: e.getTokens(), ids: e.getIds() }));
  }
  fs.writeFileSync(path.join(here, "testdata", out), rows.join("\n") + "\n");
}

// chars writes one line for each run of code points that the normalizer or
// pre-tokenizer does not leave alone as an ordinary word character:
//
//	first[-last] <TAB> class <TAB> uncased
//
// class is "drop" (removed by clean_text), "space", "cjk" (spaced by
// handle_chinese_chars), "punct" (split by the pre-tokenizer) or "word";
// uncased is the uncased normalizer's output for a single code point, as
// space-separated hex, "-" when it is the code point itself and "" when empty.
function chars() {
  const nu = hf.bertNormalizer({ lowercase: true });
  const nc = hf.bertNormalizer({ lowercase: false });
  const pt = hf.bertPreTokenizer();
  const hex = (s) => [...s].map((c) => c.codePointAt(0).toString(16)).join(" ");
  const out = [];
  let run = null;
  const flush = () => {
    if (run) out.push((run.first === run.last ? run.first.toString(16) : run.first.toString(16) + "-" + run.last.toString(16)) + "\t" + run.cls + "\t" + run.u);
    run = null;
  };
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    const c = nc.normalizeString(s);
    let u = nu.normalizeString(s);
    let cls;
    if (c === "") cls = "drop";
    else if (c === " ") cls = "space";
    else if (c === " " + s + " ") {
      cls = "cjk";
      u = u.slice(1, -1);
    } else cls = pt.preTokenizeString("x" + s + "x").length === 3 ? "punct" : "word";
    const uh = u === s ? "-" : hex(u);
    if (cls === "word" && uh === "-") {
      flush();
      continue;
    }
    const identity = uh === "-" || cls === "drop";
    if (run && identity && run.identity && run.cls === cls && run.last === cp - 1) {
      run.last = cp;
      continue;
    }
    flush();
    run = { first: cp, last: cp, cls, u: cls === "drop" ? "" : uh, identity };
  }
  flush();
  const gz = require("zlib").gzipSync(out.join("\n") + "\n", { level: 9 });
  fs.writeFileSync(path.join(here, "testdata", "hf_chars.txt.gz"), gz);
}

(async () => {
  const lines = inputs();
  await fixtures(lines, "bert-base-uncased.txt", true, "hf_uncased.jsonl");
  await fixtures(lines, "bert-base-cased.txt", false, "hf_cased.jsonl");
  chars();
})();
