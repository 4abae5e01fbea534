// Command shard: WordPiece tokenization, vocabulary training and BERT pretraining instances into Arrow shards.
//
// This stage is not built yet; it prints its help. See docs/ARCHITECTURE.md
// for where it sits in the chain.
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "shard",
	Summary: "WordPiece tokenization, vocabulary training and BERT pretraining instances into Arrow shards (not built yet)",
}

func main() { cli.Main(program) }
