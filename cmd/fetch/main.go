// Command fetch downloads and cleans the text corpora BERT is pretrained on:
// Wikipedia XML dumps and book collections, into corpus directories of plain
// text, one sentence per line, a blank line between documents. It also
// downloads, verified, the vocabularies and the fine-tuning benchmarks
// (SQuAD, GLUE) in their published formats.
//
//	fetch wikipedia --lang en --date 20240601 --out data/wiki
//	fetch wikipedia --dump enwiki-20240601-pages-articles-multistream.xml.bz2 --out data/wiki
//	fetch books --source books.tar.gz --out data/books
//	fetch vocab --name bert-base-uncased --out vocab.txt
//	fetch squad --version 1.1 --out data/squad
//	fetch glue --task all --out data/glue
//
// Every command writes its output atomically and resumes after an
// interruption; see each command's --help.
package main

import "github.com/bertline/bertline/pkg/cli"

var program = &cli.Program{
	Name:    "fetch",
	Summary: "download and clean Wikipedia dumps and book corpora into sentence-per-line text; fetch vocabularies and benchmarks",
	Commands: []cli.Command{
		{Name: "wikipedia", Summary: "a Wikipedia XML dump (URL or file) to a corpus directory", Run: runWikipedia},
		{Name: "books", Summary: "a book collection (directory, archive, JSONL, Parquet) to a corpus directory", Run: runBooks},
		{Name: "vocab", Summary: "a published BERT WordPiece vocabulary, verified", Run: runVocab},
		{Name: "squad", Summary: "the SQuAD 1.1 or 2.0 JSON files, verified", Run: runSQuAD},
		{Name: "glue", Summary: "GLUE tasks, verified, in download_glue_data.py's layout", Run: runGLUE},
	},
}

func main() { cli.Main(program) }
