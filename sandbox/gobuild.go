package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// maxGoSource bounds the source BuildGo accepts; larger input is refused
// before the compiler sees it.
const maxGoSource = 4 << 20

// buildFlags are part of the build cache key: changing them must miss.
var buildFlags = []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", "guest.wasm", "."}

// BuildGo builds a Go program (one file, package main, standard library
// only) for GOOS=wasip1 GOARCH=wasm and compiles it with Load.
//
// The build runs in a fresh temporary directory with a generated go.mod,
// with no network (GOPROXY=off) and no cgo, under Options.BuildTimeout and
// ctx. With a CacheDir, binaries are cached by the hash of the source and
// the Go version, and a hit does not run go build (Module.BuildCached).
//
// Source that does not build gives a *CompileError holding the compiler's
// message; other errors are the host's.
func (r *Runtime) BuildGo(ctx context.Context, source []byte) (*Module, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	if len(source) > maxGoSource {
		return nil, &CompileError{Output: fmt.Sprintf("source is %d bytes, over the limit of %d", len(source), maxGoSource)}
	}
	if name := packageName(source); name != "" && name != "main" {
		return nil, &CompileError{Output: fmt.Sprintf("main.go: package %s: a program must be package main", name)}
	}
	goPath, goVersion, err := r.goToolchain()
	if err != nil {
		return nil, err
	}
	return r.loadBuild(ctx, "go", r.buildPath(buildKey(goVersion, source)), func() ([]byte, error) {
		return r.goBuild(ctx, goPath, goVersion, source)
	})
}

// loadBuild loads the module that build makes, caching the build at
// cachePath (in CacheDir): a later call with the same path loads the
// cached file instead of building again. lang names the build in errors.
func (r *Runtime) loadBuild(ctx context.Context, lang, cachePath string, build func() ([]byte, error)) (*Module, error) {
	if r.opt.CacheDir == "" {
		cachePath = ""
	}
	if cachePath != "" {
		if wasm, err := os.ReadFile(cachePath); err == nil {
			m, err := r.Load(ctx, wasm)
			if err != nil {
				return nil, fmt.Errorf("sandbox: cached %s build %s: %w", lang, filepath.Base(cachePath), err)
			}
			m.buildCached = true
			m.path = cachePath
			return m, nil
		}
	}
	start := time.Now()
	wasm, err := build()
	if err != nil {
		return nil, err
	}
	buildTime := time.Since(start)
	if cachePath != "" {
		if err := writeFileAtomic(cachePath, wasm); err != nil {
			return nil, fmt.Errorf("sandbox: cache %s build %s: %w", lang, filepath.Base(cachePath), err)
		}
	}
	m, err := r.Load(ctx, wasm)
	if err != nil {
		return nil, err
	}
	m.buildTime = buildTime
	m.path = cachePath
	return m, nil
}

// buildPath is where the build named key is cached.
func (r *Runtime) buildPath(key string) string {
	return filepath.Join(r.opt.CacheDir, "gobuild", key+".wasm")
}

func (r *Runtime) goBuild(ctx context.Context, goPath, goVersion string, source []byte) ([]byte, error) {
	goMod := fmt.Sprintf("module guest\n\ngo %s\n", languageVersion(goVersion))
	return r.goBuildFiles(ctx, goPath, r.opt.BuildTimeout, map[string][]byte{
		"go.mod":  []byte(goMod),
		"main.go": source,
	}, offline)
}

// moduleAccess says whether a build may fetch the modules its go.mod
// requires.
type moduleAccess bool

const (
	// offline builds see only the module cache: candidates' builds.
	offline moduleAccess = false
	// fetchModules builds use the user's own GOPROXY and GOSUMDB, and the
	// go.sum given with the files: trusted code with pinned dependencies.
	fetchModules moduleAccess = true
)

