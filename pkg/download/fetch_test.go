package download

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// request is what the test server saw of one request.
type request struct {
	Range, IfRange, UserAgent string
	Status                    int
	At                        time.Time
}

// server is an httptest server whose handler is told the 1-based number of
// each request, and which logs every request.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []request
}

func newServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, request{Range: r.Header.Get("Range"), IfRange: r.Header.Get("If-Range"), UserAgent: r.UserAgent(), At: time.Now()})
		n := len(s.reqs)
		s.mu.Unlock()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h(rec, r, n)
		s.mu.Lock()
		s.reqs[n-1].Status = rec.status
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

func (s *server) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = nil
}

// statusRecorder remembers the status a handler sent.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Flush() { r.ResponseWriter.(http.Flusher).Flush() }

// serve answers like a well-behaved file server: Range, If-Range, ETag.
func serve(w http.ResponseWriter, r *http.Request, data []byte, etag string) {
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// cut sends a 200 header announcing all of data, then the first n bytes,
// then closes the connection.
func cut(w http.ResponseWriter, data []byte, n int, etag string) {
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	w.Write(data[:n])
	w.(http.Flusher).Flush()
	rw := w.(*statusRecorder).ResponseWriter
	conn, _, err := rw.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// payload returns n reproducible pseudo-random bytes.
func payload(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func sum256(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }
func sum1(b []byte) string   { s := sha1.Sum(b); return hex.EncodeToString(s[:]) }
func sumMD5(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// quick are options for tests: a fresh cache and tiny back-off.
func quick(t *testing.T) Options {
	return Options{CacheDir: t.TempDir(), Backoff: time.Millisecond}
}

// files lists the names in dir.
func files(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// checkFile asserts that path holds exactly want and is the only thing in
// its directory (no .part or record left over).
func checkFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: %d bytes, sha256 %s; want %d bytes, sha256 %s", path, len(got), sum256(got)[:12], len(want), sum256(want)[:12])
	}
	if names := files(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("cache holds %q, want only %q", names, filepath.Base(path))
	}
}

func TestFetchPlain(t *testing.T) {
	data := payload(1<<20, 1)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { serve(w, r, data, `"v1"`) })
	opt := quick(t)
	opt.SHA256 = sum256(data)
	var calls int
	var last [2]int64
	opt.Progress = func(done, total int64) { calls++; last = [2]int64{done, total} }

	p, err := Fetch(context.Background(), srv.URL+"/dumps/file.bin", opt)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(opt.CacheDir, "file.bin"); p != want {
		t.Errorf("path = %q, want %q", p, want)
	}
	checkFile(t, p, data)
	reqs := srv.requests()
	if len(reqs) != 1 || reqs[0].Range != "" || !strings.HasPrefix(reqs[0].UserAgent, "bertline/") {
		t.Errorf("requests = %+v, want one plain GET with a bertline User-Agent", reqs)
	}
	if calls < 2 || last != [2]int64{int64(len(data)), int64(len(data))} {
		t.Errorf("progress: %d calls, last %v; want at least 2, ending at %d of %d", calls, last, len(data), len(data))
	}
}

func TestFetchResumesAfterCut(t *testing.T) {
	data := payload(300_001, 2)
	half := len(data) / 2
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			cut(w, data, half, `"v1"`)
			return
		}
		serve(w, r, data, `"v1"`)
	})
	opt := quick(t)
	opt.SHA256 = sum256(data)
	p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2: %+v", len(reqs), reqs)
	}
	if want := fmt.Sprintf("bytes=%d-", half); reqs[1].Range != want || reqs[1].IfRange != `"v1"` || reqs[1].Status != http.StatusPartialContent {
		t.Errorf("second request %+v, want Range %q, If-Range \"v1\", answered 206", reqs[1], want)
	}
}

func TestFetchServerIgnoresRange(t *testing.T) {
	data := payload(200_000, 3)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			cut(w, data, 123_456, `"v1"`)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write(data) // always 200, whatever the Range header says
	})
	opt := quick(t)
	opt.SHA256 = sum256(data)
	p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)
	reqs := srv.requests()
	if len(reqs) != 2 || reqs[1].Range != "bytes=123456-" || reqs[1].Status != http.StatusOK {
		t.Errorf("requests = %+v, want a ranged second request answered 200", reqs)
	}
}

