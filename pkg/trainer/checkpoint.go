package trainer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/bert"
	"github.com/bertline/bertline/pkg/manifest"
	"github.com/bertline/bertline/pkg/optim"
	"github.com/bertline/bertline/pkg/safetensors"
	"github.com/bertline/bertline/pkg/version"
)

// A checkpoint is a directory OUT/checkpoints/step-NNNNNNNN holding
//
//	model.safetensors   weights, HuggingFace BertForPreTraining names (loads in transformers)
//	config.json         the model's BertConfig
//	vocab.txt           the vocabulary the model was trained with
//	optimizer.safetensors  the optimizer's moments: exp_avg and exp_avg_sq, flat, in Params.Data's layout
//	trainer_state.json  step, data cursor, counters, the run's parameters (State)
//	manifest.json       every file above with its SHA-256; written last
//
// It is written under a temporary name and renamed into place, so a
// directory named step-N is always complete: a killed run leaves at worst a
// .tmp-step-N directory, which the next save removes.
const (
	CheckpointsDir = "checkpoints"
	OptimizerName  = "optimizer.safetensors"
	StateName      = "trainer_state.json"
	checkpointStem = "step-"
)

// checkpointName is the directory name of the checkpoint after step updates.
func checkpointName(step int64) string { return fmt.Sprintf("%s%08d", checkpointStem, step) }

// State is what a checkpoint records besides weights and moments: enough
// to continue the run exactly where it stopped.
type State struct {
	Step       int64        `json:"step"`       // optimizer updates done (the schedule's position)
	MicroStep  uint64       `json:"micro_step"` // micro-batches done: the dropout generator's step
	Cursor     loaderCursor `json:"cursor"`     // the next global batch of the training data
	OptimStep  int64        `json:"optim_step"` // the optimizer's own count (bias correction)
	Skipped    int64        `json:"skipped"`    // updates skipped for a non-finite loss or gradient
	Elapsed    float64      `json:"elapsed_s"`  // training time so far, over all runs
	Sequences  int64        `json:"sequences"`  // sequences trained on so far
	LossScale  float64      `json:"loss_scale"` // 1 on the fp32 CPU backend
	Params     RunParams    `json:"params"`     // the run's parameters, compared on resume
	ModelConf  bert.Config  `json:"model_config"`
	Version    string       `json:"version"`
	LastLosses *StepMetrics `json:"last,omitempty"`
}

// loaderCursor mirrors loader.Cursor in the state file.
type loaderCursor struct {
	Epoch int64 `json:"epoch"`
	Batch int64 `json:"batch"`
}

// saveCheckpoint writes the checkpoint of step under root, atomically.
func saveCheckpoint(root string, p *bert.Params, st *optim.State, state *State, vocabPath string) (string, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	name := checkpointName(state.Step)
	final := filepath.Join(root, name)
	tmp := filepath.Join(root, ".tmp-"+name)
	if err := os.RemoveAll(tmp); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	fail := func(err error) (string, error) {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("checkpoint %s: %w", final, err)
	}
	if err := bert.Save(tmp, p, vocabPath); err != nil {
		return fail(err)
	}
	moments := []safetensors.Tensor{
		{Name: "exp_avg", Shape: []int64{int64(len(st.M))}, Data: st.M},
		{Name: "exp_avg_sq", Shape: []int64{int64(len(st.V))}, Data: st.V},
	}
	if err := safetensors.Write(filepath.Join(tmp, OptimizerName), moments, map[string]string{"optim_step": strconv.FormatInt(st.Step, 10)}); err != nil {
		return fail(err)
	}
	js, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := atomicfile.WriteFile(filepath.Join(tmp, StateName), append(js, '\n')); err != nil {
		return fail(err)
	}
	m := manifest.Manifest{Stage: "checkpoint", Version: version.String(), Params: state.Params,
		Counts: map[string]int64{"step": state.Step}}
	for _, f := range []string{bert.WeightsName, bert.ConfigName, bert.VocabName, OptimizerName, StateName} {
		d, err := manifest.Describe(filepath.Join(tmp, f), f)
		if err != nil {
			return fail(err)
		}
		m.Outputs = append(m.Outputs, d)
	}
	if err := manifest.Write(tmp, &m); err != nil {
		return fail(err)
	}
	if err := os.RemoveAll(final); err != nil { // a checkpoint of the same step from an earlier, abandoned run
		return fail(err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fail(err)
	}
	if err := atomicfile.SyncDir(root); err != nil {
		return "", fmt.Errorf("checkpoint %s: %w", final, err)
	}
	return final, nil
}

// listCheckpoints returns the steps of the complete checkpoints under
// root, in increasing order. A missing root has none.
func listCheckpoints(root string) ([]int64, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	var steps []int64
	for _, e := range entries {
		digits, ok := strings.CutPrefix(e.Name(), checkpointStem)
		if !ok || !e.IsDir() {
			continue
		}
		step, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), manifest.Name)); err != nil {
			continue // not finished: never renamed into place by this package, but a copy may be partial
		}
		steps = append(steps, step)
	}
	slices.Sort(steps)
	return steps, nil
}

