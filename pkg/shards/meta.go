package shards

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// FormatVersion is the shard layout this package writes and reads, stored
// under the schema metadata key "bertline.format_version".
const FormatVersion = 1

// Masking modes.
const (
	MaskingStatic  = "static"  // masked once when the shard is made; masked_lm columns present
	MaskingDynamic = "dynamic" // masked by the trainer each epoch; masked_lm columns absent
)

// Compat modes: whether instances follow google-research/bert's
// create_pretraining_data.py exactly (same RNG stream, same output for the
// same seed) or bertline's own variant.
const (
	CompatGoogle   = "google"
	CompatBertline = "bertline"
)

var (
	// ErrNotShard means the file is not a shard: not an Arrow IPC file, or an
	// Arrow file without bertline's metadata.
	ErrNotShard = errors.New("shards: not a shard file")
	// ErrCorrupt means the file claims to be a shard but is truncated,
	// damaged or inconsistent with its own metadata.
	ErrCorrupt = errors.New("shards: corrupt shard")
	// ErrVersion means the shard was written in a format version this
	// package does not read.
	ErrVersion = errors.New("shards: unsupported shard format version")
	// ErrVocabMismatch means a shard was tokenized with another vocabulary
	// than the one the caller uses.
	ErrVocabMismatch = errors.New("shards: vocabulary mismatch")
	// ErrSeqLenMismatch means a shard was cut for another max_seq_len than
	// the one the caller uses.
	ErrSeqLenMismatch = errors.New("shards: max_seq_len mismatch")
)

// Meta describes every instance of a shard. It is stored as the string
// key/value metadata of the Arrow schema (keys in parentheses).
type Meta struct {
	VocabSHA256    string            // (vocab_sha256) hex SHA-256 of vocab.txt, 64 lowercase digits
	VocabSize      int               // (vocab_size) tokens in the vocabulary; ≤ 65,536 stores ids as uint16
	MaxSeqLen      int               // (max_seq_len) longest input_ids, [CLS] and [SEP]s included
	MaxPredictions int               // (max_predictions) most masked positions per instance
	Masking        string            // (masking) MaskingStatic or MaskingDynamic
	Seed           int64             // (seed) the RNG seed the instances were made with
	Compat         string            // (compat) CompatGoogle or CompatBertline
	WholeWordMask  bool              // (whole_word_mask) masking chose whole words
	ToolVersion    string            // (tool_version) the writing build; empty means version.String()
	ShardIndex     int               // (shard_index) this shard's index in [0, NumShards)
	NumShards      int               // (num_shards) shards in the set, at least 1
	Extra          map[string]string // any further keys, stored as given; nil when none
}

// Schema metadata keys.
const (
	keyFormatVersion  = "bertline.format_version"
	keyVocabSHA256    = "vocab_sha256"
	keyVocabSize      = "vocab_size"
	keyMaxSeqLen      = "max_seq_len"
	keyMaxPredictions = "max_predictions"
	keyMasking        = "masking"
	keySeed           = "seed"
	keyCompat         = "compat"
	keyToolVersion    = "tool_version"
	keyWholeWordMask  = "whole_word_mask"
	keyShardIndex     = "shard_index"
	keyNumShards      = "num_shards"
	keyBatchRows      = "batch_rows"

	// keyCRC is the record batch custom metadata key holding the batch's
	// checksum (see checksum).
	keyCRC = "bertline.crc32"
)

var reservedKeys = []string{
	keyFormatVersion, keyVocabSHA256, keyVocabSize, keyMaxSeqLen, keyMaxPredictions,
	keyMasking, keySeed, keyCompat, keyToolVersion, keyWholeWordMask, keyShardIndex,
	keyNumShards, keyBatchRows,
}

