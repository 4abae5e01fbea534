//go:build amd64 && !purego

package gemm

func init() {
	if hasAVX2() {
		geluTile, dgeluTile, prefetch = geluTileAVX, dgeluTileAVX, prefetchTile
	}
}

//go:noescape
func prefetchTile(p *float32, ldc int)

//go:noescape
func geluTileAVX(c, out *float32, ldc, rows int)

//go:noescape
func dgeluTileAVX(c, x *float32, ldc, rows int)