// pruneCheckpoints deletes the oldest checkpoints beyond keep (keep ≤ 0
// keeps all), and any abandoned temporary directories.
func pruneCheckpoints(root string, keep int) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-"+checkpointStem) {
			if err := os.RemoveAll(filepath.Join(root, e.Name())); err != nil {
				return fmt.Errorf("checkpoints: %w", err)
			}
		}
	}
	if keep <= 0 {
		return nil
	}
	steps, err := listCheckpoints(root)
	if err != nil {
		return err
	}
	for len(steps) > keep {
		if err := os.RemoveAll(filepath.Join(root, checkpointName(steps[0]))); err != nil {
			return fmt.Errorf("checkpoints: %w", err)
		}
		steps = steps[1:]
	}
	return nil
}

// ResolveCheckpoint returns the checkpoint directory that path names: a
// checkpoint directory itself (it holds model.safetensors), or a training
// output directory, whose latest complete checkpoint it returns.
func ResolveCheckpoint(path string) (string, error) {
	if _, err := os.Stat(filepath.Join(path, bert.WeightsName)); err == nil {
		return path, nil
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	root := filepath.Join(path, CheckpointsDir)
	steps, err := listCheckpoints(root)
	if err != nil {
		return "", err
	}
	if len(steps) == 0 {
		return "", fmt.Errorf("checkpoint: %s holds neither %s nor a finished checkpoint under %s/", path, bert.WeightsName, CheckpointsDir)
	}
	return filepath.Join(root, checkpointName(steps[len(steps)-1])), nil
}

// LoadModel reads the configuration and weights of a checkpoint directory
// (or the latest checkpoint of a training output directory).
func LoadModel(path string) (*bert.Params, string, error) {
	dir, err := ResolveCheckpoint(path)
	if err != nil {
		return nil, "", err
	}
	cfg, err := bert.LoadConfig(filepath.Join(dir, bert.ConfigName))
	if err != nil {
		return nil, "", err
	}
	p, err := bert.NewParams(cfg, 0)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", dir, err)
	}
	rep, err := bert.LoadWeights(filepath.Join(dir, bert.WeightsName), p)
	if err != nil {
		return nil, "", err
	}
	if len(rep.Missing) > 0 {
		return nil, "", fmt.Errorf("%s: %d tensors missing, first %s", filepath.Join(dir, bert.WeightsName), len(rep.Missing), rep.Missing[0])
	}
	return p, dir, nil
}

// loadOptimizer reads a checkpoint's optimizer moments into st.
func loadOptimizer(dir string, st *optim.State) error {
	path := filepath.Join(dir, OptimizerName)
	f, err := safetensors.Open(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	for _, t := range []struct {
		name string
		dst  []float32
	}{{"exp_avg", st.M}, {"exp_avg_sq", st.V}} {
		info, ok := f.Info(t.name)
		if !ok {
			return fmt.Errorf("checkpoint: %s: no tensor %s", path, t.name)
		}
		if len(info.Shape) != 1 || info.Shape[0] != int64(len(t.dst)) {
			return fmt.Errorf("checkpoint: %s: %s has shape %v, the model has %d parameters", path, t.name, info.Shape, len(t.dst))
		}
		if err := f.ReadFloat32(t.name, t.dst); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	return nil
}

// readState reads a checkpoint's trainer_state.json.
func readState(dir string) (*State, error) {
	path := filepath.Join(dir, StateName)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("checkpoint: %s: %w", path, err)
	}
	return &s, nil
}
