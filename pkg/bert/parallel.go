package bert

import (
	"runtime"
	"sync"
)

// minRowsPerWorker keeps tiny kernels on the calling goroutine, where
// starting workers would cost more than the work.
const minRowsPerWorker = 16

// parallelRows is parallelFor with minRowsPerWorker rows per goroutine at
// least.
func parallelRows(n int, fn func(lo, hi int)) { parallelFor(n, minRowsPerWorker, fn) }

// parallelFor calls fn on contiguous ranges [lo, hi) that together cover
// 0 .. n-1, on up to GOMAXPROCS goroutines. Every row belongs to exactly
// one call, each call gets grain rows at least, and fn processes its rows in order, so a kernel that computes
// each output row from its own inputs gives the same bits for any number of
// goroutines.
func parallelFor(n, grain int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/grain)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		wg.Go(func() { fn(w*n/workers, (w+1)*n/workers) })
	}
	fn(0, n/workers)
	wg.Wait()
}
