// Command eval measures pretrained BERT checkpoints: masked-LM and
// next-sentence accuracy, loss and perplexity on held-out shards (later,
// SQuAD and GLUE metrics).
//
//	eval pretrain --checkpoint runs/phase2 --data shards/phase2
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "eval",
	Summary: "masked-LM and NSP accuracy, loss and perplexity of BERT checkpoints on held-out shards",
	Commands: []cli.Command{
		{Name: "pretrain", Summary: "evaluate a checkpoint's pretraining objective on held-out shards", Run: runPretrain},
	},
}

func main() { cli.Main(program) }
