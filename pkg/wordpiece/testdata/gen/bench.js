// bench.js times HuggingFace's Rust tokenizer (node bindings) on the text
// that BenchmarkTokenize uses: the sample corpus's expected English prose,
// one line a sequence, uncased vocabulary, single-threaded. It prints input
// MB/s by wall clock and by process CPU time, for encodeBatch (all lines in
// one call) and for encode (one call a line).
//
// Run it from pkg/wordpiece, beside the Go benchmark:
//
//	RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false NODE_PATH=/tmp/hf/node_modules \
//	  node testdata/gen/bench.js
//	go test -run '^$' -bench 'Tokenize/uncased$' ./pkg/wordpiece
"use strict";
const fs = require("fs");
const path = require("path");
const hf = require("tokenizers");

const root = path.join(__dirname, "..", "..", "..", "..");
const expected = path.join(root, "data", "sample", "expected");

function prose() {
  const files = [path.join(expected, "enwiki-sample.txt")];
  for (const f of fs.readdirSync(path.join(expected, "books")).sort()) files.push(path.join(expected, "books", f));
  const lines = [];
  for (const f of files) for (const l of fs.readFileSync(f, "utf8").split("\n")) if (l !== "") lines.push(l);
  return lines;
}

async function main() {
  const model = await hf.WordPiece.fromFile(path.join(root, "data", "vocab", "bert-base-uncased.txt"), { unkToken: "[UNK]" });
  const tok = new hf.Tokenizer(model);
  tok.setNormalizer(hf.bertNormalizer({ lowercase: true }));
  tok.setPreTokenizer(hf.bertPreTokenizer());
  const lines = prose();
  const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l), 0);
  const opts = { addSpecialTokens: false };
  const rounds = Number(process.env.ROUNDS || 5);
  const measure = async (name, once) => {
    await once(); // warm up
    let best = Infinity, bestCPU = Infinity;
    for (let r = 0; r < rounds; r++) {
      const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
      await once();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(c0);
      best = Math.min(best, wall);
      bestCPU = Math.min(bestCPU, (c.user + c.system) / 1e6);
    }
    console.log(`${name}\t${(bytes / 1e6 / best).toFixed(2)} MB/s wall\t${(bytes / 1e6 / bestCPU).toFixed(2)} MB/s cpu`);
  };
  console.log(`${lines.length} lines, ${bytes} bytes`);
  await measure("encodeBatch", () => tok.encodeBatch(lines, opts));
  await measure("encode", async () => {
    for (const l of lines) await tok.encode(l, null, opts);
  });
}

main();
