package download

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bertline/bertline/pkg/atomicfile"
	"github.com/bertline/bertline/pkg/version"
)

// Options control Fetch. The zero value downloads into the current directory
// without verification, with 5 retries starting at 1 s. Fetch reads its own
// copy, so one Options value may serve concurrent calls; Progress is called
// on the goroutine that called Fetch.
type Options struct {
	CacheDir string // where finished files and partial ".part" files live; "" is the current directory
	// Name is the file's name in CacheDir; "" means the last element of the
	// URL path. Set it when different URLs end in the same name (every
	// model's "vocab.txt"), since the cache is keyed by name.
	Name string

	SHA256 string // expected digest of the file ("<hex>" or "sha256:<hex>"); "" for none
	// Checksums is the URL or path of a checksum list ("<hex>  <file name>"
	// lines, as Wikimedia's -sha1sums.txt and -md5sums.txt or sha256sum
	// output). The file's entry is looked up by its base name and the
	// algorithm follows from the hex length. A remote list is itself fetched
	// into CacheDir, so a second Fetch of a cached file needs no network.
	Checksums string

	Retries int           // attempts per request after the first; 0 means 5, negative means none
	Backoff time.Duration // first retry delay, doubled per failure up to 1 min, with jitter; 0 means 1 s

	// StallTimeout abandons (and retries) an attempt that receives no bytes
	// for this long, so a silent connection cannot hang a download for ever;
	// 0 means 2 min.
	StallTimeout time.Duration

	Client    *http.Client            // nil: connect, TLS and response-header timeouts, no total timeout
	Progress  func(done, total int64) // called about 5 times a second while bytes arrive, and at the end; total is -1 if unknown
	UserAgent string                  // "" means "bertline/<version>"
}

const (
	defaultRetries      = 5
	defaultBackoff      = time.Second
	defaultStallTimeout = 2 * time.Minute
	maxBackoff          = time.Minute
	maxRetryAfter       = 10 * time.Minute
	progressInterval    = 200 * time.Millisecond
	maxChecksumList     = 64 << 20
	copyBufferSize      = 256 << 10
)

// defaultClient bounds every phase that can hang before data flows but not
// the transfer itself, which may take hours; StallTimeout covers a silent body.
var defaultClient = &http.Client{
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: time.Minute,
		IdleConnTimeout:       90 * time.Second,
		ExpectContinueTimeout: time.Second,
		MaxIdleConns:          10,
	},
}

func (o Options) withDefaults() Options {
	if o.Retries == 0 {
		o.Retries = defaultRetries
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Backoff <= 0 {
		o.Backoff = defaultBackoff
	}
	if o.StallTimeout <= 0 {
		o.StallTimeout = defaultStallTimeout
	}
	if o.Client == nil {
		o.Client = defaultClient
	}
	if o.UserAgent == "" {
		o.UserAgent = "bertline/" + version.String()
	}
	if o.CacheDir == "" {
		o.CacheDir = "."
	}
	return o
}

// Fetch makes src available as a local file and returns its path.
//
// A local path (or file:// URL) is verified against the expected digest, if
// any, and returned as is; it is never copied, and never deleted on a
// mismatch. An http(s) URL is downloaded into CacheDir under Name, by default
// the last element of its path:
//
//   - a finished file already there is verified and returned without network;
//     one that fails verification is deleted and downloaded again;
//   - otherwise bytes go to "<name>.part", resumed from its current size with a
//     Range request validated by If-Range (ETag, else Last-Modified); a server
//     that ignores the range (200 instead of 206) or whose resource changed
//     restarts it from zero;
//   - network errors, stalls, 408, 429 and 5xx are retried with exponential
//     back-off (at least Retry-After when the server sends one); other 4xx
//     are not; an attempt that received bytes does not use up a retry;
//   - the digest is computed while writing (after re-reading the .part when
//     resuming); the file is synced and renamed into place only when complete
//     and verified; on a mismatch the .part is deleted and a *ChecksumError
//     names the file and both digests.
//
// Cancelling ctx stops the transfer promptly and keeps the .part, so a later
// Fetch resumes it. Fetch is safe for concurrent use with different
// destinations; two concurrent Fetches of the same file into the same
// CacheDir corrupt each other's .part.
func Fetch(ctx context.Context, src string, opt Options) (string, error) {
	opt = opt.withDefaults()
	u, err := url.Parse(src)
	if err != nil || u.Scheme == "" || len(u.Scheme) == 1 { // "C:\x" parses with scheme "c"
		return fetchLocal(ctx, src, opt)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return fetchRemote(ctx, u, opt)
	case "file":
		return fetchLocal(ctx, u.Path, opt)
	}
	return "", fmt.Errorf("download %s: unsupported URL scheme %q", src, u.Scheme)
}

// fetchLocal verifies a file that is already on disk.
func fetchLocal(ctx context.Context, name string, opt Options) (string, error) {
	fi, err := os.Stat(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = notFound{err}
		}
		return "", fmt.Errorf("download %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("download %s: not a regular file", name)
	}
	want, err := expected(ctx, filepath.Base(name), opt)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", name, err)
	}
	if err := verifyFile(name, want); err != nil {
		if errors.Is(err, ErrChecksum) {
			return "", fmt.Errorf("download %w", err) // the error starts with the file name
		}
		return "", fmt.Errorf("download %s: %w", name, err)
	}
	return name, nil
}

