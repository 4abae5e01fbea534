// Command shard turns corpus directories into BERT pretraining data:
// WordPiece tokenization, next-sentence pairs and masked-LM masking, written
// as balanced Arrow shards.
//
//	shard vocab --corpus corpus/wiki --corpus corpus/books --size 30522 --out vocab.txt
//	shard pretrain --corpus corpus/wiki --corpus corpus/books --vocab vocab.txt --out shards/phase1
//	shard pretrain ... --seq-len 512 --max-pred 80 --out shards/phase2
//	shard inspect shards/phase1 --limit 5
//	shard stats shards/phase1
//	echo "Unaffable!" | shard tokenize --vocab vocab.txt --tokens
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "shard",
	Summary: "WordPiece tokenization and BERT pretraining instances into Arrow shards",
	Commands: []cli.Command{
		{Name: "vocab", Summary: "train a WordPiece vocabulary on corpus directories", Run: runVocab},
		{Name: "pretrain", Summary: "corpus directories to pretraining shards (NSP pairs, MLM masking)", Run: runPretrain},
		{Name: "inspect", Summary: "print the instances of a shard directory as JSON lines", Run: runInspect},
		{Name: "stats", Summary: "counts, sequence lengths and realised masking rates of a shard directory", Run: runStats},
		{Name: "tokenize", Summary: "tokenize lines from stdin exactly as the shards are tokenized", Run: runTokenize},
	},
}

func main() { cli.Main(program) }
