package wikitext

import "bytes"

// Small byte helpers; all ASCII-only, allocation-free and inlinable.

func lower(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
func isDigit(b byte) bool  { return b >= '0' && b <= '9' }

// isSpace reports white space inside a line: ASCII controls and space, but
// not '\n', which separates lines.
func isSpace(b byte) bool { return b <= ' ' && b != '\n' || b == 0x7f }

func hasPrefix(s []byte, p string) bool {
	return len(s) >= len(p) && string(s[:len(p)]) == p
}

func indexString(s []byte, p string) int {
	return bytes.Index(s, []byte(p))
}

func equalFoldASCII(a, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func isASCII(s []byte) bool {
	for _, b := range s {
		if b >= 0x80 {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s starts with the lower-case ASCII p in any case.
func hasPrefixFold(s []byte, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if lower(s[i]) != p[i] {
			return false
		}
	}
	return true
}

func trimSpace(s []byte) []byte {
	for len(s) > 0 && (isSpace(s[0]) || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 && (isSpace(s[len(s)-1]) || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	return s
}

func trimRightSpace(s []byte) []byte {
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// urlSchemes are the external-link protocols MediaWiki recognises after '['.
var urlSchemes = []string{
	"http://", "https://", "//", "ftp://", "ftps://", "sftp://", "mailto:",
	"news:", "irc://", "ircs://", "gopher://", "git://", "svn://", "ssh://",
	"telnet://", "nntp://", "mms://", "ws://", "wss://", "urn:", "tel:", "sip:",
	"sips:", "geo:", "magnet:", "xmpp:", "sms:", "worldwind://", "bitcoin:",
}

// schemeLen returns the length of the URL scheme at the start of s (any
// case), or 0.
func schemeLen(s []byte) int {
	if len(s) < 2 {
		return 0
	}
	c := lower(s[0])
	if c != '/' && (c < 'a' || c > 'z') {
		return 0
	}
	for _, p := range urlSchemes {
		if p[0] == c && hasPrefixFold(s, p) {
			return len(p)
		}
	}
	return 0
}
