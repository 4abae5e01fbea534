package download

import (
	"path"
	"strings"
)

// DataFile is one published file of a fine-tuning benchmark, with the digest
// Fetch verifies it against. A DataFile is a plain value.
//
// The digests were not computed here: they are the ones that two independent
// dataset loaders publish for the same URLs, TensorFlow Datasets (URL, size,
// SHA-256 lines in tensorflow_datasets/question_answering/squad/checksums.tsv
// and tensorflow_datasets/url_checksums/glue.txt) and Hugging Face datasets
// (download_checksums in datasets/squad/dataset_infos.json and
// datasets/glue/dataset_infos.json).
type DataFile struct {
	URL    string // where the file is published
	SHA256 string // hex digest of the published file, for Options.SHA256
	Size   int64  // bytes
}

// Name is the file's published name, the last element of its URL path:
// "train-v1.1.json", "CoLA.zip".
func (f DataFile) Name() string { return path.Base(f.URL) }

// SQuADRelease is one version of the Stanford Question Answering Dataset:
// JSON files {"version": …, "data": [{"title", "paragraphs": [{"context",
// "qas": [{"id", "question", "answers", "is_impossible" (2.0 only)}]}]}]}.
type SQuADRelease struct {
	Version string     // "1.1" or "2.0"
	Files   []DataFile // train, then dev
}

// squadBase is where SQuAD is published.
const squadBase = "https://rajpurkar.github.io/SQuAD-explorer/dataset/"

// SQuAD lists the releases, oldest first. It is read-only.
//
// Sizes and digests: tensorflow_datasets/question_answering/squad/checksums.tsv
// (TensorFlow Datasets); those of 1.1 also in Hugging Face's
// datasets/squad/dataset_infos.json, those of 2.0 also in ParlAI's
// parlai/tasks/squad2/build.py.
var SQuAD = []SQuADRelease{
	{
		Version: "1.1",
		Files: []DataFile{
			{URL: squadBase + "train-v1.1.json", Size: 30288272, SHA256: "3527663986b8295af4f7fcdff1ba1ff3f72d07d61a20f487cb238a6ef92fd955"},
			{URL: squadBase + "dev-v1.1.json", Size: 4854279, SHA256: "95aa6a52d5d6a735563366753ca50492a658031da74f301ac5238b03966972c9"},
		},
	},
	{
		Version: "2.0",
		Files: []DataFile{
			{URL: squadBase + "train-v2.0.json", Size: 42123633, SHA256: "68dcfbb971bd3e96d5b46c7177b16c1a4e7d4bdef19fb204502738552dede002"},
			{URL: squadBase + "dev-v2.0.json", Size: 4370528, SHA256: "80a5225e94905956a6446d296ca1093975c4d3b3260f1d6c8f68bc2ab77182d8"},
		},
	},
}

// LookupSQuAD returns the release of SQuAD called version ("1.1", "2.0"; a
// leading "v" is allowed).
func LookupSQuAD(version string) (SQuADRelease, bool) {
	version = strings.TrimPrefix(version, "v")
	for _, r := range SQuAD {
		if r.Version == version {
			return r, true
		}
	}
	return SQuADRelease{}, false
}

// GLUETask is one task of the GLUE benchmark as the benchmark's own
// download_glue_data.py fetches it into a data directory:
//
//   - most tasks are a zip holding one directory, Dir, with train.tsv,
//     dev.tsv and test.tsv (MNLI: dev_matched.tsv, dev_mismatched.tsv,
//     test_matched.tsv, test_mismatched.tsv), extracted as they are;
//   - MRPC is not redistributed by GLUE: the script downloads Microsoft's
//     msr_paraphrase_train.txt and msr_paraphrase_test.txt (SentEval's
//     copies) and GLUE's mrpc_dev_ids.tsv, and writes MRPC/train.tsv,
//     dev.tsv (the training pairs listed in the dev ids) and test.tsv;
//   - diagnostic is a single file, AX.tsv, saved as diagnostic/diagnostic.tsv.
type GLUETask struct {
	Name    string     // the script's task name: "CoLA", "SST", "MRPC", "QQP", "STS", "MNLI", "QNLI", "RTE", "WNLI", "diagnostic"
	Dir     string     // the directory its files land in: "CoLA", "SST-2", "MRPC", "QQP", "STS-B", …, "diagnostic"
	Aliases []string   // other names it goes by (Hugging Face's configuration names)
	Files   []DataFile // what is downloaded
}

// glueBase is where download_glue_data.py fetches the GLUE files from (its
// first revisions used Firebase links); sentevalBase holds SentEval's copy of
// MRPC.
const (
	glueBase     = "https://dl.fbaipublicfiles.com/glue/data/"
	sentevalBase = "https://dl.fbaipublicfiles.com/senteval/senteval_data/"
)

