// Reads a bertline shard with Apache Arrow's JavaScript implementation,
// independently of the Go code, and prints it as JSON in the layout of
// ../tiny.json (schema metadata and every row), after checking each record
// batch's bertline.crc32 when the library exposes batch metadata.
//
//   npm ci && node check.mjs ../tiny.arrow
//
// TestArrowJS in ../../golden_test.go runs it when node and these modules
// are installed.
import { readFileSync } from 'node:fs';
import { RecordBatchReader, compressionRegistry, CompressionType } from 'apache-arrow';
import { decompress } from 'fzstd';

compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => decompress(data) });

const LIST_COLUMNS = new Set(['input_ids', 'masked_lm_positions', 'masked_lm_ids']);

// crc32 is zlib's CRC-32 (IEEE) of little-endian uint32 values, continued from crc.
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function put(crc, values) {
  crc = ~crc >>> 0;
  for (const v of values) {
    for (let b = 0; b < 4; b++) crc = TABLE[(crc ^ ((v >>> (8 * b)) & 0xff)) & 0xff] ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}

const reader = RecordBatchReader.from(readFileSync(process.argv[2]));
const rows = [];
let meta = {};
let index = 0;
for (const batch of reader) {
  meta = Object.fromEntries(batch.schema.metadata);
  const names = batch.schema.fields.map((f) => f.name);
  const columns = names.map((n) => {
    const col = batch.getChild(n);
    const values = [];
    for (let i = 0; i < batch.numRows; i++) {
      const v = col.get(i);
      values.push(LIST_COLUMNS.has(n) ? Array.from(v.toArray(), Number) : Number(v));
    }
    return [n, values];
  });
  const custom = batch.metadata;
  if (custom && custom.has('bertline.crc32')) {
    let crc = 0;
    for (const [n, values] of columns) {
      if (LIST_COLUMNS.has(n)) {
        crc = put(crc, values.map((v) => v.length));
        crc = put(crc, values.flat());
      } else {
        crc = put(crc, values);
      }
    }
    const got = crc.toString(16).padStart(8, '0');
    if (got !== custom.get('bertline.crc32')) {
      console.error(`batch ${index}: bertline.crc32 ${custom.get('bertline.crc32')}, computed ${got}`);
      process.exit(1);
    }
  }
  const col = Object.fromEntries(columns);
  for (let i = 0; i < batch.numRows; i++) {
    rows.push({
      a_length: col.a_length[i],
      input_ids: col.input_ids[i],
      masked_lm_ids: col.masked_lm_ids ? col.masked_lm_ids[i] : [],
      masked_lm_positions: col.masked_lm_positions ? col.masked_lm_positions[i] : [],
      next_sentence_labels: col.next_sentence_labels[i],
    });
  }
  index++;
}
const sorted = Object.fromEntries(Object.keys(meta).sort().map((k) => [k, meta[k]]));
console.log(JSON.stringify({ meta: sorted, rows }, null, 1));