func TestFetchRestartsWhenETagChanges(t *testing.T) {
	old, cur := payload(100_000, 4), payload(120_000, 5)
	t.Run("If-Range", func(t *testing.T) {
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				cut(w, old, 60_000, `"v1"`)
				return
			}
			serve(w, r, cur, `"v2"`) // If-Range "v1" fails, so the whole of cur comes back
		})
		opt := quick(t)
		opt.SHA256 = sum256(cur)
		p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
		if err != nil {
			t.Fatal(err)
		}
		checkFile(t, p, cur)
		reqs := srv.requests()
		if len(reqs) != 2 || reqs[1].IfRange != `"v1"` || reqs[1].Status != http.StatusOK {
			t.Errorf("requests = %+v, want If-Range \"v1\" answered 200", reqs)
		}
	})
	t.Run("206 with new ETag", func(t *testing.T) {
		// A server that ignores If-Range and sends a range of the new
		// version, of the same length, so only the ETag tells.
		cur := payload(len(old), 5)
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				cut(w, old, 60_000, `"v1"`)
				return
			}
			r.Header.Del("If-Range")
			serve(w, r, cur, `"v2"`)
		})
		opt := quick(t)
		opt.SHA256 = sum256(cur)
		p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
		if err != nil {
			t.Fatal(err)
		}
		checkFile(t, p, cur)
		reqs := srv.requests()
		if len(reqs) != 3 || reqs[1].Status != http.StatusPartialContent || reqs[2].Range != "" {
			t.Errorf("requests = %+v, want the 206 of the new version discarded and a fresh GET", reqs)
		}
	})
}

func TestFetchChecksumMismatch(t *testing.T) {
	data := payload(50_000, 6)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) { serve(w, r, data, `"v1"`) })
	opt := quick(t)
	wrong := sum256([]byte("something else"))
	opt.SHA256 = wrong
	_, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	if !errors.Is(err, ErrChecksum) {
		t.Fatalf("Fetch = %v, want ErrChecksum", err)
	}
	msg := err.Error()
	for _, want := range []string{srv.URL + "/file.bin", "file.bin", wrong, sum256(data)} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans lines: %q", msg)
	}
	if names := files(t, opt.CacheDir); len(names) != 0 {
		t.Errorf("cache holds %q after a mismatch, want nothing", names)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (a mismatch is not retried)", n)
	}
}

func TestFetchPermanentStatus(t *testing.T) {
	for _, tc := range []struct {
		code     int
		sentinel error
	}{
		{http.StatusNotFound, ErrNotFound},
		{http.StatusGone, ErrNotFound},
		{http.StatusForbidden, ErrForbidden},
		{http.StatusUnauthorized, ErrForbidden},
		{http.StatusBadRequest, nil},
	} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				http.Error(w, "no", tc.code)
			})
			opt := quick(t)
			url := srv.URL + "/enwiki/y.bz2"
			_, err := Fetch(context.Background(), url, opt)
			want := fmt.Sprintf("download %s: %d %s", url, tc.code, http.StatusText(tc.code))
			if err == nil || err.Error() != want {
				t.Fatalf("Fetch = %v, want %q", err, want)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Errorf("errors.Is(%v, %v) = false", err, tc.sentinel)
			}
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tc.code || se.Temporary() {
				t.Errorf("StatusError = %+v", se)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("%d requests, want 1 (no retries)", n)
			}
			if names := files(t, opt.CacheDir); len(names) != 0 {
				t.Errorf("cache holds %q", names)
			}
		})
	}
}

func TestFetchRetries5xx(t *testing.T) {
	data := payload(10_000, 7)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		serve(w, r, data, `"v1"`)
	})
	opt := quick(t)
	opt.SHA256 = sum256(data)
	p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)
	if n := len(srv.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestFetchGivesUp(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	opt := quick(t)
	opt.Retries = 2
	_, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 500 || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Fatalf("Fetch = %v, want a 500 StatusError after 3 attempts", err)
	}
	if n := len(srv.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (Retries 2)", n)
	}

	srv.reset()
	opt.Retries = -1
	if _, err := Fetch(context.Background(), srv.URL+"/file.bin", opt); err == nil {
		t.Fatal("Fetch succeeded against a failing server")
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("Retries -1: %d requests, want 1", n)
	}
}

func TestFetchHonoursRetryAfter(t *testing.T) {
	data := payload(1000, 8)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		serve(w, r, data, `"v1"`)
	})
	opt := quick(t) // back-off 1 ms: any wait beyond that is Retry-After's
	p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap < 950*time.Millisecond {
		t.Errorf("retried after %v, want at least the 1 s of Retry-After", gap)
	}
}

