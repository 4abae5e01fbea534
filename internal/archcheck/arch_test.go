package archcheck

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/bertline/bertline/"

// allowed reads the package table of docs/ARCHITECTURE.md: rows
// "| `pkg/x` | job | a, b |" give the packages pkg/x may import.
func allowed(t *testing.T) map[string]map[string]bool {
	doc, err := os.ReadFile("../../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `pkg/([a-z0-9]+)` \\|[^|]*\\| ([^|]*) \\|$")
	out := map[string]map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		deps := map[string]bool{}
		for _, d := range strings.Split(m[2], ",") {
			if d = strings.TrimSpace(d); d != "" && d != "—" {
				deps[d] = true
			}
		}
		out[m[1]] = deps
	}
	return out
}

func TestImportsMatchArchitecture(t *testing.T) {
	table := allowed(t)
	dirs, err := filepath.Glob("../../pkg/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		deps, ok := table[name]
		if !ok {
			t.Errorf("pkg/%s is not in the package table of docs/ARCHITECTURE.md", name)
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				rest, ok := strings.CutPrefix(path, module+"pkg/")
				if ok && !deps[rest] {
					t.Errorf("%s imports pkg/%s, which docs/ARCHITECTURE.md does not allow for pkg/%s", f, rest, name)
				}
			}
		}
	}
}
