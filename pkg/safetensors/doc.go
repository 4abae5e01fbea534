// Package safetensors reads and writes the safetensors tensor format, the
// format of HuggingFace model.safetensors checkpoints.
//
// A file is an 8-byte little-endian length N, N bytes of JSON header, then a
// byte buffer holding every tensor, little-endian and row-major. Two F32
// tensors "a" (shape [2], values 1 and -2) and "b" (a scalar 0.5) with
// metadata {"format": "pt"} are stored as
//
//	90 00 00 00 00 00 00 00                                   N = 144
//	{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}
//	(138 bytes of JSON, then 6 spaces to reach a multiple of 8)
//	00 00 80 3f  00 00 00 c0                                  a = [1, -2]
//	00 00 00 3f                                               b = 0.5
//
// data_offsets are relative to the start of the byte buffer. Open enforces
// the rules of the reference implementation (huggingface/safetensors): the
// header is at most 100,000,000 bytes of UTF-8 JSON object with no duplicate
// keys; every dtype is known; each tensor's byte size is the product of its
// shape times the dtype size; sorted by offset, the tensors tile the buffer
// with no hole or overlap; and the buffer ends exactly at the end of the
// file. Any violation is an error wrapping ErrFormat and naming the file.
//
// Write produces what the reference Python library produces for the same
// tensors: tensors ordered by descending dtype alignment then by name (for an
// all-F32 checkpoint, simply by name), compact JSON with "__metadata__"
// first, and the header padded with spaces to 8 bytes so that the buffer is
// aligned.
//
// # Compatibility with transformers
//
// transformers loads model.safetensors with safe_open(path, framework="pt")
// and refuses a file whose "__metadata__" lacks "format" set to one of
// "pt", "tf", "flax" or "mlx" (older releases fail outright when
// "__metadata__" is absent), so checkpoints meant for transformers should be
// written with metadata {"format": "pt"}. Tensor names follow the PyTorch
// BertForPreTraining module tree ("bert.embeddings.word_embeddings.weight",
// "bert.encoder.layer.0.attention.self.query.weight", "cls.predictions.bias",
// ...). nn.Linear weights are stored [out, in], the transpose of the TF
// checkpoint's kernel [in, out]. The reference writer refuses tensors that
// share memory, and transformers omits tied weights when saving (the MLM
// decoder "cls.predictions.decoder.weight" is the word embedding matrix and
// is re-tied on load), so a writer for transformers should leave it out.
// Older converted checkpoints name LayerNorm parameters "gamma" and "beta"
// instead of "weight" and "bias"; transformers renames them on load, and a
// reader here must do the same if it wants such files.
package safetensors
