package sandbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"
)

const (
	// PythonVersion is the CPython version the python toolchain runs.
	PythonVersion = "3.11.2"
	// PythonRecipe identifies the build recipe, scripts/build-python-wasm.sh:
	// the first 12 hex digits of its SHA-256. The runtime is looked up
	// under this key, so a changed recipe is never mistaken for the runtime
	// it used to build (a test fails until this constant follows the
	// script).
	PythonRecipe = "835f2cd7134e"

	// ReasonException means a Python guest ended with an uncaught
	// exception; Detail holds the traceback, trimmed to the candidate's own
	// frames.
	ReasonException Reason = "exception"

	// Where the guest sees the standard library and the candidate's files.
	pythonGuestHome = "/usr/local"
	pythonGuestLib  = pythonGuestHome + "/lib/python3.11"
	pythonGuestApp  = "/app"
)

// ErrPythonNotBuilt is returned by the python toolchain when the CPython
// runtime has not been built on this machine.
var ErrPythonNotBuilt = errors.New("sandbox: python runtime not built (run make python-wasm)")

// CacheDir returns asi's cache directory: $ASI_CACHE_DIR, else "asi" in
// the user's cache directory. scripts/build-python-wasm.sh follows the same
// rule.
func CacheDir() string {
	if d := os.Getenv("ASI_CACHE_DIR"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "asi-cache")
	}
	return filepath.Join(base, "asi")
}

// PythonHome returns the directory of the built CPython runtime:
// python.wasm and lib/python3.11. The error wraps ErrPythonNotBuilt when
// `make python-wasm` has not run on this machine for the current recipe.
func PythonHome() (string, error) {
	dir := filepath.Join(CacheDir(), "python-wasm", PythonVersion+"-"+PythonRecipe)
	for _, need := range []string{".complete", "python.wasm", filepath.Join("lib", "python3.11", "os.py")} {
		if _, err := os.Stat(filepath.Join(dir, need)); err != nil {
			return "", fmt.Errorf("python runtime %s (%s missing): %w", dir, need, ErrPythonNotBuilt)
		}
	}
	return dir, nil
}

// pythonToolchain runs Python 3.11 source on CPython built for WASI. The
// interpreter is compiled once per Runtime; the standard library and the
// candidate's files are mounted read-only.
type pythonToolchain struct{}

func (pythonToolchain) Language() string { return "python" }

func (pythonToolchain) Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error) {
	entry, err := Entry(files, ".py")
	if err != nil {
		return nil, err
	}
	home, err := PythonHome()
	if err != nil {
		return nil, err
	}
	wasmPath := filepath.Join(home, "python.wasm")
	m, err := r.sharedModule(ctx, "python "+wasmPath, func() ([]byte, error) {
		return os.ReadFile(wasmPath)
	})
	if err != nil {
		return nil, fmt.Errorf("python interpreter: %w", err)
	}
	app := fstest.MapFS{}
	for name, data := range files {
		app[name] = &fstest.MapFile{Data: data, Mode: 0o444}
	}
	return &Program{
		Module: m,
		// -u: unbuffered, so what a guest printed before a timeout or a
		// trap reaches the caller. No -I: it would ignore PYTHONHOME.
		Args: []string{"-u", pythonGuestApp + "/" + entry},
		Mounts: []Mount{
			{HostDir: filepath.Join(home, "lib", "python3.11"), GuestDir: pythonGuestLib},
			{FS: app, GuestDir: pythonGuestApp},
		},
		Env: map[string]string{
			"PYTHONHOME": pythonGuestHome,
			// The stdlib is precompiled and every mount is read-only.
			"PYTHONDONTWRITEBYTECODE": "1",
		},
		Explain:  explainPython,
		wasmPath: wasmPath,
	}, nil
}

// explainPython turns CPython's own failure reports into typed reasons: a
// syntax error in the candidate's source is ReasonCompile, an uncaught
// exception ReasonException, both with the message trimmed for the LLM.
func explainPython(res Result) Result {
	if res.Reason != ReasonExit || res.ExitCode != 1 {
		return res
	}
	stderr := string(res.Stderr)
	if start := strings.Index(stderr, tracebackHeader); start >= 0 {
		// What the guest wrote before the traceback is its own output.
		res.Reason = ReasonException
		res.Detail = trimTraceback(stderr[start:])
		return res
	}
	if last := lastLine(stderr); isSyntaxError(last) {
		res.Reason = ReasonCompile
		res.Detail = stripGuestPaths(strings.TrimSpace(stderr))
	}
	return res
}

func isSyntaxError(line string) bool {
	for _, p := range []string{"SyntaxError", "IndentationError", "TabError"} {
		if strings.HasPrefix(line, p+":") || line == p {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndex(s, "\n")+1:]
}

const tracebackHeader = "Traceback (most recent call last):"

// maxTraceback caps the trimmed traceback kept in Result.Detail; the head
// and the tail (where the exception is) are kept.
const maxTraceback = 8 << 10

// trimTraceback keeps, of a CPython traceback, the frames in the
// candidate's files and the exception lines; runs of frames elsewhere (the
// standard library, frozen modules) become one line counting them. Guest
// paths are shortened to the candidate's relative file names.
func trimTraceback(tb string) string {
	lines := strings.Split(strings.TrimRight(tb, "\n"), "\n")
	var out []string
	dropped := 0
	flush := func() {
		if dropped > 0 {
			out = append(out, fmt.Sprintf("  [%d frame%s of the standard library]", dropped, plural(dropped)))
			dropped = 0
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, `  File "`) {
			flush()
			out = append(out, line)
			continue
		}
		// A frame: its header and the indented lines under it (source,
		// carets), up to the next frame or the exception.
		j := i + 1
		for j < len(lines) && strings.HasPrefix(lines[j], "    ") {
			j++
		}
		if strings.HasPrefix(line, `  File "`+pythonGuestApp+"/") {
			flush()
			out = append(out, lines[i:j]...)
		} else {
			dropped++
		}
		i = j - 1
	}
	flush()
	s := stripGuestPaths(strings.Join(out, "\n"))
	if len(s) > maxTraceback {
		s = s[:maxTraceback/4] + "\n  [...]\n" + s[len(s)-maxTraceback*3/4:]
	}
	return s
}

func stripGuestPaths(s string) string {
	return strings.ReplaceAll(s, `File "`+pythonGuestApp+"/", `File "`)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
