package finetune

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/squad"
	"github.com/bertline/bertline/pkg/wordpiece"
)

// Names of the files EvaluateSQuAD writes, as run_squad.py names them.
const (
	PredictionsName = "predictions.json"
	NBestName       = "nbest_predictions.json"
	NullOddsName    = "null_odds.json"
)

// IsSQuADv2 reports whether ds is a SQuAD 2.0 file: its version says so,
// or it has unanswerable questions.
func IsSQuADv2(ds *squad.Dataset) bool {
	if strings.HasPrefix(strings.TrimPrefix(ds.Version, "v"), "2") {
		return true
	}
	for _, e := range ds.Examples {
		if e.Impossible {
			return true
		}
	}
	return false
}

// SQuADReport is what an evaluation on a SQuAD file gives: the official
// script's output (V1 or V2) and counts.
type SQuADReport struct {
	Version   string          `json:"version"` // "1.1" or "2.0"
	Questions int             `json:"questions"`
	Features  int             `json:"features"` // windows run through the model
	V1        *squad.V1Result `json:"-"`
	V2        *squad.V2Result `json:"-"`
}

// Official returns the result as the official script prints it: V1's
// {"exact_match", "f1"} or V2's {"exact", "f1", "total", "HasAns_exact", ...}.
func (r *SQuADReport) Official() any {
	if r.V2 != nil {
		return r.V2
	}
	return r.V1
}

// EvaluateSQuAD answers every question of ds with p, writes
// predictions.json, nbest_predictions.json and, for SQuAD 2.0,
// null_odds.json to dir (atomically), and scores the predictions as the
// official evaluation script of the file's version does (2.0: with the
// null odds, --na-prob-thresh naThresh).
func EvaluateSQuAD(ctx context.Context, p *bert.Params, tok *wordpiece.Tokenizer, ds *squad.Dataset,
	fc squad.FeatureConfig, pc squad.PredictConfig, batchSize int, dir string, naThresh float64) (*SQuADReport, error) {
	pc.Version2 = IsSQuADv2(ds)
	preds, feats, err := PredictSQuAD(ctx, p, tok, ds.Examples, fc, pc, batchSize)
	if err != nil {
		return nil, err
	}
	files := []struct {
		name  string
		write func(io.Writer, []squad.Prediction) error
	}{{PredictionsName, squad.WritePredictions}, {NBestName, squad.WriteNBest}}
	if pc.Version2 {
		files = append(files, struct {
			name  string
			write func(io.Writer, []squad.Prediction) error
		}{NullOddsName, squad.WriteNullOdds})
	}
	for _, f := range files {
		var buf bytes.Buffer
		if err := f.write(&buf, preds); err != nil {
			return nil, err
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, f.name), buf.Bytes()); err != nil {
			return nil, err
		}
	}
	answers := make(map[string]string, len(preds))
	for _, pr := range preds {
		answers[pr.ID] = pr.Text
	}
	rep := &SQuADReport{Version: "1.1", Questions: len(ds.Examples), Features: len(feats)}
	if !pc.Version2 {
		rep.V1, err = squad.EvaluateV1(ds.Examples, answers)
		return rep, err
	}
	rep.Version = "2.0"
	odds := make([]squad.Odds, len(preds))
	for i, pr := range preds {
		odds[i] = squad.Odds{ID: pr.ID, Value: pr.NullOdds}
	}
	if rep.V2, err = squad.EvaluateV2(ds.Examples, answers, odds, naThresh); err != nil {
		return nil, fmt.Errorf("squad: %w", err)
	}
	return rep, nil
}
