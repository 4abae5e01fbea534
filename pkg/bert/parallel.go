package bert

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// minRowsPerWorker keeps tiny kernels on the calling goroutine, where
// starting workers would cost more than the work.
const minRowsPerWorker = 16

// chunksPerWorker is how many pieces parallelFor cuts per goroutine, so
// that a goroutine slowed down by other work on the machine leaves its
// later pieces to the others instead of holding all of them up.
const chunksPerWorker = 4

// parallelRows is parallelFor with minRowsPerWorker rows per goroutine at
// least.
func parallelRows(n int, fn func(lo, hi int)) { parallelFor(n, minRowsPerWorker, fn) }

// parallelFor calls fn on contiguous ranges [lo, hi) that together cover
// 0 .. n-1, on up to GOMAXPROCS goroutines, which take the ranges in turn
// as they finish the previous one. Every row belongs to exactly one call,
// each call gets grain rows at least, and fn processes its rows in order,
// so a kernel that computes each output row from its own inputs gives the
// same bits for any number of goroutines and any split.
func parallelFor(n, grain int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n/grain)
	if workers <= 1 {
		fn(0, n)
		return
	}
	chunks := min(n/grain, workers*chunksPerWorker)
	var next atomic.Int64
	run := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= chunks {
				return
			}
			fn(i*n/chunks, (i+1)*n/chunks)
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(run)
	}
	run()
	wg.Wait()
}
