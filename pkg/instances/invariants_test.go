package instances

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/bertline/bertline/pkg/pyrandom"
)

// checkLayout checks what holds for every instance: the length limit,
// [CLS] A [SEP] B [SEP] with non-empty sides, and masked positions that are
// ascending, unique, never on [CLS] or [SEP], and no more than
// num_to_predict. A masked position may hold any id, even [SEP] (a random
// replacement), so the layout check skips them.
func checkLayout(t testing.TB, in *Instance, opt Options) {
	t.Helper()
	n := len(in.Tokens)
	v := opt.Vocab
	switch {
	case n > opt.MaxSeqLen:
		t.Fatalf("%d tokens > MaxSeqLen %d", n, opt.MaxSeqLen)
	case in.SegmentALen < 3 || in.SegmentALen > n-2:
		t.Fatalf("SegmentALen %d of %d tokens leaves a side empty", in.SegmentALen, n)
	case in.Tokens[0] != v.CLS || in.Tokens[in.SegmentALen-1] != v.SEP || in.Tokens[n-1] != v.SEP:
		t.Fatalf("not [CLS] A [SEP] B [SEP]: %v", in.Tokens)
	case len(in.MaskedPositions) != len(in.MaskedLabels):
		t.Fatalf("%d positions, %d labels", len(in.MaskedPositions), len(in.MaskedLabels))
	case len(in.MaskedPositions) > numToPredict(n, opt):
		t.Fatalf("%d masked > num_to_predict %d", len(in.MaskedPositions), numToPredict(n, opt))
	}
	masked := make(map[int32]bool)
	for i, p := range in.MaskedPositions {
		if i > 0 && p <= in.MaskedPositions[i-1] {
			t.Fatalf("positions not ascending and unique: %v", in.MaskedPositions)
		}
		if p <= 0 || int(p) >= n-1 || int(p) == in.SegmentALen-1 {
			t.Fatalf("masked position %d is [CLS] or [SEP]", p)
		}
		masked[p] = true
	}
	for i, id := range in.Tokens {
		special := i == 0 || i == in.SegmentALen-1 || i == n-1
		if !special && !masked[int32(i)] && (id == v.CLS || id == v.SEP) {
			t.Fatalf("[CLS]/[SEP] inside a side at %d: %v", i, in.Tokens)
		}
	}
}

