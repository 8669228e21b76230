package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/asi-evolve/asi/core/views"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// sandboxRunArgs are the flags and arguments of `asi sandbox run`.
type sandboxRunArgs struct {
	file     string
	lang     string
	timeout  time.Duration
	memory   uint64 // bytes, from the -memory text
	stdin    string
	json     bool
	cacheDir string
	engine   string
	args     []string
}

// runSandbox dispatches `asi sandbox <subcommand>`.
func runSandbox(ctx context.Context, args []string, s Streams) int {
	stderr := views.View{W: s.Stderr}
	switch {
	case len(args) > 0 && args[0] == "run":
		return runSandboxRun(ctx, args[1:], s)
	case len(args) > 0 && args[0] == "prepare":
		return runSandboxPrepare(ctx, args[1:], s)
	case len(args) > 0 && args[0] == "job":
		return runSandboxJob(ctx, args[1:], s)
	case len(args) > 0 && (isHelp(args[0]) || args[0] == "help"):
		stderr.SandboxUsage(true)
		return exitOK
	}
	stderr.SandboxUsage(false)
	return exitUsage
}

// sandboxCacheDir is the cache every sandbox of asi shares: campaigns,
// `asi sandbox run` and `asi sandbox prepare`.
func sandboxCacheDir() string {
	return filepath.Join(sandbox.CacheDir(), "sandbox")
}

// preparePrograms are the smallest programs that make a toolchain build
// (and cache) everything it reuses across candidates.
var preparePrograms = map[string]map[string][]byte{
	"javascript": {"main.js": []byte("console.log('ready')\n")},
	"go":         {"main.go": []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"ready\") }\n")},
	"c":          {"main.c": []byte("#include <stdio.h>\nint main(void) { puts(\"ready\"); return 0; }\n")},
	"python":     {"main.py": []byte("print('ready')\n")},
}

// runSandboxPrepare builds and caches what each named language needs, then
// runs a one-line program in it: `make build` runs it for javascript, whose
// interpreter is otherwise built when the first candidate needs it.
func runSandboxPrepare(ctx context.Context, args []string, s Streams) int {
	const verb = "sandbox prepare"
	stderr := views.View{W: s.Stderr}
	fs := newFlags(verb, "[LANGUAGE...]", s)
	cache := fs.String("cache", sandboxCacheDir(), "cache of builds and compiled modules")
	langs, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(langs) == 0 {
		langs = []string{"javascript"}
	}
	for _, lang := range langs {
		if _, known := preparePrograms[lang]; !known {
			stderr.Problem(verb, fmt.Errorf("%q: want one of %s", lang, strings.Join(slices.Sorted(maps.Keys(preparePrograms)), ", ")))
			return exitUsage
		}
	}
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: *cache, Progress: views.ProgressLines(s.Stderr)})
	if err != nil {
		stderr.Problem(verb, err)
		return exitError
	}
	defer rt.Close(ctx)
	for _, lang := range langs {
		start := time.Now()
		if err := prepareLanguage(ctx, rt, lang); err != nil {
			stderr.Problem(verb, err)
			return exitError
		}
		views.View{W: s.Stdout}.SandboxReady(lang, time.Since(start), *cache)
	}
	return exitOK
}

// prepareLanguage builds lang's one-line program in rt and checks that it
// prints "ready".
func prepareLanguage(ctx context.Context, rt *sandbox.Runtime, lang string) error {
	p, err := rt.Prepare(ctx, lang, preparePrograms[lang])
	if err != nil {
		return fmt.Errorf("%s: %w", lang, err)
	}
	res, err := rt.RunProgram(ctx, p, sandbox.NewConfig().WithTimeout(time.Minute))
	p.Close()
	if err != nil || !res.OK() || strings.TrimSpace(string(res.Stdout)) != "ready" {
		return fmt.Errorf("%s: a one-line program did not run: %v %s %s", lang, err, res.Reason, res.Detail)
	}
	return nil
}

