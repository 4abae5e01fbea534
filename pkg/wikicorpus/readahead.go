package wikicorpus

import (
	"errors"
	"io"
	"sync"
)

var errClosed = errors.New("read ahead: closed")

// readAhead reads its source in its own goroutine, so that decompression and
// XML parsing of a single-stream dump overlap on two cores. Read must be
// called from one goroutine; Close may be called at any time.
type readAhead struct {
	chunks chan []byte
	free   chan []byte
	errc   chan error
	stop   chan struct{}
	once   sync.Once
	held   []byte // the buffer cur points into, returned to free when used up
	cur    []byte
	err    error
}

func newReadAhead(r io.Reader, chunkSize, depth int) *readAhead {
	ra := &readAhead{
		chunks: make(chan []byte, depth),
		free:   make(chan []byte, depth+2),
		errc:   make(chan error, 1),
		stop:   make(chan struct{}),
	}
	for range depth + 2 {
		ra.free <- make([]byte, chunkSize)
	}
	go ra.fill(r)
	return ra
}

func (ra *readAhead) fill(r io.Reader) {
	defer close(ra.chunks)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ra.stop:
			ra.errc <- errClosed
			return
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			select {
			case ra.chunks <- buf[:n]:
			case <-ra.stop:
				ra.errc <- errClosed
				return
			}
		}
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			ra.errc <- err
			return
		}
	}
}

func (ra *readAhead) Read(p []byte) (int, error) {
	if len(ra.cur) == 0 {
		if ra.held != nil {
			ra.free <- ra.held
			ra.held = nil
		}
		if ra.err != nil {
			return 0, ra.err
		}
		chunk, ok := <-ra.chunks
		if !ok {
			ra.err = <-ra.errc
			return 0, ra.err
		}
		ra.held, ra.cur = chunk[:cap(chunk)], chunk
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the reading goroutine.
func (ra *readAhead) Close() { ra.once.Do(func() { close(ra.stop) }) }
