package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/cli"
	"github.com/bertline/bertline/pkg/plot"
	"github.com/bertline/bertline/pkg/trainer"
)

const plotHelp = `Draws OUT/metrics.jsonl of a training run (one or more, e.g. both phases)
as a PNG: training and held-out losses, masked-LM and NSP accuracy, the
learning rate and throughput against the update step. 'train pretrain'
draws OUT/metrics.png itself at the end of each run.

Examples:
  train plot runs/phase1
  train plot runs/phase1 runs/phase2 --out curves.png`

// PlotName is the picture 'train pretrain' leaves next to metrics.jsonl.
const PlotName = "metrics.png"

func runPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := cli.NewFlagSet("plot", "train plot RUN_DIR... [--out FILE]", plotHelp, stdout)
	out := flags.String("out", "", "PNG to write (default: RUN_DIR/metrics.png of the first run)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() == 0 {
		return cli.Usagef("a training output directory is required")
	}
	dest := *out
	if dest == "" {
		dest = filepath.Join(flags.Arg(0), PlotName)
	}
	if err := drawRuns(flags.Args(), dest); err != nil {
		return err
	}
	fmt.Fprintln(stdout, dest)
	return nil
}

// renderPlot draws one run's metrics next to them.
func renderPlot(dir string) error { return drawRuns([]string{dir}, filepath.Join(dir, PlotName)) }

// drawRuns draws the metrics of the runs into one figure at dest. Each
// run's steps continue where the previous run's ended, so that phase 2
// follows phase 1 on the same axis.
func drawRuns(dirs []string, dest string) error {
	all := map[string]plot.Series{}
	offset := 0.0
	for _, dir := range dirs {
		series, err := plot.ReadMetricsFile(filepath.Join(dir, trainer.MetricsName))
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		last := offset
		for name, s := range series {
			m := all[name]
			m.Name = name
			for i, x := range s.X {
				m.X = append(m.X, x+offset)
				m.Y = append(m.Y, s.Y[i])
				last = max(last, x+offset)
			}
			all[name] = m
		}
		offset = last
	}
	var png bytes.Buffer
	if err := plot.Render(&png, "BERT training: "+strings.Join(dirs, " + "), plot.TrainingPanels(all), 0, 0); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return atomicfile.WriteFile(dest, png.Bytes())
}