// GLUE lists the tasks in the order of download_glue_data.py's TASKS. It is
// read-only.
//
// URLs are those of the script's last revision, with its QQP and STS entries
// (which point at each other's archive) put right. QQP is "QQP-clean.zip"
// (41.7 MB), the archive published there; the Firebase-era QQP.zip was
// another file (60.5 MB). Sizes and
// digests: download_checksums in Hugging Face's datasets/glue/dataset_infos.json,
// which fetches these same URLs; TensorFlow Datasets'
// tensorflow_datasets/url_checksums/glue.txt lists the same size and SHA-256
// for every file but QQP-clean.zip, under the former Firebase (and bit.ly)
// URLs where the host is not SentEval's.
var GLUE = []GLUETask{
	{Name: "CoLA", Dir: "CoLA", Files: []DataFile{
		{URL: glueBase + "CoLA.zip", Size: 376971, SHA256: "f212fcd832b8f7b435fb991f101abf89f96b933ab400603bf198960dfc32cbff"},
	}},
	{Name: "SST", Dir: "SST-2", Aliases: []string{"sst2"}, Files: []DataFile{
		{URL: glueBase + "SST-2.zip", Size: 7439277, SHA256: "d67e16fb55739c1b32cdce9877596db1c127dc322d93c082281f64057c16deaa"},
	}},
	{Name: "MRPC", Dir: "MRPC", Files: []DataFile{
		{URL: sentevalBase + "msr_paraphrase_train.txt", Size: 1047044, SHA256: "60a9b09084528f0673eedee2b69cb941920f0b8cd0eeccefc464a98768457f89"},
		{URL: sentevalBase + "msr_paraphrase_test.txt", Size: 441275, SHA256: "a04e271090879aaba6423d65b94950c089298587d9c084bf9cd7439bd785f784"},
		{URL: glueBase + "mrpc_dev_ids.tsv", Size: 6222, SHA256: "971d7767d81b997fd9060ade0ec23c4fc31cbb226a55d1bd4a1bac474eb81dc7"},
	}},
	{Name: "QQP", Dir: "QQP", Files: []DataFile{
		{URL: glueBase + "QQP-clean.zip", Size: 41696084, SHA256: "40e7c862c04eb26ee04b67fd900e76c45c6ba8e6d8fab4f8f1f8072a1a3fbae0"},
	}},
	{Name: "STS", Dir: "STS-B", Aliases: []string{"stsb"}, Files: []DataFile{
		{URL: glueBase + "STS-B.zip", Size: 802872, SHA256: "e60a6393de5a8b5b9bac5020a1554b54e3691f9d600b775bd131e613ac179c85"},
	}},
	{Name: "MNLI", Dir: "MNLI", Files: []DataFile{
		{URL: glueBase + "MNLI.zip", Size: 312783507, SHA256: "e7c1d896d26ed6caf700110645df426cc2d8ebf02a5ab743d5a5c68ac1c83633"},
	}},
	{Name: "QNLI", Dir: "QNLI", Files: []DataFile{
		{URL: glueBase + "QNLIv2.zip", Size: 10627589, SHA256: "e634e78627a29adaecd4f955359b22bf5e70f2cbd93b493f2d624138a0c0e5f5"},
	}},
	{Name: "RTE", Dir: "RTE", Files: []DataFile{
		{URL: glueBase + "RTE.zip", Size: 697150, SHA256: "6bf86de103ecd335f3441bd43574d23fef87ecc695977a63b82d5efb206556ee"},
	}},
	{Name: "WNLI", Dir: "WNLI", Files: []DataFile{
		{URL: glueBase + "WNLI.zip", Size: 28999, SHA256: "ae0e8e4d16f4d46d4a0a566ec7ecceccfd3fbfaa4a7a4b4e02848c0f2561ac46"},
	}},
	{Name: "diagnostic", Dir: "diagnostic", Aliases: []string{"ax"}, Files: []DataFile{
		{URL: glueBase + "AX.tsv", Size: 222257, SHA256: "0e13510b1bb14436ff7e2ee82338f0efb0133ecf2e73507a697dc210db3f05fd"},
	}},
}

// LookupGLUETask returns the task of GLUE called name: its Name, Dir or one
// of its Aliases, in any case ("SST", "SST-2", "sst2").
func LookupGLUETask(name string) (GLUETask, bool) {
	for _, t := range GLUE {
		if strings.EqualFold(name, t.Name) || strings.EqualFold(name, t.Dir) {
			return t, true
		}
		for _, a := range t.Aliases {
			if strings.EqualFold(name, a) {
				return t, true
			}
		}
	}
	return GLUETask{}, false
}