// runSandboxJob is the node side of a campaign's sandbox runs on an
// executor (sandbox { executor = "slurm" }): it runs the request in the job
// directory DIR as the host's own sandbox would and writes the result
// there. It exits 0 when the result holds the run, whatever the program
// did, and 1 when the node could not run it (the result then says why).
func runSandboxJob(ctx context.Context, args []string, s Streams) int {
	const verb = "sandbox job"
	stderr := views.View{W: s.Stderr}
	fs := newFlags(verb, "[flags] DIR", s)
	cache := fs.String("cache", "", "cache of builds and compiled modules (default: the request's, the host's own)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	dir := pos[0]
	req, err := plugins.ReadSandboxRequest(dir)
	if err != nil {
		stderr.Problem(verb, err)
		return exitError
	}
	if *cache != "" {
		req.CacheDir = *cache
	}
	// A cancelled job gets SIGTERM: stop the build or the guest, and write
	// nothing.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, os.Interrupt)
	defer stop()
	res, runErr := runSandboxRequest(ctx, req, s)
	if ctx.Err() != nil {
		stderr.Problem(verb, ctx.Err())
		return exitError
	}
	if err := plugins.WriteSandboxResult(dir, res, runErr); err != nil {
		stderr.Problem(verb, err)
		return exitError
	}
	if runErr != nil {
		stderr.Problem(verb, runErr)
		return exitError
	}
	return exitOK
}

// runSandboxRequest runs req in a runtime of its own, on req's cache.
func runSandboxRequest(ctx context.Context, req plugins.SandboxRequest, s Streams) (sdk.SandboxResult, error) {
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: req.CacheDir, Progress: views.ProgressLines(s.Stderr)})
	if err != nil {
		return sdk.SandboxResult{}, err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	return req.Run(ctx, rt)
}

// runSandboxRun runs one program in the sandbox and prints the result.
// The exit code is 0 when the guest ran cleanly, 1 otherwise.
func runSandboxRun(ctx context.Context, args []string, s Streams) int {
	a, code, ok := parseSandboxRun(args, s)
	if !ok {
		return code
	}
	res, prepare, err := sandboxRunOnce(ctx, a, s)
	if err != nil {
		views.View{W: s.Stderr}.Problem("sandbox run", err)
		return exitError
	}
	// The exit code says how the guest ran, whatever became of its output.
	_ = views.View{W: s.Stdout, JSON: a.json}.SandboxRun(
		views.SandboxRun{File: a.file, Language: a.lang, Result: res, Prepare: prepare}, s.Stderr)
	if !res.OK() {
		return exitError
	}
	return exitOK
}

// parseSandboxRun reads the flags of `asi sandbox run`; the arguments
// after "--" are the guest's. ok is false when the command must stop
// with code.
func parseSandboxRun(args []string, s Streams) (a sandboxRunArgs, code int, ok bool) {
	var memory string
	fs := newFlags("sandbox run", "[flags] FILE [-- ARGS...]", s)
	fs.StringVar(&a.lang, "lang", "", "language: "+strings.Join(sandbox.Languages(), ", ")+" (default: from the file's extension)")
	fs.DurationVar(&a.timeout, "timeout", 10*time.Second, "wall-clock limit of the run")
	fs.StringVar(&memory, "memory", "64MiB", "memory limit of the guest (KiB, MiB, GiB)")
	fs.StringVar(&a.stdin, "stdin", "", "file to give the guest as standard input (default: what is piped into asi; a terminal is not read)")
	fs.BoolVar(&a.json, "json", false, "print the result as JSON")
	fs.StringVar(&a.cacheDir, "cache", sandboxCacheDir(), "cache of builds and compiled modules")
	fs.StringVar(&a.engine, "engine", "", "wasm engine for the program: interpreter (the default: starts at once) or compiler (runs faster)")
	if i := slices.Index(args, "--"); i >= 0 {
		args, a.args = args[:i], args[i+1:]
	}
	positional, code, ok := parseFlags(fs, args)
	if !ok {
		return a, code, false
	}
	if len(positional) != 1 {
		fs.Usage()
		return a, exitUsage, false
	}
	a.file = positional[0]
	stderr := views.View{W: s.Stderr}
	if a.lang == "" {
		if a.lang = sandbox.LanguageOf(a.file); a.lang == "" {
			stderr.Problem("sandbox run", fmt.Errorf("%s: cannot tell the language from the extension; use -lang", a.file))
			return a, exitUsage, false
		}
	}
	var err error
	if a.memory, err = parseMemory(memory); err != nil {
		stderr.Problem("sandbox run", fmt.Errorf("-memory: %w", err))
		return a, exitUsage, false
	}
	return a, exitOK, true
}

