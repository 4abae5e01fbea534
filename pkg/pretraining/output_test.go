package pretraining

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

// The shards of three runs on the sample keep the bytes they had when this
// test was written (their SHA-256 below): work on the speed of tokenizing,
// masking or writing must not change a byte of the output. A deliberate
// change of the output, or an upgrade of arrow-go or klauspost/compress that
// changes the compressed bytes, updates the sums.
func TestOutputBytes(t *testing.T) {
	text := sampleText(t)
	for _, c := range []struct {
		name string
		set  func(p *Params)
		want map[string]string
	}{
		{"bertline", func(p *Params) { p.BlockDocs, p.Holdout, p.NumShards, p.HoldoutShards = 16, 0.1, 2, 1 }, map[string]string{
			"holdout/shard-00000.arrow": "eece4ccc24019594144a47de087af98e8d1c72b7a24c4d5fb7894ed4d31ae86d",
			"train/shard-00000.arrow":   "b738475cfce79fd3bf2ddf37672a1fdc4f675c21c7023a4a71539d4b966a7eb5",
			"train/shard-00001.arrow":   "63c420eaa037c38fc9f5f95151cc098ec1e820e3b0728357e85a44dd0f2fd21f",
		}},
		{"google-wwm", func(p *Params) {
			p.Compat, p.WholeWordMask, p.DupeFactor, p.MaxSeqLen, p.MaxPredictions = CompatGoogle, true, 2, 256, 40
		}, map[string]string{
			"train/shard-00000.arrow": "3856f2e7ff3a987ec4bb2478822aabc025be3972d0d0151c1a02de5d288fae96",
		}},
		{"dynamic-bins", func(p *Params) { p.Masking, p.BinSize, p.BlockDocs, p.DupeFactor = MaskingDynamic, 64, 32, 1 }, map[string]string{
			"train/bin-000/shard-00000.arrow": "f5d1b53ae503b46f6560d9969d6d00e37bfbb9176822e8154db8ab8bf563a047",
			"train/bin-001/shard-00000.arrow": "eaee5b33eb94a3753c9b07c2bda9e1ac14d3fd52b141c92d71189228ddfe9cd4",
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultParams()
			c.set(&p)
			out := t.TempDir()
			mustRun(t, config(t, []string{text}, out, p))
			got := map[string]string{}
			flat, _ := filepath.Glob(filepath.Join(out, "*", "*.arrow"))
			binned, _ := filepath.Glob(filepath.Join(out, "*", "*", "*.arrow"))
			for _, n := range append(flat, binned...) {
				data, err := os.ReadFile(n)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(data)
				rel, _ := filepath.Rel(out, n)
				got[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
			}
			if len(got) != len(c.want) {
				t.Errorf("%d shard files %v, want %d", len(got), got, len(c.want))
			}
			for name, want := range c.want {
				if got[name] != want {
					t.Errorf("%s: SHA-256 %s, want %s", name, got[name], want)
				}
			}
		})
	}
}
