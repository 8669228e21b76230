package sandbox

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"
	"time"
)

// The JavaScript interpreter is goja, built for wasip1 from this source.
//
//go:embed guests/javascript/main.go
var javascriptRunnerSource []byte

// javascriptRunnerGoMod pins the modules the runner builds with. They must
// be the versions the asi module requires (TestJavaScriptRunnerGoMod checks
// it), so a machine that built asi from source finds them in its module
// cache; one that did not (a `go install`ed asi) fetches them through the
// user's own Go proxy settings, checked against javascriptRunnerGoSum.
const javascriptRunnerGoMod = `module asi.local/javascript

go 1.26.0

require (
	github.com/dlclark/regexp2/v2 v2.5.2
	github.com/dop251/goja v0.0.0-20260917113740-793a2a65c13b
	github.com/go-sourcemap/sourcemap v2.1.3+incompatible
	github.com/google/pprof v0.0.0-20261016150608-1facf8f91b50
	golang.org/x/text v0.43.0
)
`

// javascriptRunnerGoSum holds the checksums of every module the runner
// builds with, copied from the asi module's go.sum (TestJavaScriptRunnerGoMod
// checks both): a fetched module that does not match is refused.
const javascriptRunnerGoSum = `github.com/dlclark/regexp2/v2 v2.5.2 h1:HAsucWRhsqcDzl6Ua9aR8JwYOTzrZyPrF0/FNxJVAI0=
github.com/dlclark/regexp2/v2 v2.5.2/go.mod h1:avUrQvPaLz2DrFNHJF0taWAFFX2C1GMSSoeiqFjcBmU=
github.com/dop251/goja v0.0.0-20260917113740-793a2a65c13b h1:UMDLDHFR1Chu3qnsPNCrVxq0lZgG6JqHpLL5+iqfSkw=
github.com/dop251/goja v0.0.0-20260917113740-793a2a65c13b/go.mod h1:u8yZRUavu+N4EnFFy6J5fVtjE7lEcZ2YyV2GcBXY9c8=
github.com/go-sourcemap/sourcemap v2.1.3+incompatible h1:W1iEw64niKVGogNgBN3ePyLFfuisuzeidWPMPWmECqU=
github.com/go-sourcemap/sourcemap v2.1.3+incompatible/go.mod h1:F8jJfvm2KbVjc5NqelyYJmf/v5J0dwNLS2mL4sNA1Jg=
github.com/google/pprof v0.0.0-20261016150608-1facf8f91b50 h1:PlNWJRxu5APSV0pWqfIsZ0qt9OOGHSWfZQ4zvx+WgWs=
github.com/google/pprof v0.0.0-20261016150608-1facf8f91b50/go.mod h1:yUo1AMMpsPIDFGuwDK8nLcf8+vvAd5l2O6JDZ6hpwrM=
golang.org/x/text v0.43.0 h1:1QivrlhwAsnMOcqgOdl9my7s9OyZl8O5/UGUTJVXoWc=
golang.org/x/text v0.43.0/go.mod h1:hbSIYA/amXcRXTFSZqh8tWHEoqRvvbKPJ2uz/KU+a+s=
`

// javascriptCompileExit is the runner's exit code for a script that does
// not parse (see guests/javascript).
const javascriptCompileExit = 3

// javascriptSourceDir is where the candidate's files appear in the guest.
const javascriptSourceDir = "/src"

// javascriptToolchain runs JavaScript on goja compiled to wasip1. The
// interpreter is built once per machine: by `make build` (asi sandbox
// prepare), or else on first use by a Runtime, with the host Go toolchain
// (one to two minutes cold on 2 cores; Options.Progress hears of it), then cached in
// CacheDir keyed by the runner's source and the Go version, and compiled
// once per Runtime with the compiler engine. A candidate costs no build and no compile: its files
// are mounted read-only at /src, in memory.
type javascriptToolchain struct{}

func (javascriptToolchain) Language() string { return "javascript" }

func (javascriptToolchain) Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error) {
	entry, err := Entry(files, ".js")
	if err != nil {
		return nil, err
	}
	m, err := r.sharedModule(ctx, "javascript", func() ([]byte, error) { return r.buildJavaScriptRunner(ctx) })
	if err != nil {
		return nil, err
	}
	fsys := make(fstest.MapFS, len(files))
	for name, b := range files {
		if !validGuestPath(name) {
			return nil, &CompileError{Output: fmt.Sprintf("file name %q: want a relative path without ..", name)}
		}
		fsys[name] = &fstest.MapFile{Data: b, Mode: 0o444}
	}
	return &Program{
		Module:  m,
		Args:    []string{javascriptSourceDir + "/" + entry},
		Mounts:  []Mount{{GuestDir: javascriptSourceDir, FS: fsys}},
		Explain: explainJavaScript,
	}, nil
}

// explainJavaScript reports a script that does not parse as ReasonCompile
// with goja's message, minus the guest directory.
func explainJavaScript(res Result) Result {
	if res.Reason == ReasonExit && res.ExitCode == javascriptCompileExit {
		res.Reason = ReasonCompile
		res.Detail = strings.ReplaceAll(strings.TrimSpace(string(res.Stderr)), javascriptSourceDir+"/", "")
	}
	return res
}

// validGuestPath accepts the relative, clean, slash-separated names a
// candidate's files may have.
func validGuestPath(name string) bool {
	return name != "" && !strings.HasPrefix(name, "/") && filepath.ToSlash(filepath.Clean(name)) == name &&
		!strings.HasPrefix(name, "../") && name != ".."
}

// buildJavaScriptRunner returns the runner's wasm from the cache, or
// builds it.
func (r *Runtime) buildJavaScriptRunner(ctx context.Context) ([]byte, error) {
	goPath, goVersion, err := r.goToolchain()
	if err != nil {
		return nil, fmt.Errorf("javascript interpreter: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "javascript\x00%s\x00%s\x00%s\x00", goVersion, javascriptRunnerGoMod, strings.Join(buildFlags, " "))
	h.Write(javascriptRunnerSource)
	key := hex.EncodeToString(h.Sum(nil))
	cachePath := ""
	if r.opt.CacheDir != "" {
		cachePath = filepath.Join(r.opt.CacheDir, "javascript", key+".wasm")
		if wasm, err := os.ReadFile(cachePath); err == nil {
			return wasm, nil
		}
	}
	// The runner is trusted code: it may take longer than a candidate, and
	// may fetch its pinned modules through the user's Go proxy.
	// Measured by scripts/fresh-machine-check.sh: 38 s and 101 s for the
	// build on a loaded 2-core machine, plus the first compile.
	r.progress("sandbox: building the JavaScript interpreter (goja for wasip1) once for this machine; " +
		"this takes one to two minutes on 2 cores")
	start := time.Now()
	wasm, err := r.goBuildFiles(ctx, goPath, max(r.opt.BuildTimeout, 10*time.Minute), map[string][]byte{
		"go.mod":  []byte(javascriptRunnerGoMod),
		"go.sum":  []byte(javascriptRunnerGoSum),
		"main.go": javascriptRunnerSource,
	}, fetchModules)
	if err != nil {
		return nil, fmt.Errorf("sandbox: build javascript interpreter: %w", err)
	}
	if cachePath != "" {
		if err := writeFileAtomic(cachePath, wasm); err != nil {
			return nil, fmt.Errorf("sandbox: cache javascript interpreter: %w", err)
		}
	}
	r.progress(fmt.Sprintf("sandbox: built the JavaScript interpreter in %s", time.Since(start).Round(time.Second)))
	return wasm, nil
}