// sandboxRunOnce builds a's program and runs it. A program that does not
// compile is a result (ReasonCompile), not an error; prepare is the time
// spent building or loading it.
func sandboxRunOnce(ctx context.Context, a sandboxRunArgs, s Streams) (res sandbox.Result, prepare time.Duration, err error) {
	src, err := os.ReadFile(a.file)
	if err != nil {
		return res, 0, err
	}
	cfg := sandbox.NewConfig().WithTimeout(a.timeout).WithMemoryLimit(a.memory).WithArgs(a.args...)
	in, err := guestStdin(a.stdin, s.Stdin)
	if err != nil {
		return res, 0, err
	}
	if in != nil {
		cfg = cfg.WithStdin(in)
	}
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: a.cacheDir, Engine: sandbox.Engine(a.engine), Progress: views.ProgressLines(s.Stderr)})
	if err != nil {
		return res, 0, err
	}
	defer rt.Close(ctx)
	start := time.Now()
	p, err := rt.Prepare(ctx, a.lang, map[string][]byte{filepath.Base(a.file): src})
	prepare = time.Since(start)
	if ce, isCompile := errors.AsType[*sandbox.CompileError](err); isCompile {
		return sandbox.Result{Reason: sandbox.ReasonCompile, Detail: ce.Output}, prepare, nil
	} else if err != nil {
		return res, prepare, err
	}
	defer p.Close()
	res, err = rt.RunProgram(ctx, p, cfg)
	return res, prepare, err
}

// guestStdin is what `sandbox run` gives the guest as standard input: the
// file -stdin names, else what is piped or redirected into asi. A terminal
// is never read: the guest would wait for input nobody means to type. nil
// is no input.
func guestStdin(file string, stdin io.Reader) ([]byte, error) {
	if file != "" {
		in, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("-stdin: %w", err)
		}
		return in, nil
	}
	if stdin == nil || !piped(stdin) {
		return nil, nil
	}
	in, err := io.ReadAll(stdin)
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return in, nil
}

// piped reports whether r holds input to read: a pipe, a regular file or a
// reader that is no file at all (a test's). A character device (a terminal,
// or /dev/null, which holds nothing) or a file asi cannot stat is not read.
func piped(r io.Reader) bool {
	f, ok := r.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return true
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice == 0
}

// memoryUnits are the suffixes -memory takes, longest first; a plain
// number is bytes.
var memoryUnits = []struct {
	suffix string
	scale  uint64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}

// parseMemory reads "64MiB", "512KiB", "1GiB" or a plain number of bytes.
// It is stricter than campaign.ParseByteSize (no decimal units, fractions,
// spaces, leading zeros or zero), and the flag keeps accepting exactly what
// it always has.
func parseMemory(v string) (uint64, error) {
	for _, u := range memoryUnits {
		num, ok := strings.CutSuffix(v, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil || strconv.FormatUint(n, 10) != num || n == 0 {
			break
		}
		return n * u.scale, nil
	}
	return 0, fmt.Errorf("%q: want a positive size such as 64MiB", v)
}