// fetchRemote downloads u into opt.CacheDir unless a verified copy is there.
func fetchRemote(ctx context.Context, u *url.URL, opt Options) (string, error) {
	where := u.Redacted()
	name := opt.Name
	if name == "" {
		var err error
		if name, err = fileName(u); err != nil {
			return "", fmt.Errorf("download %s: %w", where, err)
		}
	} else if name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("download %s: Options.Name %q is not a plain file name", where, name)
	}
	want, err := expected(ctx, name, opt)
	if err != nil {
		return "", fmt.Errorf("download %s: %w", where, err)
	}
	dest := filepath.Join(opt.CacheDir, name)
	if fi, err := os.Stat(dest); err == nil && fi.Mode().IsRegular() {
		err := verifyFile(dest, want)
		if err == nil {
			return dest, nil
		}
		if !errors.Is(err, ErrChecksum) {
			return "", fmt.Errorf("download %s: %w", where, err)
		}
		// A corrupt cached copy: fetch it again.
		if err := os.Remove(dest); err != nil {
			return "", fmt.Errorf("download %s: %w", where, err)
		}
	}
	if err := os.MkdirAll(opt.CacheDir, 0o755); err != nil {
		return "", fmt.Errorf("download %s: %w", where, err)
	}
	t := &transfer{
		url:  u.String(),
		dest: dest,
		part: dest + ".part",
		meta: dest + ".part.json",
		want: want,
		opt:  opt,
	}
	if err := t.run(ctx); err != nil {
		return "", fmt.Errorf("download %s: %w", where, err)
	}
	return dest, nil
}

