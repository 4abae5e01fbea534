package download

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// checkDataFile checks what a table entry can be checked for without the
// network: an https URL ending in a file name, a SHA-256 Fetch accepts, a
// plausible size.
func checkDataFile(t *testing.T, f DataFile) {
	t.Helper()
	u, err := url.Parse(f.URL)
	if err != nil || u.Scheme != "https" || u.RawQuery != "" {
		t.Errorf("%s: want a plain https URL", f.URL)
	}
	if _, err := fileName(u); err != nil || f.Name() != u.Path[strings.LastIndex(u.Path, "/")+1:] {
		t.Errorf("%s: Name() = %q", f.URL, f.Name())
	}
	if d, err := ParseDigest(f.SHA256); err != nil || d.Algo != "sha256" || d.Hex != f.SHA256 {
		t.Errorf("%s: SHA256 %q is not 64 lower-case hex digits", f.Name(), f.SHA256)
	}
	if f.Size < 1000 {
		t.Errorf("%s: size %d", f.Name(), f.Size)
	}
}

func TestSQuADTable(t *testing.T) {
	if len(SQuAD) != 2 {
		t.Fatalf("%d releases, want 1.1 and 2.0", len(SQuAD))
	}
	digests := map[string]string{}
	for _, r := range SQuAD {
		want := []string{"train-v" + r.Version + ".json", "dev-v" + r.Version + ".json"}
		if len(r.Files) != len(want) {
			t.Fatalf("SQuAD %s: %d files, want %q", r.Version, len(r.Files), want)
		}
		for i, f := range r.Files {
			checkDataFile(t, f)
			if f.Name() != want[i] || f.URL != "https://rajpurkar.github.io/SQuAD-explorer/dataset/"+want[i] {
				t.Errorf("SQuAD %s file %d: %s, want %s", r.Version, i, f.URL, want[i])
			}
			if other, dup := digests[f.SHA256]; dup {
				t.Errorf("%s and %s share a digest", other, f.Name())
			}
			digests[f.SHA256] = f.Name()
		}
		// A training set is several times its dev set.
		if r.Files[0].Size < 5*r.Files[1].Size {
			t.Errorf("SQuAD %s: train %d bytes, dev %d", r.Version, r.Files[0].Size, r.Files[1].Size)
		}
		for _, v := range []string{r.Version, "v" + r.Version} {
			if got, ok := LookupSQuAD(v); !ok || got.Version != r.Version {
				t.Errorf("LookupSQuAD(%q) = %v, %v", v, got.Version, ok)
			}
		}
	}
	for _, v := range []string{"", "1", "2", "1.0", "3.0", "all"} {
		if _, ok := LookupSQuAD(v); ok {
			t.Errorf("LookupSQuAD(%q) found a release", v)
		}
	}
}

func TestGLUETable(t *testing.T) {
	// download_glue_data.py's TASKS, in its order.
	want := []string{"CoLA", "SST", "MRPC", "QQP", "STS", "MNLI", "QNLI", "RTE", "WNLI", "diagnostic"}
	if len(GLUE) != len(want) {
		t.Fatalf("%d tasks, want %q", len(GLUE), want)
	}
	names := map[string]string{}
	digests := map[string]string{}
	for i, task := range GLUE {
		if task.Name != want[i] {
			t.Errorf("task %d is %s, want %s", i, task.Name, want[i])
		}
		for _, n := range append([]string{task.Name, task.Dir}, task.Aliases...) {
			if other, dup := names[strings.ToLower(n)]; dup && other != task.Name {
				t.Errorf("name %q means both %s and %s", n, other, task.Name)
			}
			names[strings.ToLower(n)] = task.Name
			for _, v := range []string{n, strings.ToUpper(n), strings.ToLower(n)} {
				if got, ok := LookupGLUETask(v); !ok || got.Name != task.Name {
					t.Errorf("LookupGLUETask(%q) = %s, %v; want %s", v, got.Name, ok, task.Name)
				}
			}
		}
		if len(task.Files) == 0 {
			t.Errorf("%s has no files", task.Name)
		}
		for _, f := range task.Files {
			checkDataFile(t, f)
			if other, dup := digests[f.SHA256]; dup {
				t.Errorf("%s and %s share a digest", other, f.Name())
			}
			digests[f.SHA256] = f.Name()
			if !strings.HasPrefix(f.URL, "https://dl.fbaipublicfiles.com/") {
				t.Errorf("%s: not on GLUE's host", f.URL)
			}
		}
		switch task.Name {
		case "MRPC":
			var got []string
			for _, f := range task.Files {
				got = append(got, f.Name())
			}
			if strings.Join(got, " ") != "msr_paraphrase_train.txt msr_paraphrase_test.txt mrpc_dev_ids.tsv" {
				t.Errorf("MRPC files %q", got)
			}
		case "diagnostic":
			if len(task.Files) != 1 || task.Files[0].Name() != "AX.tsv" {
				t.Errorf("diagnostic files %+v, want AX.tsv", task.Files)
			}
		default:
			if len(task.Files) != 1 || !strings.HasSuffix(task.Files[0].Name(), ".zip") {
				t.Errorf("%s: files %+v, want one zip", task.Name, task.Files)
			}
		}
	}
	// The script's QQP and STS entries point at each other's archive; the
	// table must not.
	if qqp, _ := LookupGLUETask("QQP"); qqp.Files[0].Name() != "QQP-clean.zip" {
		t.Errorf("QQP fetches %s", qqp.Files[0].Name())
	}
	if sts, _ := LookupGLUETask("STS"); sts.Files[0].Name() != "STS-B.zip" || sts.Dir != "STS-B" {
		t.Errorf("STS fetches %s into %s", sts.Files[0].Name(), sts.Dir)
	}
	for _, n := range []string{"", "all", "SNLI", "glue", "MNLI-mm"} {
		if _, ok := LookupGLUETask(n); ok {
			t.Errorf("LookupGLUETask(%q) found a task", n)
		}
	}
}

// A table entry is used like any digest: a server that sends other bytes
// under the published name fails verification and keeps nothing.
func TestFetchDataFileMismatch(t *testing.T) {
	f := GLUE[0].Files[0]
	body := payload(int(f.Size), 3)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { serve(w, r, body, `"cola"`) })
	opt := quick(t)
	opt.SHA256, opt.Name = f.SHA256, f.Name()
	_, err := Fetch(context.Background(), srv.URL+"/glue/data/"+f.Name(), opt)
	var ce *ChecksumError
	if !errors.As(err, &ce) || ce.Want != f.SHA256 || ce.Got != sum256(body) || !ce.Removed {
		t.Fatalf("Fetch of other bytes: %v", err)
	}
	if left := files(t, opt.CacheDir); len(left) != 0 {
		t.Errorf("cache holds %q after a mismatch", left)
	}
}
