package wordpiece_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/bertline/bertline/pkg/wordpiece"
)

func ExampleTokenizer_Tokenize() {
	vocab := "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nun\n##aff\n##able\nthe\nis\n!\n"
	v, err := wordpiece.ReadVocab(strings.NewReader(vocab))
	if err != nil {
		log.Fatal(err)
	}
	tok := wordpiece.New(v, wordpiece.Options{Lowercase: true})
	fmt.Println(tok.Tokenize("unaffable"))
	fmt.Println(tok.Tokenize("The UNAFFABLE is unaffordable!"))
	fmt.Println(tok.AppendIDs(nil, []byte("unaffable!")))
	// Output:
	// [un ##aff ##able]
	// [the un ##aff ##able is [UNK] !]
	// [5 6 7 10]
}
