package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/pretraining"
	"github.com/bertline/bertline/pkg/shards"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// shardSet is the shards of one split of a `shard pretrain` output, read in
// the order the instances were created (round-robin over the shards), one
// length bin after another when the output has bins.
type shardSet struct {
	readers []*shards.Reader
	groups  [][]*shards.Reader // readers by directory (length bin)
	vocab   *wordpiece.Vocab
	meta    shards.Meta
}

func openShardSet(dir, split, vocabPath string) (*shardSet, error) {
	m, err := manifest.Read(dir)
	if err != nil {
		return nil, err
	}
	if m.Stage != pretraining.Stage {
		return nil, fmt.Errorf("%s: written by %q, not %q", dir, m.Stage, pretraining.Stage)
	}
	var names []string
	for _, o := range m.Outputs {
		if strings.HasPrefix(o.Path, split+"/") || strings.HasPrefix(o.Path, split+string(filepath.Separator)) {
			names = append(names, o.Path)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no %s shards", dir, split)
	}
	sort.Strings(names)
	s := &shardSet{}
	lastDir := ""
	for _, n := range names {
		r, err := shards.Open(filepath.Join(dir, n))
		if err != nil {
			s.Close()
			return nil, err
		}
		s.readers = append(s.readers, r)
		if d := filepath.Dir(n); d != lastDir || len(s.groups) == 0 {
			s.groups = append(s.groups, nil)
			lastDir = d
		}
		s.groups[len(s.groups)-1] = append(s.groups[len(s.groups)-1], r)
	}
	s.meta = s.readers[0].Meta()
	if vocabPath == "" && len(m.Inputs) > 0 {
		vocabPath = m.Inputs[0].Path // shard pretrain records the vocabulary first
	}
	if vocabPath != "" {
		v, err := wordpiece.LoadVocab(vocabPath)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("%w (give the shards' vocabulary with --vocab)", err)
		}
		if err := shards.CheckMeta(s.meta, v.SHA256(), s.meta.MaxSeqLen); err != nil {
			s.Close()
			return nil, fmt.Errorf("%s: %w", vocabPath, err)
		}
		s.vocab = v
	}
	return s, nil
}

// each calls fn with the instances in creation order, bin after bin.
func (s *shardSet) each(limit int, fn func(*shards.Instance) error) error {
	n := 0
	for _, group := range s.groups {
		if err := eachRoundRobin(group, &n, limit, fn); err != nil || (limit >= 0 && n >= limit) {
			return err
		}
	}
	return nil
}

func eachRoundRobin(readers []*shards.Reader, n *int, limit int, fn func(*shards.Instance) error) error {
	for {
		progressed := false
		for _, r := range readers {
			if limit >= 0 && *n >= limit {
				return nil
			}
			in, err := r.Next()
			if errors.Is(err, io.EOF) {
				continue
			}
			if err != nil {
				return err
			}
			progressed = true
			(*n)++
			if err := fn(in); err != nil {
				return err
			}
		}
		if !progressed {
			return nil
		}
	}
}

func (s *shardSet) Close() {
	for _, r := range s.readers {
		r.Close()
	}
}

func (s *shardSet) tokens(ids []int32) []string {
	if s.vocab == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.vocab.Token(id)
	}
	return out
}

const inspectHelp = `Prints the instances of a 'shard pretrain' output as JSON lines, in the order
they were created: tokens (with --vocab or the recorded vocabulary),
input_ids, segment_ids, masked_lm_positions, masked_lm_labels, masked_lm_ids
and is_random_next.

Example:
  shard inspect shards/phase1 --limit 3`

func runInspect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("inspect", "shard inspect DIR [--limit N] [--split train|holdout] [--vocab FILE]", inspectHelp, stdout)
	limit := flags.Int("limit", -1, "print at most N instances (default: all)")
	split := flags.String("split", "train", "train or holdout")
	vocabPath := flags.String("vocab", "", "vocabulary to show tokens with (default: the one recorded in the manifest)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return cli.Usagef("give one shard directory")
	}
	s, err := openShardSet(flags.Arg(0), *split, *vocabPath)
	if err != nil {
		return err
	}
	defer s.Close()
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	type record struct {
		Tokens            []string `json:"tokens,omitempty"`
		InputIDs          []int32  `json:"input_ids"`
		SegmentIDs        []int32  `json:"segment_ids"`
		MaskedLMPositions []int32  `json:"masked_lm_positions"`
		MaskedLMLabels    []string `json:"masked_lm_labels,omitempty"`
		MaskedLMIDs       []int32  `json:"masked_lm_ids"`
		IsRandomNext      bool     `json:"is_random_next"`
	}
	return s.each(*limit, func(in *shards.Instance) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		seg := make([]int32, len(in.InputIDs))
		for i := in.ALength; i < len(seg); i++ {
			seg[i] = 1
		}
		return enc.Encode(record{Tokens: s.tokens(in.InputIDs), InputIDs: in.InputIDs, SegmentIDs: seg,
			MaskedLMPositions: nonNil(in.MaskedPositions), MaskedLMLabels: s.tokens(in.MaskedIDs),
			MaskedLMIDs: nonNil(in.MaskedIDs), IsRandomNext: in.IsRandomNext})
	})
}

