package wordpiece

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
)

// Vocab maps WordPiece tokens to ids and back. The id of a token is its line
// number, from 0, in the vocabulary file. A Vocab is read-only once loaded and
// safe for concurrent use.
type Vocab struct {
	tokens  []string
	whole   map[string]int32 // tokens that start a word
	cont    map[string]int32 // "##" tokens, without the "##"
	isCont  []bool           // isCont[id]: tokens[id] starts with "##"
	special Specials
	sha256  string

	maxWhole, maxCont int // longest key of whole and cont, in bytes

	// wholeT and contT hold whole and cont again, for WordPiece's lookups.
	wholeT, contT *pieceTable
}

// Specials holds the ids of BERT's special tokens.
type Specials struct {
	PAD, UNK, CLS, SEP, MASK int32
}

// ErrVocab is wrapped by every error about a vocabulary's contents.
var ErrVocab = errors.New("wordpiece: bad vocabulary")

// ReadVocab reads a vocabulary: one token per line, in id order, as in
// BERT's vocab.txt. A trailing "\r" is ignored. An empty line, a duplicate
// token or a missing [PAD], [UNK], [CLS], [SEP] or [MASK] is an error that
// names the line or token.
func ReadVocab(r io.Reader) (*Vocab, error) {
	return readVocab(r, 0)
}

// readVocab is ReadVocab with room made for about n tokens, so that the
// maps do not grow step by step.
func readVocab(r io.Reader, n int) (*Vocab, error) {
	v := &Vocab{whole: make(map[string]int32, n), cont: make(map[string]int32, n/4), tokens: make([]string, 0, n), isCont: make([]bool, 0, n)}
	h := sha256.New()
	sc := bufio.NewScanner(io.TeeReader(r, h))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		tok := string(bytes.TrimSuffix(sc.Bytes(), []byte("\r")))
		if tok == "" {
			return nil, fmt.Errorf("%w: line %d is empty", ErrVocab, line)
		}
		if int64(len(v.tokens)) >= 1<<31-1 {
			return nil, fmt.Errorf("%w: more than 2^31-1 tokens", ErrVocab)
		}
		id := int32(len(v.tokens))
		m, key, isCont := v.whole, tok, false
		if len(tok) > 2 && tok[:2] == "##" {
			m, key, isCont = v.cont, tok[2:], true
		}
		if prev, dup := m[key]; dup {
			return nil, fmt.Errorf("%w: line %d: token %q repeats line %d", ErrVocab, line, tok, prev+1)
		}
		m[key] = id
		if isCont {
			v.maxCont = max(v.maxCont, len(key))
		} else {
			v.maxWhole = max(v.maxWhole, len(key))
		}
		v.tokens = append(v.tokens, tok)
		v.isCont = append(v.isCont, isCont)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("wordpiece: reading vocabulary after line %d: %w", line, err)
	}
	v.sha256 = hex.EncodeToString(h.Sum(nil))
	v.wholeT, v.contT = tableOf(v.whole), tableOf(v.cont)
	for _, s := range []struct {
		tok string
		id  *int32
	}{
		{"[PAD]", &v.special.PAD}, {"[UNK]", &v.special.UNK}, {"[CLS]", &v.special.CLS},
		{"[SEP]", &v.special.SEP}, {"[MASK]", &v.special.MASK},
	} {
		id, ok := v.whole[s.tok]
		if !ok {
			return nil, fmt.Errorf("%w: no %s token", ErrVocab, s.tok)
		}
		*s.id = id
	}
	return v, nil
}

// tableOf returns a pieceTable holding the entries of m.
func tableOf(m map[string]int32) *pieceTable {
	keys := make([]string, 0, len(m))
	ids := make([]int32, 0, len(m))
	for k, id := range m {
		keys = append(keys, k)
		ids = append(ids, id)
	}
	return newPieceTable(keys, ids)
}

// LoadVocab reads the vocabulary file at path; see ReadVocab.
func LoadVocab(path string) (*Vocab, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("wordpiece: %w", err)
	}
	defer f.Close()
	hint := 0
	if st, err := f.Stat(); err == nil {
		hint = int(min(st.Size()/8, 1<<22)) // bert-base-uncased: 30,522 tokens in 231,508 bytes
	}
	v, err := readVocab(f, hint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// Len returns the number of tokens.
func (v *Vocab) Len() int { return len(v.tokens) }

// ID returns the id of tok, written as in the vocabulary ("##ing" for a
// continuation piece).
func (v *Vocab) ID(tok string) (int32, bool) {
	if len(tok) > 2 && tok[:2] == "##" {
		id, ok := v.cont[tok[2:]]
		return id, ok
	}
	id, ok := v.whole[tok]
	return id, ok
}

// Token returns the token with the given id, or "" if there is none.
func (v *Vocab) Token(id int32) string {
	if id < 0 || int(id) >= len(v.tokens) {
		return ""
	}
	return v.tokens[id]
}

// Continues reports whether id is a "##" piece, which continues the word of
// the token before it. Whole-word masking groups a token with the "##"
// pieces that follow it, as google-research/bert does.
func (v *Vocab) Continues(id int32) bool {
	return id >= 0 && int(id) < len(v.isCont) && v.isCont[id]
}

// SHA256 returns the hex SHA-256 of the bytes the vocabulary was read from.
func (v *Vocab) SHA256() string { return v.sha256 }

// Special returns the ids of the special tokens.
func (v *Vocab) Special() Specials { return v.special }
