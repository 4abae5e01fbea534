// Package archcheck holds a test that keeps docs/ARCHITECTURE.md true: every
// package under pkg/ imports only the packages of this module that the
// document's package table allows.
package archcheck
