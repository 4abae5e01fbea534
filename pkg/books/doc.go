// Package books finds the books in a book corpus, in whatever form it comes,
// and cleans each book's text into paragraphs for the fetch stage.
//
// Walk reads a directory of *.txt files, a tar (plain, gzip, bzip2 or zstd)
// or zip archive of them, a single .txt, a JSON Lines file (plain, gzip or
// zstd) with a text field, or a Parquet file with a string column, and hands
// out one Book at a time:
//
//	books/                          Book{Name: "austen/emma.txt", Text: ...}
//	  austen/emma.txt               Book{Name: "austen/persuasion.txt", Text: ...}
//	  austen/persuasion.txt
//	books.jsonl                     Book{Name: "books.jsonl:1", Text: []byte("It is a truth...")}
//	  {"text": "It is a truth..."}
//	books.parquet (text, title)     Book{Name: "Emma", Text: ...} with Options.TitleColumn "title"
//
// Archives are treated as hostile: entries that would leave the archive,
// links, devices and FIFOs are refused, and decompression stops at
// Options.MaxBytes.
//
// Clean turns one book's raw text into paragraphs: it strips the Project
// Gutenberg header and footer, repairs the encoding, and joins hard-wrapped
// lines. For example
//
//	The Project Gutenberg EBook of Emma, by Jane Austen
//
//	*** START OF THIS PROJECT GUTENBERG EBOOK EMMA ***
//
//	CHAPTER I
//
//	Emma Woodhouse, handsome, clever, and rich, with a
//	comfortable home and happy disposition, seemed to
//	unite some of the best blessings of existence.
//
//	End of the Project Gutenberg EBook of Emma, by Jane Austen
//	...license...
//
// becomes the paragraphs
//
//	CHAPTER I
//	Emma Woodhouse, handsome, clever, and rich, with a comfortable home and happy disposition, seemed to unite some of the best blessings of existence.
//
// IsHeading tells such headings from prose, for callers that keep only
// prose. Splitting paragraphs into sentences is left to the caller.
package books