// fileName is the cache name of u: the last element of its path.
func fileName(u *url.URL) (string, error) {
	name := path.Base(u.Path)
	if name == "." || name == "/" || name == ".." || strings.ContainsAny(name, `/\`) || name == "" {
		return "", errors.New("URL path does not end in a file name")
	}
	return name, nil
}

// expected gathers the digests that the file called name must match.
func expected(ctx context.Context, name string, opt Options) ([]Digest, error) {
	var want []Digest
	if opt.SHA256 != "" {
		d, err := ParseDigest(opt.SHA256)
		if err != nil {
			return nil, err
		}
		if d.Algo != "sha256" {
			return nil, fmt.Errorf("%w: Options.SHA256 holds a %s digest", ErrBadDigest, d.Algo)
		}
		want = append(want, d)
	}
	if opt.Checksums != "" {
		sums, err := loadChecksums(ctx, opt)
		if err != nil {
			return nil, err
		}
		ds, ok := sums[name]
		if !ok {
			return nil, fmt.Errorf("%w: %s lists no %s", ErrNoChecksum, opt.Checksums, name)
		}
		want = append(want, ds...)
	}
	return want, nil
}

// loadChecksums reads opt.Checksums, fetching it into the cache if remote.
func loadChecksums(ctx context.Context, opt Options) (map[string][]Digest, error) {
	listOpt := opt
	listOpt.SHA256, listOpt.Checksums, listOpt.Progress, listOpt.Name = "", "", nil, ""
	p, err := Fetch(ctx, opt.Checksums, listOpt)
	if err != nil {
		return nil, fmt.Errorf("checksum list: %w", err)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("checksum list: %w", err)
	}
	defer f.Close()
	sums, err := parseChecksums(io.LimitReader(f, maxChecksumList))
	if err != nil {
		return nil, fmt.Errorf("checksum list %s: %w", p, err)
	}
	return sums, nil
}

// partMeta records where the bytes of a .part came from, so that a resumed
// request can ask for "the same resource, from byte N".
type partMeta struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	Size         int64  `json:"size"` // total bytes, -1 if the server did not say
}

// validator is the If-Range value: a strong ETag, else Last-Modified.
func (m partMeta) validator() string {
	if m.ETag != "" && !strings.HasPrefix(m.ETag, "W/") {
		return m.ETag
	}
	return m.LastModified
}

// transfer is one file's download loop. It is used by one goroutine.
type transfer struct {
	url, dest, part, meta string
	want                  []Digest
	opt                   Options
}

// outcome is what one HTTP attempt achieved.
type outcome struct {
	progressed bool          // bytes were added to the .part
	retry      bool          // a later attempt may succeed
	after      time.Duration // Retry-After
	err        error
}

// Sentinels for attempts that are retried.
var (
	errChanged = errors.New("resource changed since the partial download began; restarting")
	errStalled = errors.New("no data received")
)

// run repeats attempts until the file is complete, a permanent error occurs,
// ctx ends, or Retries consecutive attempts have failed without progress.
func (t *transfer) run(ctx context.Context) error {
	failures, attempts := 0, 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		attempts++
		o := t.attempt(ctx)
		if o.err == nil {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !o.retry {
			return o.err
		}
		if o.progressed {
			failures = 1
		} else {
			failures++
		}
		if failures > t.opt.Retries {
			return fmt.Errorf("%w (gave up after %d attempts)", o.err, attempts)
		}
		delay := max(backoff(t.opt.Backoff, failures), min(o.after, maxRetryAfter))
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// backoff is the delay before retry number n (1-based): base·2^(n-1), capped,
// scaled by a random factor in [0.5, 1) so that many clients spread out.
func backoff(base time.Duration, n int) time.Duration {
	d := base
	limit := max(maxBackoff, base)
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	return d/2 + rand.N(d/2+1)
}

// attempt performs one request and appends its body to the .part.
func (t *transfer) attempt(ctx context.Context) outcome {
	meta, offset := t.resumePoint()
	if offset > 0 && meta.Size == offset {
		// Fully received earlier, then interrupted before the rename.
		return t.finish()
	}

	// Re-hash the bytes already received before asking for the rest, so the
	// response is read as soon as it arrives.
	hs := newHashers(t.want)
	if offset > 0 && len(hs) > 0 {
		if err := hashPrefix(ctx, t.part, offset, hs); err != nil {
			return outcome{err: err}
		}
	}

	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(t.opt.StallTimeout, func() { cancel(errStalled) })
	defer stall.Stop()

	req, err := http.NewRequestWithContext(actx, http.MethodGet, t.url, nil)
	if err != nil {
		return outcome{err: err}
	}
	req.Header.Set("User-Agent", t.opt.UserAgent)
	req.Header.Set("Accept-Encoding", "identity") // byte ranges of the stored file, not of a re-encoding
	if offset > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
		if v := meta.validator(); v != "" {
			req.Header.Set("If-Range", v)
		}
	}
	resp, err := t.opt.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already in the message
		}
		return outcome{retry: true, err: t.cause(actx, err)}
	}
	defer resp.Body.Close()

	switch resp.StatusCode {
	case http.StatusOK:
		offset = 0 // range ignored, or If-Range saw a changed resource
		hs = newHashers(t.want)
		meta = partMeta{URL: t.url, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Size: resp.ContentLength}
		if err := t.startPart(meta); err != nil {
			return outcome{err: err}
		}
	case http.StatusPartialContent:
		start, total, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset || (meta.Size >= 0 && total != meta.Size) || changed(meta, resp.Header) {
			t.dropPart()
			return outcome{retry: true, err: errChanged}
		}
		if meta.Size < 0 {
			meta.Size = total
		}
	default:
		se := &StatusError{Code: resp.StatusCode, Status: resp.Status, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
		if resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && offset > 0 {
			t.dropPart() // the .part is longer than the resource: start again
			return outcome{retry: true, err: errChanged}
		}
		return outcome{retry: se.Temporary(), after: se.RetryAfter, err: se}
	}

	f, err := os.OpenFile(t.part, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return outcome{err: err}
	}
	if err := f.Truncate(offset); err != nil {
		f.Close()
		return outcome{err: err}
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return outcome{err: err}
	}

	rep := reporter{fn: t.opt.Progress, total: meta.Size}
	rep.report(offset, true)
	n, werr, rerr := copyBody(f, hs, resp.Body, stall, t.opt.StallTimeout, func(n int64) { rep.report(offset+n, false) })
	done := offset + n
	rep.report(done, true)
	if werr != nil {
		f.Close()
		return outcome{err: werr}
	}
	if rerr == nil && meta.Size >= 0 && done != meta.Size {
		rerr = io.ErrUnexpectedEOF
	}
	if rerr != nil {
		f.Close()
		return outcome{progressed: n > 0, retry: true, err: t.cause(actx, rerr)}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return outcome{err: err}
	}
	if err := f.Close(); err != nil {
		return outcome{err: err}
	}
	if err := hs.check(t.dest, t.want); err != nil {
		t.dropPart()
		err.(*ChecksumError).Removed = true
		return outcome{err: err}
	}
	return t.commit()
}

// finish verifies a .part that already holds every byte and renames it.
func (t *transfer) finish() outcome {
	if err := verifyFile(t.part, t.want); err != nil {
		t.dropPart()
		if ce, ok := err.(*ChecksumError); ok {
			ce.Path, ce.Removed = t.dest, true
		}
		return outcome{err: err}
	}
	return t.commit()
}

// commit moves the complete, verified .part to its final name.
func (t *transfer) commit() outcome {
	if err := os.Rename(t.part, t.dest); err != nil {
		return outcome{err: err}
	}
	os.Remove(t.meta)
	if err := atomicfile.SyncDir(filepath.Dir(t.dest)); err != nil {
		return outcome{err: err}
	}
	return outcome{}
}

// resumePoint returns the recorded origin of the .part and its length, or
// an empty record and 0 when there is nothing usable to resume.
func (t *transfer) resumePoint() (partMeta, int64) {
	none := partMeta{URL: t.url, Size: -1}
	fi, err := os.Stat(t.part)
	if err != nil || !fi.Mode().IsRegular() {
		return none, 0
	}
	data, err := os.ReadFile(t.meta)
	var m partMeta
	if err != nil || json.Unmarshal(data, &m) != nil || m.URL != t.url || (m.Size >= 0 && fi.Size() > m.Size) {
		return none, 0
	}
	return m, fi.Size()
}

// startPart records meta for a .part that restarts from zero.
func (t *transfer) startPart(m partMeta) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(t.meta, append(data, '\n'), 0o644)
}

// dropPart deletes the .part and its record.
func (t *transfer) dropPart() {
	os.Remove(t.part)
	os.Remove(t.meta)
}

// cause replaces the context error of an attempt cut by the stall timer
// with a message that says so.
func (t *transfer) cause(actx context.Context, err error) error {
	if errors.Is(context.Cause(actx), errStalled) {
		return fmt.Errorf("%w for %v", errStalled, t.opt.StallTimeout)
	}
	return err
}

// changed reports whether a 206 response comes from a different version of
// the resource than the one the .part was started from.
func changed(m partMeta, h http.Header) bool {
	if et := h.Get("ETag"); m.ETag != "" && et != "" {
		return et != m.ETag
	}
	if lm := h.Get("Last-Modified"); m.LastModified != "" && lm != "" {
		return lm != m.LastModified
	}
	return false
}

// copyBody copies r to f and hs, re-arming the stall timer after each read,
// and reports the bytes written so far to progress. It returns the count,
// the first write error (local, not retried) and the first read error.
func copyBody(f *os.File, hs hashers, r io.Reader, stall *time.Timer, stallTimeout time.Duration, progress func(int64)) (n int64, werr, rerr error) {
	buf := make([]byte, copyBufferSize)
	for {
		m, err := r.Read(buf)
		if m > 0 {
			stall.Reset(stallTimeout)
			if _, werr := f.Write(buf[:m]); werr != nil {
				return n, werr, nil
			}
			hs.Write(buf[:m])
			n += int64(m)
			progress(n)
		}
		if err == io.EOF {
			return n, nil, nil
		}
		if err != nil {
			return n, nil, err
		}
	}
}

// hashPrefix feeds the first n bytes of the file at name to hs.
func hashPrefix(ctx context.Context, name string, n int64, hs hashers) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, copyBufferSize)
	r := io.LimitReader(f, n)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		m, err := r.Read(buf)
		hs.Write(buf[:m])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// parseContentRange parses "bytes START-END/TOTAL" (TOTAL may be "*").
func parseContentRange(s string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	first, _, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 {
		return 0, 0, false
	}
	if tot == "*" {
		return start, -1, true
	}
	total, err = strconv.ParseInt(tot, 10, 64)
	if err != nil || total < 0 {
		return 0, 0, false
	}
	return start, total, true
}

// retryAfter parses a Retry-After header: seconds or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if when, err := http.ParseTime(v); err == nil {
		return max(time.Until(when), 0)
	}
	return 0
}

// reporter throttles Options.Progress to one call per progressInterval.
type reporter struct {
	fn    func(done, total int64)
	total int64
	last  time.Time
}

func (r *reporter) report(done int64, force bool) {
	if r.fn == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(r.last) < progressInterval {
		return
	}
	r.last = now
	r.fn(done, r.total)
}