func TestFetchChecksumList(t *testing.T) {
	a, b, c := payload(3000, 9), payload(4000, 10), payload(5000, 11)
	lists := map[string]string{
		"/d/enwiki-sha1sums.txt":  sum1(a) + "  a.bin\n" + sum1(b) + "  b.bin\n",
		"/d/enwiki-md5sums.txt":   sumMD5(a) + "  a.bin\n" + sumMD5(c) + "  c.bin\n",
		"/d/SHA256SUMS":           sum256(b) + " *b.bin\n" + sum256(c) + " *c.bin\n",
		"/d/wrong-sha1sums.txt":   sum1(b) + "  a.bin\n",
		"/d/mixed-checksums.txt":  sumMD5(a) + "  a.bin\n" + sum1(a) + "  a.bin\n" + sum256(a) + "  a.bin\n",
		"/d/html-error-page.html": "<html><body>Not here</body></html>\n",
	}
	content := map[string][]byte{"/d/a.bin": a, "/d/b.bin": b, "/d/c.bin": c}
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if l, ok := lists[r.URL.Path]; ok {
			w.Write([]byte(l))
			return
		}
		if d, ok := content[r.URL.Path]; ok {
			serve(w, r, d, `"v1"`)
			return
		}
		http.NotFound(w, r)
	})
	for _, tc := range []struct {
		file, list string
		err        error
	}{
		{"a.bin", "enwiki-sha1sums.txt", nil},
		{"b.bin", "enwiki-sha1sums.txt", nil},
		{"a.bin", "enwiki-md5sums.txt", nil},
		{"c.bin", "enwiki-md5sums.txt", nil},
		{"b.bin", "SHA256SUMS", nil},
		{"c.bin", "SHA256SUMS", nil},
		{"a.bin", "mixed-checksums.txt", nil},
		{"a.bin", "wrong-sha1sums.txt", ErrChecksum},
		{"c.bin", "enwiki-sha1sums.txt", ErrNoChecksum},
		{"a.bin", "html-error-page.html", ErrBadDigest},
		{"a.bin", "missing-sha1sums.txt", ErrNotFound},
	} {
		t.Run(tc.file+" "+tc.list, func(t *testing.T) {
			opt := quick(t)
			opt.Checksums = srv.URL + "/d/" + tc.list
			p, err := Fetch(context.Background(), srv.URL+"/d/"+tc.file, opt)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("Fetch = %v, want %v", err, tc.err)
				}
				if _, err := os.Stat(filepath.Join(opt.CacheDir, tc.file)); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s left in the cache after a failure", tc.file)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(p)
			if !bytes.Equal(got, content["/d/"+tc.file]) {
				t.Errorf("%s has the wrong content", p)
			}
		})
	}

	t.Run("local list", func(t *testing.T) {
		opt := quick(t)
		opt.Checksums = writeTemp(t, "sha1sums.txt", lists["/d/enwiki-sha1sums.txt"])
		if _, err := Fetch(context.Background(), srv.URL+"/d/b.bin", opt); err != nil {
			t.Fatal(err)
		}
	})
}

func TestFetchReusesCachedFile(t *testing.T) {
	data := payload(70_000, 12)
	list := sum1(data) + "  file.bin\n"
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasSuffix(r.URL.Path, "sha1sums.txt") {
			w.Write([]byte(list))
			return
		}
		serve(w, r, data, `"v1"`)
	})
	for _, tc := range []struct {
		name string
		set  func(*Options)
	}{
		{"SHA256", func(o *Options) { o.SHA256 = "sha256:" + sum256(data) }},
		{"Checksums", func(o *Options) { o.Checksums = srv.URL + "/sha1sums.txt" }},
		{"no digest", func(o *Options) {}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := quick(t)
			tc.set(&opt)
			first, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
			if err != nil {
				t.Fatal(err)
			}
			srv.reset()
			second, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
			if err != nil {
				t.Fatal(err)
			}
			if second != first {
				t.Errorf("second Fetch returned %q, want %q", second, first)
			}
			if n := len(srv.requests()); n != 0 {
				t.Errorf("second Fetch sent %d requests, want 0", n)
			}
		})
	}

	t.Run("corrupt copy is fetched again", func(t *testing.T) {
		opt := quick(t)
		opt.SHA256 = sum256(data)
		p := filepath.Join(opt.CacheDir, "file.bin")
		os.WriteFile(p, data[:100], 0o644)
		srv.reset()
		if _, err := Fetch(context.Background(), srv.URL+"/file.bin", opt); err != nil {
			t.Fatal(err)
		}
		checkFile(t, p, data)
		if n := len(srv.requests()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})

	t.Run("complete part is finished without network", func(t *testing.T) {
		opt := quick(t)
		opt.SHA256 = sum256(data)
		url := srv.URL + "/file.bin"
		dest := filepath.Join(opt.CacheDir, "file.bin")
		os.WriteFile(dest+".part", data, 0o644)
		os.WriteFile(dest+".part.json", []byte(fmt.Sprintf(`{"url":%q,"etag":"\"v1\"","size":%d}`, url, len(data))), 0o644)
		srv.reset()
		if _, err := Fetch(context.Background(), url, opt); err != nil {
			t.Fatal(err)
		}
		checkFile(t, dest, data)
		if n := len(srv.requests()); n != 0 {
			t.Errorf("%d requests, want 0", n)
		}
	})
}