// goBuildFiles writes files (a main package with its go.mod) to a fresh
// directory and builds it for wasip1 within timeout. Offline, the modules
// go.mod requires must be in the module cache.
func (r *Runtime) goBuildFiles(ctx context.Context, goPath string, timeout time.Duration, files map[string][]byte, modules moduleAccess) ([]byte, error) {
	dir, err := os.MkdirTemp("", "asi-gobuild-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: build dir: %w", err)
	}
	defer os.RemoveAll(dir)
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return nil, fmt.Errorf("sandbox: write %s: %w", name, err)
		}
	}

	buildCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(buildCtx, goPath, buildFlags...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOWORK=off",
	)
	if modules == offline {
		cmd.Env = append(cmd.Env, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off")
	} else {
		// go.sum is complete: a module missing from it is an error, not a
		// new unchecked entry.
		cmd.Env = append(cmd.Env, "GOFLAGS=-mod=readonly")
	}
	killProcessGroup(cmd)
	r.builds.Add(1)
	out, err := cmd.CombinedOutput()
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, fmt.Errorf("sandbox: go build: %w", ctx.Err())
		case buildCtx.Err() != nil:
			return nil, &CompileError{Output: fmt.Sprintf("go build took longer than %s", timeout)}
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return nil, fmt.Errorf("sandbox: go build: %w", err)
		}
		return nil, &CompileError{Output: cleanBuildOutput(string(out), dir)}
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "guest.wasm"))
	if err != nil {
		return nil, fmt.Errorf("sandbox: read build output: %w", err)
	}
	if !bytes.HasPrefix(wasm, wasmMagic) {
		return nil, &CompileError{Output: "go build produced no executable: a program must be package main with func main"}
	}
	return wasm, nil
}

// wasmMagic starts every WebAssembly binary.
var wasmMagic = []byte("\x00asm")

// packageName returns the package clause of source, or "" when it does not
// parse (go build then reports why).
func packageName(source []byte) string {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", source, parser.PackageClauseOnly)
	if err != nil {
		return ""
	}
	return f.Name.Name
}

// goToolchain finds the go command and its version once per runtime.
// It does not use the caller's context: a cancelled first caller must not
// leave the runtime without a toolchain.
func (r *Runtime) goToolchain() (path, version string, err error) {
	r.goOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		name := r.opt.GoCommand
		if name == "" {
			name = "go"
		}
		p, err := exec.LookPath(name)
		if err != nil {
			r.goErr = fmt.Errorf("%w: %w", ErrNoGoToolchain, err)
			return
		}
		cmd := exec.CommandContext(ctx, p, "env", "GOVERSION")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		out, err := cmd.Output()
		if err != nil {
			r.goErr = fmt.Errorf("%w: %s env GOVERSION: %w", ErrNoGoToolchain, p, err)
			return
		}
		r.goPath, r.goVersion = p, strings.TrimSpace(string(out))
	})
	return r.goPath, r.goVersion, r.goErr
}

// buildKey names a build by everything that changes its output.
func buildKey(goVersion string, source []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "wasip1/wasm\x00%s\x00%s\x00", goVersion, strings.Join(buildFlags, " "))
	h.Write(source)
	return hex.EncodeToString(h.Sum(nil))
}

// languageVersion turns "go1.26.8" (or "go1.27rc1") into "1.26" for go.mod.
func languageVersion(goVersion string) string {
	v := strings.TrimPrefix(goVersion, "go")
	major, minor, _ := strings.Cut(v, ".")
	if end := strings.IndexFunc(minor, func(r rune) bool { return r < '0' || r > '9' }); end >= 0 {
		minor = minor[:end]
	}
	if minor == "" {
		minor = "0"
	}
	return major + "." + minor
}

// cleanBuildOutput removes what only concerns the host: the temporary
// directory and go's package header line.
func cleanBuildOutput(out, dir string) string {
	out = strings.ReplaceAll(out, dir+string(filepath.Separator), "")
	out = strings.ReplaceAll(out, dir, ".")
	var kept []string
	for line := range strings.SplitSeq(out, "\n") {
		if line == "# guest" || strings.TrimSpace(line) == "" {
			continue
		}
		kept = append(kept, strings.TrimPrefix(line, "./"))
	}
	return strings.Join(kept, "\n")
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