func nonNil(s []int32) []int32 {
	if s == nil {
		return []int32{}
	}
	return s
}

const statsHelp = `Prints, for a 'shard pretrain' output, the number of instances and shards,
a histogram of sequence lengths, the share of random-next pairs, and the
realised masking rates (targets per token, and how targets were replaced:
[MASK], random token, or kept).`

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("stats", "shard stats DIR [--split train|holdout]", statsHelp, stdout)
	split := flags.String("split", "train", "train or holdout")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return cli.Usagef("give one shard directory")
	}
	s, err := openShardSet(flags.Arg(0), *split, "")
	if err != nil {
		s, err = openShardSet(flags.Arg(0), *split, os.DevNull)
		if err != nil {
			return err
		}
	}
	defer s.Close()
	var n, tokens, targets, randomNext, asMask int
	hist := make([]int, s.meta.MaxSeqLen/16+1)
	mask := int32(-1)
	if s.vocab != nil {
		mask = s.vocab.Special().MASK
	}
	err = s.each(-1, func(in *shards.Instance) error {
		n++
		tokens += len(in.InputIDs)
		targets += len(in.MaskedPositions)
		if in.IsRandomNext {
			randomNext++
		}
		for _, pos := range in.MaskedPositions {
			if in.InputIDs[pos] == mask {
				asMask++
			}
		}
		hist[min(len(in.InputIDs)/16, len(hist)-1)]++
		return nil
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: no instances", flags.Arg(0))
	}
	fmt.Fprintf(stdout, "instances\t%d\nshards\t%d\nmax_seq_len\t%d\nmasking\t%s\n", n, len(s.readers), s.meta.MaxSeqLen, s.meta.Masking)
	fmt.Fprintf(stdout, "mean_length\t%.1f\nrandom_next\t%.4f\n", float64(tokens)/float64(n), float64(randomNext)/float64(n))
	if targets > 0 {
		fmt.Fprintf(stdout, "targets_per_token\t%.4f\ntargets_as_mask\t%.4f\n", float64(targets)/float64(tokens), float64(asMask)/float64(targets))
	}
	fmt.Fprintln(stdout, "length\tinstances")
	for i, c := range hist {
		if c > 0 {
			fmt.Fprintf(stdout, "%d-%d\t%d\n", i*16, i*16+15, c)
		}
	}
	return nil
}

const tokenizeHelp = `Reads lines on stdin and prints, per line, the WordPiece ids separated by
spaces (or the word pieces with --tokens): exactly the tokenizer the shards use.

Example:
  echo "Unaffable!" | shard tokenize --vocab vocab.txt --tokens`

func runTokenize(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("tokenize", "shard tokenize --vocab FILE [--cased] [--tokens] [--compat google]", tokenizeHelp, stdout)
	vocabPath := flags.String("vocab", "", "WordPiece vocabulary (required)")
	cased := flags.Bool("cased", false, "keep case and accents")
	asTokens := flags.Bool("tokens", false, "print word pieces instead of ids")
	compat := flags.String("compat", pretraining.CompatBertline, "bertline (HuggingFace rules) or google (tokenization.py rules)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if *vocabPath == "" {
		return cli.Usagef("--vocab is required")
	}
	opt := wordpiece.Options{Lowercase: !*cased}
	switch *compat {
	case pretraining.CompatBertline:
	case pretraining.CompatGoogle:
		opt.Compat = wordpiece.Google
	default:
		return cli.Usagef("--compat must be bertline or google")
	}
	v, err := wordpiece.LoadVocab(*vocabPath)
	if err != nil {
		return err
	}
	return tokenizeLines(os.Stdin, stdout, wordpiece.New(v, opt), *asTokens)
}

func tokenizeLines(in io.Reader, out io.Writer, t *wordpiece.Tokenizer, asTokens bool) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 1<<20), 256<<20)
	w := bufio.NewWriter(out)
	defer w.Flush()
	var ids []int32
	var line []byte
	for sc.Scan() {
		ids = t.AppendIDs(ids[:0], sc.Bytes())
		line = line[:0]
		for i, id := range ids {
			if i > 0 {
				line = append(line, ' ')
			}
			if asTokens {
				line = append(line, t.Vocab().Token(id)...)
			} else {
				line = fmt.Appendf(line, "%d", id)
			}
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("stdin: %w", err)
	}
	return nil
}
