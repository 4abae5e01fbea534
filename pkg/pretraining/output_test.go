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
// change of the output, or an upgrade of klauspost/compress that changes the
// compressed bytes, updates the sums. (They last changed when the shards'
// own IPC writer replaced arrow-go's, with zstd's fastest level: the
// instances, as 'shard inspect' prints them, stayed the same.)
func TestOutputBytes(t *testing.T) {
	text := sampleText(t)
	for _, c := range []struct {
		name string
		set  func(p *Params)
		want map[string]string
	}{
		{"bertline", func(p *Params) { p.BlockDocs, p.Holdout, p.NumShards, p.HoldoutShards = 16, 0.1, 2, 1 }, map[string]string{
			"holdout/shard-00000.arrow": "fec4bc329851fb48bfde5f7056ec556bf215a6c7e976e393fb22de84fa1d8493",
			"train/shard-00000.arrow":   "ccef037c3d56dcc3602610e3a5d15d429f999725428b09423ec99b2493285c70",
			"train/shard-00001.arrow":   "6e7593c2b1d6af6b96056fe8e2bb0648cc1d4ca6a6c2605ab76572291894db79",
		}},
		{"google-wwm", func(p *Params) {
			p.Compat, p.WholeWordMask, p.DupeFactor, p.MaxSeqLen, p.MaxPredictions = CompatGoogle, true, 2, 256, 40
		}, map[string]string{
			"train/shard-00000.arrow": "59d211ddf5b6f8132a8fc74116dae47518beb94a3b83af8ea763441e1875e39a",
		}},
		{"dynamic-bins", func(p *Params) { p.Masking, p.BinSize, p.BlockDocs, p.DupeFactor = MaskingDynamic, 64, 32, 1 }, map[string]string{
			"train/bin-000/shard-00000.arrow": "14a065422d43b4429e9106b4851f973481f9ee462d6d0767df8ef1e3aa8f5598",
			"train/bin-001/shard-00000.arrow": "ed15f9ff53b53e751a5d648be0793c6fe0786e2487e04c16d5c343f58cfbdb32",
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
