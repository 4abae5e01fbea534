package download

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Conditions that retrying does not fix. Errors returned by Fetch and Verify
// wrap one of these where it applies, so callers test with errors.Is.
var (
	// ErrNotFound: the server answered 404 or 410, or a local path does not exist.
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the server answered 401 or 403.
	ErrForbidden = errors.New("access denied")
	// ErrChecksum: the content does not match its expected digest.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrNoChecksum: the checksum list has no entry for the file.
	ErrNoChecksum = errors.New("no checksum for file")
	// ErrBadDigest: a digest or a checksum list line cannot be parsed.
	ErrBadDigest = errors.New("malformed digest")
)

// A StatusError is an HTTP response status other than 200 or 206. Statuses
// 408, 429 and 5xx are retried; the others end the download at once. Like
// every error here it is not modified after it is returned.
type StatusError struct {
	Code       int           // e.g. 404
	Status     string        // e.g. "404 Not Found"
	RetryAfter time.Duration // from the Retry-After header; 0 if absent
}

// Error returns the status line, e.g. "503 Service Unavailable".
func (e *StatusError) Error() string {
	if e.Status != "" {
		return e.Status
	}
	return fmt.Sprintf("%d %s", e.Code, http.StatusText(e.Code))
}

// Is matches ErrNotFound for 404 and 410 and ErrForbidden for 401 and 403.
func (e *StatusError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == http.StatusNotFound || e.Code == http.StatusGone
	case ErrForbidden:
		return e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden
	}
	return false
}

// Temporary reports whether a later attempt may succeed: 408, 429 and 5xx.
func (e *StatusError) Temporary() bool {
	return e.Code >= 500 || e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests
}

// A ChecksumError reports content whose digest differs from the expected one.
// It matches ErrChecksum.
type ChecksumError struct {
	Path    string // the file that was checked
	Algo    string // "md5", "sha1" or "sha256"
	Want    string // expected hex digest
	Got     string // actual hex digest
	Removed bool   // the downloaded bytes were deleted
}

// Error names the file and both digests, e.g.
// "cache/x.bz2: sha1 checksum mismatch: want 3b2c…, got 9f01… (removed)".
func (e *ChecksumError) Error() string {
	s := fmt.Sprintf("%s: %s checksum mismatch: want %s, got %s", e.Path, e.Algo, e.Want, e.Got)
	if e.Removed {
		s += " (removed)"
	}
	return s
}

// Is matches ErrChecksum.
func (e *ChecksumError) Is(target error) bool { return target == ErrChecksum }

// notFound marks a local file error (fs.ErrNotExist) as ErrNotFound too,
// keeping the operating system's message.
type notFound struct{ err error }

func (e notFound) Error() string        { return e.err.Error() }
func (e notFound) Unwrap() error        { return e.err }
func (e notFound) Is(target error) bool { return target == ErrNotFound }
