// Package download makes a remote file available on local disk: resumed after
// a broken connection, retried with back-off, and verified against a digest
// before anyone reads it. A Wikipedia dump is about 20 GB; a transfer that
// breaks at 19 GB continues from 19 GB.
//
// Fetch takes a URL or a local path and returns a local path:
//
//	path, err := download.Fetch(ctx,
//		"https://dumps.wikimedia.org/enwiki/20240601/enwiki-20240601-pages-articles.xml.bz2",
//		download.Options{
//			CacheDir:  "cache",
//			Checksums: "https://dumps.wikimedia.org/enwiki/20240601/enwiki-20240601-sha1sums.txt",
//		})
//	// path == "cache/enwiki-20240601-pages-articles.xml.bz2", its SHA-1 checked
//	// against the line "<40 hex digits>  enwiki-20240601-pages-articles.xml.bz2"
//
// While the transfer runs, the cache directory holds:
//
//	cache/enwiki-20240601-sha1sums.txt                    the checksum list, cached like any download
//	cache/enwiki-20240601-pages-articles.xml.bz2.part       the bytes received so far
//	cache/enwiki-20240601-pages-articles.xml.bz2.part.json  the URL, ETag, Last-Modified and size they came from
//
// Only a complete, verified file is renamed to its final name, so a file
// without the .part suffix is always whole. A later Fetch of the same URL
// asks for the rest with "Range: bytes=N-" and "If-Range: <ETag>"; a server
// that answers 200 instead of 206, or whose ETag has changed, restarts the file
// from zero. A finished file in the cache is verified and reused without
// touching the network.
//
// Digests are written "sha256:<hex>", "sha1:<hex>", "md5:<hex>", or as bare hex
// whose length names the algorithm (32 md5, 40 sha1, 64 sha256), which is
// how Wikimedia's -md5sums.txt and -sha1sums.txt lists and sha256sum output
// write them.
//
// Errors are one line that names the URL or file: "download
// https://x/y.bz2: 404 Not Found". Conditions that retrying cannot fix match
// sentinels with errors.Is: ErrNotFound, ErrForbidden, ErrChecksum,
// ErrNoChecksum, ErrBadDigest.
package download