// Limits that keep every list offset inside int32 and every decoded batch
// a reasonable size.
const (
	maxSeqLenLimit  = 1 << 20
	maxBatchRows    = 1 << 20
	maxBatchTokens  = math.MaxInt32
	narrowSeqLen    = math.MaxInt16 // a_length and positions are int16 up to this max_seq_len
	narrowVocabSize = 1 << 16       // ids are uint16 up to this vocab_size
)

// CheckMeta reports whether a shard fits a consumer that tokenized with the
// vocabulary whose SHA-256 is vocabSHA and pads to maxSeqLen. The error
// wraps ErrVocabMismatch or ErrSeqLenMismatch and names both values.
func CheckMeta(meta Meta, vocabSHA string, maxSeqLen int) error {
	if !strings.EqualFold(meta.VocabSHA256, vocabSHA) {
		return fmt.Errorf("%w: shard vocab_sha256 %s, want %s", ErrVocabMismatch, meta.VocabSHA256, vocabSHA)
	}
	if meta.MaxSeqLen != maxSeqLen {
		return fmt.Errorf("%w: shard max_seq_len %d, want %d", ErrSeqLenMismatch, meta.MaxSeqLen, maxSeqLen)
	}
	return nil
}

// validate checks the fields that decide the schema and the limits on
// instances. It returns a message without sentinel, for the caller to wrap.
func (m *Meta) validate(batchRows int) error {
	switch {
	case !isSHA256(m.VocabSHA256):
		return fmt.Errorf("vocab_sha256 %q is not 64 lowercase hex digits", m.VocabSHA256)
	case m.VocabSize < 1 || m.VocabSize > math.MaxInt32:
		return fmt.Errorf("vocab_size %d out of range [1, %d]", m.VocabSize, math.MaxInt32)
	case m.MaxSeqLen < 1 || m.MaxSeqLen > maxSeqLenLimit:
		return fmt.Errorf("max_seq_len %d out of range [1, %d]", m.MaxSeqLen, maxSeqLenLimit)
	case m.MaxPredictions < 0 || m.MaxPredictions > m.MaxSeqLen:
		return fmt.Errorf("max_predictions %d out of range [0, max_seq_len %d]", m.MaxPredictions, m.MaxSeqLen)
	case m.Masking != MaskingStatic && m.Masking != MaskingDynamic:
		return fmt.Errorf("masking %q is neither %q nor %q", m.Masking, MaskingStatic, MaskingDynamic)
	case m.Compat != CompatGoogle && m.Compat != CompatBertline:
		return fmt.Errorf("compat %q is neither %q nor %q", m.Compat, CompatGoogle, CompatBertline)
	case m.NumShards < 1:
		return fmt.Errorf("num_shards %d < 1", m.NumShards)
	case m.ShardIndex < 0 || m.ShardIndex >= m.NumShards:
		return fmt.Errorf("shard_index %d out of range [0, num_shards %d)", m.ShardIndex, m.NumShards)
	case batchRows < 1 || batchRows > maxBatchRows:
		return fmt.Errorf("batch_rows %d out of range [1, %d]", batchRows, maxBatchRows)
	case int64(batchRows)*int64(m.MaxSeqLen) > maxBatchTokens:
		return fmt.Errorf("batch_rows %d × max_seq_len %d exceeds %d tokens per batch", batchRows, m.MaxSeqLen, maxBatchTokens)
	}
	for k := range m.Extra {
		if k == "" || slices.Contains(reservedKeys, k) || strings.HasPrefix(k, "bertline.") {
			return fmt.Errorf("extra metadata key %q is reserved", k)
		}
	}
	return nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// metadata encodes m (already validated) with keys in sorted order, so that
// equal metadata gives equal bytes.
func (m *Meta) metadata(batchRows int) arrow.Metadata {
	kv := map[string]string{
		keyFormatVersion:  strconv.Itoa(FormatVersion),
		keyVocabSHA256:    m.VocabSHA256,
		keyVocabSize:      strconv.Itoa(m.VocabSize),
		keyMaxSeqLen:      strconv.Itoa(m.MaxSeqLen),
		keyMaxPredictions: strconv.Itoa(m.MaxPredictions),
		keyMasking:        m.Masking,
		keySeed:           strconv.FormatInt(m.Seed, 10),
		keyCompat:         m.Compat,
		keyToolVersion:    m.ToolVersion,
		keyWholeWordMask:  strconv.FormatBool(m.WholeWordMask),
		keyShardIndex:     strconv.Itoa(m.ShardIndex),
		keyNumShards:      strconv.Itoa(m.NumShards),
		keyBatchRows:      strconv.Itoa(batchRows),
	}
	maps.Copy(kv, m.Extra)
	keys := slices.Sorted(maps.Keys(kv))
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = kv[k]
	}
	return arrow.NewMetadata(keys, vals)
}

