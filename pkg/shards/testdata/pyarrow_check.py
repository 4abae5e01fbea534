#!/usr/bin/env python3
"""Cross-checks the shard format with pyarrow, independently of the Go code.

    pyarrow_check.py dump SHARD        print SHARD as JSON (the layout of tiny.json),
                                       after checking each batch's bertline.crc32
    pyarrow_check.py write JSON SHARD  write the rows and metadata of JSON as a shard

TestPyarrow in ../golden_test.go runs both when pyarrow is installed.
"""
import json
import struct
import sys
import zlib

import pyarrow as pa
import pyarrow.ipc as ipc

LIST_COLUMNS = ("input_ids", "masked_lm_positions", "masked_lm_ids")
ORDER = ("input_ids", "a_length", "next_sentence_labels", "masked_lm_positions", "masked_lm_ids")


def crc32_of(columns):
    """CRC-32 of a batch as docs/FORMATS.md defines it: per column in schema
    order, little-endian uint32s; a list column gives every row's length,
    then all items."""
    crc = 0

    def put(values):
        nonlocal crc
        values = [v & 0xFFFFFFFF for v in values]
        crc = zlib.crc32(struct.pack("<%dI" % len(values), *values), crc)

    for name, values in columns:
        if name in LIST_COLUMNS:
            put([len(v) for v in values])
            put([x for v in values for x in v])
        else:
            put(values)
    return "%08x" % crc


def dump(path):
    reader = ipc.open_file(path)
    meta = {k.decode(): v.decode() for k, v in (reader.schema.metadata or {}).items()}
    names = reader.schema.names
    rows = []
    for i in range(reader.num_record_batches):
        if hasattr(reader, "get_batch_with_custom_metadata"):
            batch, custom = reader.get_batch_with_custom_metadata(i)
            custom = {k.decode(): v.decode() for k, v in (custom or {}).items()}
            columns = [(n, batch.column(n).to_pylist()) for n in names]
            want = custom.get("bertline.crc32")
            if want != crc32_of(columns):
                sys.exit("batch %d: bertline.crc32 %s, computed %s" % (i, want, crc32_of(columns)))
        else:
            batch = reader.get_batch(i)
        for row in batch.to_pylist():
            rows.append({
                "input_ids": row["input_ids"],
                "a_length": row["a_length"],
                "next_sentence_labels": row["next_sentence_labels"],
                "masked_lm_positions": row.get("masked_lm_positions", []),
                "masked_lm_ids": row.get("masked_lm_ids", []),
            })
    json.dump({"meta": meta, "rows": rows}, sys.stdout, indent=1, sort_keys=True)
    print()


def write(json_path, path):
    with open(json_path) as f:
        doc = json.load(f)
    meta, rows = doc["meta"], doc["rows"]
    ids = pa.uint16() if int(meta["vocab_size"]) <= 65536 else pa.int32()
    pos = pa.int16() if int(meta["max_seq_len"]) <= 32767 else pa.int32()

    def list_of(t):
        return pa.list_(pa.field("item", t, nullable=False))

    fields = [
        pa.field("input_ids", list_of(ids), nullable=False),
        pa.field("a_length", pos, nullable=False),
        pa.field("next_sentence_labels", pa.int8(), nullable=False),
    ]
    if meta["masking"] == "static":
        fields += [
            pa.field("masked_lm_positions", list_of(pos), nullable=False),
            pa.field("masked_lm_ids", list_of(ids), nullable=False),
        ]
    schema = pa.schema(fields, metadata=meta)
    batch_rows = int(meta["batch_rows"])
    options = ipc.IpcWriteOptions(compression="zstd")
    with ipc.new_file(path, schema, options=options) as writer:
        for start in range(0, len(rows), batch_rows):
            chunk = rows[start:start + batch_rows]
            columns = [(f.name, [r[f.name] for r in chunk]) for f in fields]
            arrays = [pa.array(values, type=f.type) for f, (_, values) in zip(fields, columns)]
            batch = pa.record_batch(arrays, schema=schema)
            writer.write_batch(batch, custom_metadata={"bertline.crc32": crc32_of(columns)})


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "dump":
        dump(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