func TestFetchLocalPath(t *testing.T) {
	p := writeTemp(t, "abc.txt", "abc")
	opt := quick(t)

	opt.SHA256 = abcSHA256
	got, err := Fetch(context.Background(), p, opt)
	if err != nil || got != p {
		t.Fatalf("Fetch = %q, %v; want %q", got, err, p)
	}
	if got, err := Fetch(context.Background(), "file://"+p, opt); err != nil || got != p {
		t.Errorf("Fetch(file URL) = %q, %v; want %q", got, err, p)
	}
	if names := files(t, opt.CacheDir); len(names) != 0 {
		t.Errorf("a local file was copied into the cache: %q", names)
	}

	opt.SHA256 = ""
	opt.Checksums = writeTemp(t, "md5sums.txt", abcMD5+"  abc.txt\n")
	if _, err := Fetch(context.Background(), p, opt); err != nil {
		t.Errorf("Fetch with a checksum list: %v", err)
	}

	opt.Checksums = ""
	opt.SHA256 = sum256([]byte("abd"))
	_, err = Fetch(context.Background(), p, opt)
	if !errors.Is(err, ErrChecksum) || !strings.HasPrefix(err.Error(), "download "+p+": sha256 checksum mismatch: want "+opt.SHA256+", got "+abcSHA256) {
		t.Errorf("Fetch = %v, want a mismatch naming the file and both digests", err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("a local file was removed after a mismatch: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "missing.bz2")
	_, err = Fetch(context.Background(), missing, Options{})
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "download "+missing+": ") {
		t.Errorf("Fetch(missing) = %v, want ErrNotFound", err)
	}
}

func TestFetchCancelKeepsPartAndResumes(t *testing.T) {
	data := payload(400_000, 13)
	half := len(data) / 2
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := quick(t)
	opt.SHA256 = sum256(data)
	part := filepath.Join(opt.CacheDir, "file.bin.part")
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 1 {
			serve(w, r, data, `"v1"`)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:half])
		w.(http.Flusher).Flush()
		// Cancel once the client has stored the first half, then stall.
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if fi, err := os.Stat(part); err == nil && fi.Size() == int64(half) {
				break
			}
		}
		cancel()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	url := srv.URL + "/file.bin"

	start := time.Now()
	_, err := Fetch(ctx, url, opt)
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "download "+url+": ") {
		t.Fatalf("Fetch = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("cancellation took %v", d)
	}
	if fi, err := os.Stat(part); err != nil || fi.Size() != int64(half) {
		t.Fatalf("after cancel: .part %v, %v; want %d bytes", fi, err, half)
	}

	p, err := Fetch(context.Background(), url, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)
	reqs := srv.requests()
	if want := fmt.Sprintf("bytes=%d-", half); len(reqs) != 2 || reqs[1].Range != want {
		t.Errorf("requests = %+v, want the second to ask for %q", reqs, want)
	}
}

