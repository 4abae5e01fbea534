package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/pretraining"
	"github.com/bertline/bertline/pkg/progress"
	"github.com/bertline/bertline/pkg/tasks"
	"github.com/bertline/bertline/pkg/version"
	"github.com/bertline/bertline/pkg/wordpiece"
)

const pretrainHelp = `Tokenizes the documents of one or more corpora (directories written by
'fetch', or plain text files with one sentence per line and blank lines
between documents) and makes BERT pretraining instances with the algorithm of
Google's create_pretraining_data.py: segment pairs for next-sentence
prediction and masked-LM targets (80% [MASK], 10% random, 10% kept).

Documents are cut into blocks of --block-docs; each block is processed alone
with a seed derived from --seed and its index, so the output is byte-identical
for any --workers and --num-tasks, and a killed run resumes without redoing
finished blocks. Instances are dealt round-robin into shards of equal size
(±1) under OUT/train, and documents chosen by --holdout (a stable hash of
their text) into OUT/holdout for evaluation.

--compat google reproduces Google's script byte for byte for the same single
input file, vocabulary and seed: one block, Google's tokenizer rules, no
holdout. --masking dynamic stores unmasked pairs for the trainer to mask.
--bin-size N writes a shard set per sequence-length bin (OUT/train/bin-000
holds lengths 1..N, bin-001 N+1..2N, ...), so that a trainer can draw each
batch from one bin and pad less, as LDDL does for phase 2.

Defaults are NVIDIA's phase 1; phase 2 is --seq-len 512 --max-pred 80.

Examples:
  shard pretrain --corpus corpus/wiki --corpus corpus/books --vocab vocab.txt --out shards/phase1 --holdout 0.01
  shard pretrain --corpus corpus/wiki --vocab vocab.txt --seq-len 512 --max-pred 80 --out shards/phase2
  shard pretrain --corpus wiki.txt --vocab vocab.txt --compat google --dupe-factor 10 --out shards/google`

func runPretrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("pretrain", "shard pretrain --corpus DIR... --vocab FILE --out DIR [flags]", pretrainHelp, stdout)
	d := pretraining.DefaultParams()
	corpora := flags.StringArray("corpus", nil, "corpus directory or text file (repeatable, order matters)")
	vocabPath := flags.String("vocab", "", "WordPiece vocabulary, one token per line (required)")
	out := flags.String("out", "", "output directory (required)")
	cased := flags.Bool("cased", false, "keep case and accents (for cased vocabularies)")
	p := &d
	flags.IntVar(&p.MaxSeqLen, "seq-len", d.MaxSeqLen, "maximum sequence length, [CLS] and [SEP]s included")
	flags.IntVar(&p.MaxPredictions, "max-pred", d.MaxPredictions, "maximum masked-LM predictions per sequence")
	flags.Float64Var(&p.MaskedLMProb, "masked-lm-prob", d.MaskedLMProb, "fraction of tokens to mask")
	flags.Float64Var(&p.ShortSeqProb, "short-seq-prob", d.ShortSeqProb, "probability of a shorter target length")
	flags.IntVar(&p.DupeFactor, "dupe-factor", d.DupeFactor, "passes over the data, each with different masks")
	flags.Int64Var(&p.Seed, "seed", d.Seed, "random seed")
	flags.BoolVar(&p.WholeWordMask, "whole-word-masking", false, "mask whole words rather than word pieces")
	flags.StringVar(&p.Masking, "masking", d.Masking, "static (masks in the shards) or dynamic (the trainer masks)")
	flags.StringVar(&p.Compat, "compat", d.Compat, "bertline (blocks, any number of tasks) or google (byte-identical to Google's script)")
	flags.Float64Var(&p.Holdout, "holdout", d.Holdout, "fraction of documents held out for evaluation")
	flags.IntVar(&p.BlockDocs, "block-docs", d.BlockDocs, "documents per block (fixes the output; memory grows with it)")
	flags.StringVar(&p.ZstdLevel, "zstd-level", d.ZstdLevel, "compression of the shards: fastest, default, better or best (smaller, slower)")
	flags.IntVar(&p.NumShards, "num-shards", 0, "training shards (default: one per 100,000 instances)")
	flags.IntVar(&p.HoldoutShards, "holdout-shards", 0, "holdout shards (default: one per 100,000 instances)")
	flags.IntVar(&p.BinSize, "bin-size", 0, "separate shard sets per sequence-length bin of this width (phase 2, as LDDL)")
	workers := flags.Int("workers", 0, "blocks processed at once (default: all cores)")
	split := tasks.AddFlags(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch {
	case len(*corpora) == 0:
		return cli.Usagef("--corpus is required")
	case *vocabPath == "" || *out == "":
		return cli.Usagef("--vocab and --out are required")
	case flags.NArg() > 0:
		return cli.Usagef("unexpected argument %q", flags.Arg(0))
	}
	if err := split.Validate(); err != nil {
		return &cli.UsageError{Err: err}
	}
	p.Lowercase = !*cased
	vocab, err := wordpiece.LoadVocab(*vocabPath)
	if err != nil {
		return err
	}
	m := manifest.Manifest{Version: version.String(), Command: append([]string{"shard", "pretrain"}, args...)}
	vf, err := manifest.Describe(*vocabPath, *vocabPath)
	if err != nil {
		return err
	}
	m.Inputs = append(m.Inputs, vf)
	for _, c := range *corpora {
		if cm, err := manifest.Read(c); err == nil {
			for _, o := range cm.Outputs {
				o.Path = c + "/" + o.Path
				m.Inputs = append(m.Inputs, o)
			}
		} else if f, err := manifest.Describe(c, c); err == nil {
			m.Inputs = append(m.Inputs, f)
		}
	}
	st, err := pretraining.Run(ctx, pretraining.Config{Corpora: *corpora, Vocab: vocab, Out: *out, Params: *p,
		Split: *split, Workers: *workers, Manifest: m, Progress: progress.Config{}})
	if err != nil || st.UpToDate {
		return err
	}
	slog.Info("done", "documents", st.Documents, "holdout_documents", st.HoldoutDocuments, "instances", st.Instances,
		"holdout_instances", st.HoldoutInstances, "blocks_written", st.Blocks, "blocks_kept", st.BlocksSkipped, "complete", st.Finalized)
	return nil
}
