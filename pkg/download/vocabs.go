package download

// Vocab describes a published BERT WordPiece vocabulary: vocab.txt, one token
// per line, the line number being the token id ([PAD] 0, [UNK] 100, [CLS]
// 101, [SEP] 102, [MASK] 103).
//
// The large models ship the same file as their base counterparts, so each
// pair shares a digest. Copies of the files live in data/vocab/ of this
// repository, named after the base model. A Vocab is a plain value.
type Vocab struct {
	Name   string // model name, e.g. "bert-base-uncased"
	URL    string // where vocab.txt is published
	SHA256 string // hex digest of the published file, for Options.SHA256
	Size   int64  // bytes
	Lines  int    // tokens
	Cased  bool   // the model keeps case and accents; the tokenizer must not lower-case
}

// Vocabs lists the published vocabularies that Fetch can verify. It is
// read-only.
var Vocabs = []Vocab{
	{
		Name:   "bert-base-uncased",
		URL:    "https://huggingface.co/bert-base-uncased/resolve/main/vocab.txt",
		SHA256: "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
		Size:   231508,
		Lines:  30522,
	},
	{
		Name:   "bert-large-uncased",
		URL:    "https://huggingface.co/bert-large-uncased/resolve/main/vocab.txt",
		SHA256: "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
		Size:   231508,
		Lines:  30522,
	},
	{
		Name:   "bert-base-cased",
		URL:    "https://huggingface.co/bert-base-cased/resolve/main/vocab.txt",
		SHA256: "eeaa9875b23b04b4c54ef759d03db9d1ba1554838f8fb26c5d96fa551df93d02",
		Size:   213450,
		Lines:  28996,
		Cased:  true,
	},
	{
		Name:   "bert-large-cased",
		URL:    "https://huggingface.co/bert-large-cased/resolve/main/vocab.txt",
		SHA256: "eeaa9875b23b04b4c54ef759d03db9d1ba1554838f8fb26c5d96fa551df93d02",
		Size:   213450,
		Lines:  28996,
		Cased:  true,
	},
}

// LookupVocab returns the entry of Vocabs called name.
func LookupVocab(name string) (Vocab, bool) {
	for _, v := range Vocabs {
		if v.Name == name {
			return v, true
		}
	}
	return Vocab{}, false
}