// TestInvariants makes many instances from the sample corpus under several
// options and checks the layout of each, the exact number of targets
// without whole-word masking, and the realised rates: about 15% of tokens
// are targets, of which 80% become [MASK], 10% keep their token and 10%
// become a random word.
func TestInvariants(t *testing.T) {
	_, v := testVocab(t)
	docs := googleDocs(t)
	for _, c := range []struct {
		name string
		opt  Options
	}{
		{"seq128", Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 5}},
		{"seq512", Options{MaxSeqLen: 512, MaxPredictions: 80, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 5}},
		{"seq32-short", Options{MaxSeqLen: 32, MaxPredictions: 5, MaskedLMProb: 0.15, ShortSeqProb: 0.5, DupeFactor: 2}},
		{"seq128-wwm", Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 5, WholeWordMask: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opt := c.opt
			opt.Vocab = v
			ins := CreateTrainingInstances(docs, opt, pyrandom.New(7))
			if len(ins) < 500 {
				t.Fatalf("only %d instances", len(ins))
			}
			var tokens, targets, want, maskTok, kept, randomNext int
			for i := range ins {
				in := &ins[i]
				checkLayout(t, in, opt)
				k := len(in.MaskedPositions)
				if !opt.WholeWordMask && k != numToPredict(len(in.Tokens), opt) {
					t.Fatalf("instance %d: %d targets, want num_to_predict %d", i, k, numToPredict(len(in.Tokens), opt))
				}
				tokens += len(in.Tokens)
				targets += k
				want += numToPredict(len(in.Tokens), opt)
				for j, p := range in.MaskedPositions {
					switch in.Tokens[p] {
					case v.Mask:
						maskTok++
					case in.MaskedLabels[j]:
						kept++
					}
				}
				if in.IsRandomNext {
					randomNext++
				}
			}
			rate := float64(targets) / float64(tokens)
			mask := float64(maskTok) / float64(targets)
			keep := float64(kept) / float64(targets)
			random := 1 - mask - keep
			t.Logf("%d instances, %d tokens: %.4f targets (%d of %d wanted), %.4f [MASK], %.4f kept, %.4f random, %.3f random next",
				len(ins), tokens, rate, targets, want, mask, keep, random, float64(randomNext)/float64(len(ins)))
			lo := 0.14
			if opt.MaxSeqLen < 64 {
				lo = 0.12 // round() and the floor of 1 weigh more on short sequences
			}
			if rate < lo || rate > 0.16 {
				t.Errorf("target rate %.4f outside [%v, 0.16]", rate, lo)
			}
			if opt.WholeWordMask && float64(targets) < 0.95*float64(want) {
				t.Errorf("whole-word masking reached %d of %d targets", targets, want)
			}
			tol := 0.015
			if targets < 20000 {
				tol = 0.03
			}
			for _, r := range []struct {
				name      string
				got, want float64
			}{{"[MASK]", mask, 0.8}, {"kept", keep, 0.1}, {"random", random, 0.1}} {
				if r.got < r.want-tol || r.got > r.want+tol {
					t.Errorf("%s share %.4f, want %.2f±%.3f", r.name, r.got, r.want, tol)
				}
			}
			// Single-sentence chunks are always random next, and short
			// targets make many of them; check long sequences only.
			if f := float64(randomNext) / float64(len(ins)); opt.MaxSeqLen >= 128 && (f < 0.4 || f > 0.65) {
				t.Errorf("random-next share %.3f outside [0.4, 0.65]", f)
			}
		})
	}
}

// TestPairs checks the unmasked path: same layout, no targets, and sides
// that are runs of text: A and B each occur contiguously in some document,
// and for an actual next pair, in the same document with B after A.
func TestPairs(t *testing.T) {
	_, v := testVocab(t)
	docs := googleDocs(t)
	opt := Options{MaxSeqLen: 64, MaxPredictions: 10, MaskedLMProb: 0.15, ShortSeqProb: 0.2, DupeFactor: 2, Vocab: v}
	pairs := CreatePairs(docs, opt, pyrandom.New(11))
	if len(pairs) < 500 {
		t.Fatalf("only %d pairs", len(pairs))
	}
	texts := make([][]byte, 0, len(docs))
	for _, d := range docs {
		texts = append(texts, encode(slices.Concat(d...)))
	}
	for i := range pairs {
		p := &pairs[i]
		checkLayout(t, p, opt)
		if len(p.MaskedPositions) != 0 || slices.Contains(p.Tokens, v.Mask) {
			t.Fatalf("pair %d is masked", i)
		}
		a := encode(p.Tokens[1 : p.SegmentALen-1])
		b := encode(p.Tokens[p.SegmentALen : len(p.Tokens)-1])
		foundA, foundB, inOrder := false, false, false
		for _, text := range texts {
			ia, ib := bytes.Index(text, a), bytes.Index(text, b)
			foundA = foundA || ia >= 0
			foundB = foundB || ib >= 0
			if ia >= 0 && ib >= 0 && ib >= ia+len(a) {
				inOrder = true
			}
		}
		if !foundA || !foundB {
			t.Fatalf("pair %d: A found %v, B found %v", i, foundA, foundB)
		}
		if !p.IsRandomNext && !inOrder {
			t.Fatalf("pair %d: actual next B does not follow A", i)
		}
	}
}

