// Package version names the build of the bertline tools, recorded in every
// stage manifest so that an output can be traced to the code that made it.
package version

import "runtime/debug"

// Version is set at link time by the Makefile
// (-ldflags "-X github.com/bertline/bertline/pkg/version.Version=...");
// otherwise it falls back to the module version or VCS revision the Go
// toolchain embedded, then to "dev".
var Version = ""

// String returns the tool version.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