func TestFetchStalledConnectionIsRetried(t *testing.T) {
	data := payload(100_000, 14)
	half := len(data) / 2
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n > 1 {
			serve(w, r, data, `"v1"`)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data[:half])
		w.(http.Flusher).Flush()
		select { // go silent until the client gives up
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	opt := quick(t)
	opt.SHA256 = sum256(data)
	opt.StallTimeout = 100 * time.Millisecond
	p, err := Fetch(context.Background(), srv.URL+"/file.bin", opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, p, data)
	reqs := srv.requests()
	if want := fmt.Sprintf("bytes=%d-", half); len(reqs) != 2 || reqs[1].Range != want {
		t.Errorf("requests = %+v, want a resume from %q", reqs, want)
	}
}

func TestFetchBadURL(t *testing.T) {
	for _, src := range []string{"http://example.invalid/", "ftp://example.invalid/x.bz2"} {
		if _, err := Fetch(context.Background(), src, quick(t)); err == nil || !strings.HasPrefix(err.Error(), "download "+src+": ") {
			t.Errorf("Fetch(%q) = %v, want an error naming it", src, err)
		}
	}
}

func TestBackoff(t *testing.T) {
	base := 100 * time.Millisecond
	for n := 1; n <= 20; n++ {
		nominal := min(base<<min(n-1, 30), maxBackoff)
		for range 20 {
			if d := backoff(base, n); d < nominal/2 || d > nominal {
				t.Fatalf("backoff(%v, %d) = %v, want within [%v, %v]", base, n, d, nominal/2, nominal)
			}
		}
	}
}

func TestParseContentRange(t *testing.T) {
	for _, tc := range []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 100-199/200", 100, 200, true},
		{"bytes 0-0/1", 0, 1, true},
		{"bytes 5-9/*", 5, -1, true},
		{"bytes */200", 0, 0, false},
		{"items 1-2/3", 0, 0, false},
		{"bytes 1-2", 0, 0, false},
		{"", 0, 0, false},
	} {
		start, total, ok := parseContentRange(tc.in)
		if start != tc.start || total != tc.total || ok != tc.ok {
			t.Errorf("parseContentRange(%q) = %d, %d, %v; want %d, %d, %v", tc.in, start, total, ok, tc.start, tc.total, tc.ok)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	if got := retryAfter("7"); got != 7*time.Second {
		t.Errorf("retryAfter(7) = %v", got)
	}
	if got := retryAfter(""); got != 0 {
		t.Errorf("retryAfter(\"\") = %v", got)
	}
	if got := retryAfter("soon"); got != 0 {
		t.Errorf("retryAfter(soon) = %v", got)
	}
	date := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	if got := retryAfter(date); got < 25*time.Second || got > 30*time.Second {
		t.Errorf("retryAfter(%q) = %v, want about 30s", date, got)
	}
}

func TestFetchName(t *testing.T) {
	a, b := payload(2000, 15), payload(3000, 16)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if strings.HasPrefix(r.URL.Path, "/a/") {
			serve(w, r, a, `"a"`)
			return
		}
		serve(w, r, b, `"b"`)
	})
	opt := quick(t)
	opt.Name = "a-vocab.txt"
	pa, err := Fetch(context.Background(), srv.URL+"/a/vocab.txt", opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Name = "b-vocab.txt"
	pb, err := Fetch(context.Background(), srv.URL+"/b/vocab.txt", opt)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string][]byte{pa: a, pb: b} {
		if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
			t.Errorf("%s has the wrong content", p)
		}
	}
	if filepath.Base(pa) != "a-vocab.txt" || filepath.Base(pb) != "b-vocab.txt" {
		t.Errorf("paths %q, %q", pa, pb)
	}
	opt.Name = "../escape.txt"
	if _, err := Fetch(context.Background(), srv.URL+"/a/vocab.txt", opt); err == nil {
		t.Error("a Name with a directory was accepted")
	}
}

func TestFetchConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/file.bin"
	srv.Close()
	opt := quick(t)
	opt.Retries = 1
	_, err := Fetch(context.Background(), url, opt)
	if err == nil {
		t.Fatal("Fetch from a closed server succeeded")
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "download "+url+": ") || strings.Count(msg, url) != 1 || !strings.Contains(msg, "gave up after 2 attempts") {
		t.Errorf("error %q: want one line naming the URL once and the attempts", msg)
	}
}

// BenchmarkFetch measures a local transfer of 64 MiB with SHA-256
// verification: the cost of the copy loop and hashing, not of a network.
func BenchmarkFetch(b *testing.B) {
	data := payload(64<<20, 17)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	opt := Options{SHA256: sum256(data)}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		opt.CacheDir = b.TempDir()
		if _, err := Fetch(context.Background(), srv.URL+"/big.bin", opt); err != nil {
			b.Fatal(err)
		}
	}
}
