// Command eval measures BERT checkpoints: masked-LM and next-sentence
// accuracy, loss and perplexity on held-out shards; SQuAD exact match and F1
// and GLUE metrics of fine-tuned models, computed as the official scripts
// compute them; and answers to questions asked by hand.
//
//	eval pretrain --checkpoint runs/phase2 --data shards/phase2
//	eval squad --checkpoint runs/squad --data dev-v1.1.json --out runs/squad/dev
//	eval glue --task MRPC --checkpoint runs/mrpc --data data/glue
//	eval qa --checkpoint runs/squad --question "…" --context "…"
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "eval",
	Summary: "pretraining, SQuAD and GLUE metrics of BERT checkpoints",
	Commands: []cli.Command{
		{Name: "pretrain", Summary: "evaluate a checkpoint's pretraining objective on held-out shards", Run: runPretrain},
		{Name: "squad", Summary: "answer a SQuAD file's questions; official exact match and F1", Run: runSQuAD},
		{Name: "glue", Summary: "a GLUE task's official metrics on its dev files", Run: runGLUE},
		{Name: "qa", Summary: "answer one question about one passage", Run: runQA},
	},
}

func main() { cli.Main(program) }
