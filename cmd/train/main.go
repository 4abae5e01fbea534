// Command train pretrains BERT from the Arrow shards of 'shard pretrain',
// on the CPU (and later CUDA GPUs), with NVIDIA's recipe: LAMB, poly warm-up,
// two phases, exact resume; and fine-tunes it for SQuAD and GLUE.
//
//	train pretrain --data shards/phase1 --model base --vocab vocab.txt --out runs/phase1 \
//	    --batch-size 256 --lr 6e-3 --warmup 0.2843 --max-steps 7038
//	train pretrain --phase2 --init-checkpoint runs/phase1 --data shards/phase2 --vocab vocab.txt \
//	    --out runs/phase2 --batch-size 128 --lr 4e-3 --warmup 0.128 --max-steps 1563
//	train squad --init-checkpoint runs/phase2 --train train-v1.1.json --dev dev-v1.1.json --out runs/squad
//	train glue --task MRPC --init-checkpoint runs/phase2 --data data/glue --out runs/mrpc
//	train plot runs/phase1
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "train",
	Summary: "BERT pretraining from Arrow shards (LAMB, two phases, exact resume) and SQuAD/GLUE fine-tuning",
	Commands: []cli.Command{
		{Name: "pretrain", Summary: "pretrain (or continue pretraining) a BERT model on shards", Run: runPretrain},
		{Name: "squad", Summary: "fine-tune for SQuAD 1.1/2.0 question answering (span head)", Run: runSQuAD},
		{Name: "glue", Summary: "fine-tune on a GLUE task (classification or regression head)", Run: runGLUE},
		{Name: "plot", Summary: "render a run's metrics.jsonl as a PNG of loss, accuracy and learning rate", Run: runPlot},
	},
}

func main() { cli.Main(program) }