// parseMeta decodes schema metadata. It returns ErrNotShard when the format
// key is missing, ErrVersion for another version and ErrCorrupt for a
// missing or malformed value.
func parseMeta(md arrow.Metadata) (Meta, int, error) {
	var m Meta
	ver, ok := lookup(md, keyFormatVersion)
	if !ok {
		return m, 0, fmt.Errorf("%w: no %s in schema metadata", ErrNotShard, keyFormatVersion)
	}
	if ver != strconv.Itoa(FormatVersion) {
		return m, 0, fmt.Errorf("%w: %q, want %d", ErrVersion, ver, FormatVersion)
	}
	p := metaParser{md: md}
	m.VocabSHA256 = p.str(keyVocabSHA256)
	m.VocabSize = p.int(keyVocabSize)
	m.MaxSeqLen = p.int(keyMaxSeqLen)
	m.MaxPredictions = p.int(keyMaxPredictions)
	m.Masking = p.str(keyMasking)
	m.Seed = p.int64(keySeed)
	m.Compat = p.str(keyCompat)
	m.ToolVersion = p.str(keyToolVersion)
	m.WholeWordMask = p.bool(keyWholeWordMask)
	m.ShardIndex = p.int(keyShardIndex)
	m.NumShards = p.int(keyNumShards)
	batchRows := p.int(keyBatchRows)
	if p.err != nil {
		return m, 0, fmt.Errorf("%w: %v", ErrCorrupt, p.err)
	}
	for i, k := range md.Keys() {
		if !slices.Contains(reservedKeys, k) {
			if m.Extra == nil {
				m.Extra = make(map[string]string)
			}
			m.Extra[k] = md.Values()[i]
		}
	}
	if err := m.validate(batchRows); err != nil {
		return m, 0, fmt.Errorf("%w: schema metadata: %v", ErrCorrupt, err)
	}
	return m, batchRows, nil
}

func lookup(md arrow.Metadata, key string) (string, bool) {
	i := md.FindKey(key)
	if i < 0 {
		return "", false
	}
	return md.Values()[i], true
}

// metaParser reads typed values and keeps the first error.
type metaParser struct {
	md  arrow.Metadata
	err error
}

func (p *metaParser) str(key string) string {
	v, ok := lookup(p.md, key)
	if !ok && p.err == nil {
		p.err = fmt.Errorf("schema metadata lacks %s", key)
	}
	return v
}

func (p *metaParser) int64(key string) int64 {
	s := p.str(key)
	if p.err != nil {
		return 0
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.err = fmt.Errorf("schema metadata %s=%q is not an integer", key, s)
	}
	return v
}

func (p *metaParser) int(key string) int {
	v := p.int64(key)
	if p.err == nil && (v < math.MinInt32 || v > math.MaxInt32) {
		p.err = fmt.Errorf("schema metadata %s=%d out of range", key, v)
	}
	return int(v)
}

func (p *metaParser) bool(key string) bool {
	s := p.str(key)
	if p.err != nil {
		return false
	}
	v, err := strconv.ParseBool(s)
	if err != nil || (s != "true" && s != "false") {
		p.err = fmt.Errorf("schema metadata %s=%q is not true or false", key, s)
	}
	return v
}