// encode writes ids as 4-byte words, aligned so that bytes.Index matches
// whole ids only when the offset is a multiple of 4; unaligned matches are
// rare and only loosen the check.
func encode(ids []int32) []byte {
	b := make([]byte, 4*len(ids))
	for i, id := range ids {
		binary.BigEndian.PutUint32(b[4*i:], uint32(id))
	}
	return b
}

// TestMaskerMatchesMaskTokens requires the dynamic Masker to mask exactly as
// MaskTokens for the same stream, and to do it without allocating.
func TestMaskerMatchesMaskTokens(t *testing.T) {
	_, v := testVocab(t)
	docs := googleDocs(t)
	for _, wwm := range []bool{false, true} {
		opt := Options{MaxSeqLen: 128, MaxPredictions: 20, MaskedLMProb: 0.15, ShortSeqProb: 0.1, DupeFactor: 1, WholeWordMask: wwm, Vocab: v}
		pairs := CreatePairs(docs, opt, pyrandom.New(5))
		m, err := NewMasker(opt)
		if err != nil {
			t.Fatal(err)
		}
		r1, r2 := pyrandom.New(9), pyrandom.New(9)
		for i := range pairs {
			orig := pairs[i].Tokens
			want, wantPos, wantLab := MaskTokens(orig, opt, r1)
			got := slices.Clone(orig)
			pos, lab := m.Mask(got, r2)
			if !slices.Equal(got, want) || !slices.Equal(pos, wantPos) || !slices.Equal(lab, wantLab) {
				t.Fatalf("wwm %v, pair %d: Masker differs from MaskTokens", wwm, i)
			}
		}
		buf := slices.Clone(pairs[0].Tokens)
		rng := pyrandom.New(1)
		if n := testing.AllocsPerRun(100, func() {
			copy(buf, pairs[0].Tokens)
			m.Mask(buf, rng)
		}); n != 0 {
			t.Errorf("wwm %v: Masker.Mask allocates %v times per call", wwm, n)
		}
	}
	if _, err := NewMasker(Options{MaskedLMProb: 2, Vocab: v}); err == nil {
		t.Error("NewMasker accepted MaskedLMProb 2")
	}
}

// FuzzFromDocument builds documents and options from the fuzzer's bytes
// and requires no panic and well-formed instances, empty documents and
// sentences included.
func FuzzFromDocument(f *testing.F) {
	f.Add([]byte{3, 1, 2, 0, 4, 5, 0, 0, 6}, uint8(8), uint8(3), int64(1), false)
	f.Add([]byte{0, 0, 0}, uint8(5), uint8(0), int64(2), true)
	f.Add([]byte{9, 10, 11, 12, 0, 13, 14, 15, 16, 17, 0, 0, 18}, uint8(6), uint8(2), int64(3), true)
	v, err := NewVocab(tinyWords)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, seqLen, maxPred uint8, seed int64, wwm bool) {
		// 0 ends a sentence, two 0s a document; other bytes are word ids,
		// never [CLS] or [SEP], which text does not contain.
		var docs []Document
		doc, sent := Document{}, []int32{}
		for i, c := range data {
			if c != 0 {
				sent = append(sent, 5+int32(c)%int32(v.Len()-5))
				continue
			}
			doc = append(doc, sent)
			sent = []int32{}
			if i > 0 && data[i-1] == 0 {
				docs = append(docs, doc)
				doc = Document{}
			}
		}
		docs = append(docs, append(doc, sent))
		opt := Options{MaxSeqLen: 5 + int(seqLen%60), MaxPredictions: int(maxPred % 10), MaskedLMProb: 0.15,
			ShortSeqProb: 0.3, DupeFactor: 2, WholeWordMask: wwm, Vocab: v}
		rng := pyrandom.New(seed)
		for _, in := range CreateTrainingInstances(docs, opt, rng) {
			checkLayout(t, &in, opt)
		}
		for d := range docs {
			for _, in := range FromDocument(docs, d, opt, rng) {
				checkLayout(t, &in, opt)
			}
		}
	})
}
