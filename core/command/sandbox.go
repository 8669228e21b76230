package command

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/sandbox"
)

// sandboxRunArgs are the flags of `asi sandbox run`.
type sandboxRunArgs struct {
	file     string
	lang     string
	timeout  time.Duration
	memory   string
	stdin    string
	json     bool
	cacheDir string
	engine   string
	args     []string
}

// runSandbox dispatches `asi sandbox <subcommand>`.
func runSandbox(ctx context.Context, args []string, s Streams) int {
	const usage = "Usage: asi sandbox run [flags] FILE [-- ARGS...]\n       asi sandbox prepare [LANGUAGE...]\n"
	switch {
	case len(args) > 0 && args[0] == "run":
		return runSandboxRun(ctx, args[1:], s)
	case len(args) > 0 && args[0] == "prepare":
		return runSandboxPrepare(ctx, args[1:], s)
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help"):
		fmt.Fprintf(s.Stderr, "%s\nrun runs one program the way a campaign would ('asi sandbox run -h' lists the flags);\n"+
			"prepare builds the interpreters a language needs into the cache (default: javascript),\n"+
			"so that the first candidate does not wait for them.\n", usage)
		return exitOK
	}
	fmt.Fprint(s.Stderr, usage)
	return exitUsage
}

// sandboxCacheDir is the cache every sandbox of asi shares: campaigns,
// `asi sandbox run` and `asi sandbox prepare`.
func sandboxCacheDir() string {
	return filepath.Join(cacheDir(), "sandbox")
}

// progressTo returns a sandbox progress callback that writes each line to w.
func progressTo(w io.Writer) func(string) {
	var mu sync.Mutex
	return func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	}
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
	fs := newFlags("sandbox prepare", "[LANGUAGE...]", s)
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
			fmt.Fprintf(s.Stderr, "asi sandbox prepare: %q: want one of %s\n", lang, strings.Join(slices.Sorted(maps.Keys(preparePrograms)), ", "))
			return exitUsage
		}
	}
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: *cache, Progress: progressTo(s.Stderr)})
	if err != nil {
		fmt.Fprintf(s.Stderr, "asi sandbox prepare: %v\n", err)
		return exitError
	}
	defer rt.Close(ctx)
	for _, lang := range langs {
		start := time.Now()
		p, err := rt.Prepare(ctx, lang, preparePrograms[lang])
		if err != nil {
			fmt.Fprintf(s.Stderr, "asi sandbox prepare: %s: %v\n", lang, err)
			return exitError
		}
		res, err := rt.RunProgram(ctx, p, sandbox.NewConfig().WithTimeout(time.Minute))
		p.Close()
		if err != nil || !res.OK() || strings.TrimSpace(string(res.Stdout)) != "ready" {
			fmt.Fprintf(s.Stderr, "asi sandbox prepare: %s: a one-line program did not run: %v %s %s\n", lang, err, res.Reason, res.Detail)
			return exitError
		}
		fmt.Fprintf(s.Stdout, "sandbox: %s ready (%s) in %s\n", lang, time.Since(start).Round(time.Millisecond), *cache)
	}
	return exitOK
}

// runSandboxRun runs one program in the sandbox and prints the result.
// The exit code is 0 when the guest ran cleanly, 1 otherwise.
func runSandboxRun(ctx context.Context, args []string, s Streams) int {
	var a sandboxRunArgs
	fs := newFlags("sandbox run", "[flags] FILE [-- ARGS...]", s)
	fs.StringVar(&a.lang, "lang", "", "language: "+strings.Join(sandbox.Languages(), ", ")+" (default: from the file's extension)")
	fs.DurationVar(&a.timeout, "timeout", 10*time.Second, "wall-clock limit of the run")
	fs.StringVar(&a.memory, "memory", "64MiB", "memory limit of the guest (KiB, MiB, GiB)")
	fs.StringVar(&a.stdin, "stdin", "", "file to give the guest as standard input")
	fs.BoolVar(&a.json, "json", false, "print the result as JSON")
	fs.StringVar(&a.cacheDir, "cache", sandboxCacheDir(), "cache of builds and compiled modules")
	fs.StringVar(&a.engine, "engine", "", "wasm engine for the program: interpreter (the default: starts at once) or compiler (runs faster)")
	var rest []string
	if i := indexOf(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	positional, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(positional) != 1 {
		fs.Usage()
		return exitUsage
	}
	a.file, a.args = positional[0], rest
	if a.lang == "" {
		a.lang = sandbox.LanguageOf(a.file)
		if a.lang == "" {
			fmt.Fprintf(s.Stderr, "asi sandbox run: %s: cannot tell the language from the extension; use -lang\n", a.file)
			return exitUsage
		}
	}
	memory, err := parseBytes(a.memory)
	if err != nil {
		fmt.Fprintf(s.Stderr, "asi sandbox run: -memory: %v\n", err)
		return exitUsage
	}

	src, err := os.ReadFile(a.file)
	if err != nil {
		fmt.Fprintf(s.Stderr, "asi sandbox run: %v\n", err)
		return exitError
	}
	cfg := sandbox.NewConfig().WithTimeout(a.timeout).WithMemoryLimit(memory).WithArgs(a.args...)
	if a.stdin != "" {
		in, err := os.ReadFile(a.stdin)
		if err != nil {
			fmt.Fprintf(s.Stderr, "asi sandbox run: -stdin: %v\n", err)
			return exitError
		}
		cfg = cfg.WithStdin(in)
	}

	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: a.cacheDir, Engine: sandbox.Engine(a.engine), Progress: progressTo(s.Stderr)})
	if err != nil {
		fmt.Fprintf(s.Stderr, "asi sandbox run: %v\n", err)
		return exitError
	}
	defer rt.Close(ctx)
	start := time.Now()
	p, err := rt.Prepare(ctx, a.lang, map[string][]byte{filepath.Base(a.file): src})
	prepare := time.Since(start)
	var res sandbox.Result
	if err != nil {
		ce, isCompile := err.(*sandbox.CompileError)
		if !isCompile {
			fmt.Fprintf(s.Stderr, "asi sandbox run: %v\n", err)
			return exitError
		}
		res = sandbox.Result{Reason: sandbox.ReasonCompile, Detail: ce.Output}
	} else {
		defer p.Close()
		if res, err = rt.RunProgram(ctx, p, cfg); err != nil {
			fmt.Fprintf(s.Stderr, "asi sandbox run: %v\n", err)
			return exitError
		}
	}
	if a.json {
		writeSandboxJSON(s, a, res, prepare)
	} else {
		writeSandboxText(s, a, res, prepare)
	}
	if !res.OK() {
		return exitError
	}
	return exitOK
}

func writeSandboxText(s Streams, a sandboxRunArgs, res sandbox.Result, prepare time.Duration) {
	s.Stdout.Write(res.Stdout)
	s.Stderr.Write(res.Stderr)
	reason := string(res.Reason)
	if res.OK() {
		reason = "ok"
	}
	fmt.Fprintf(s.Stderr, "\n--- %s (%s): %s", a.file, a.lang, reason)
	if res.Detail != "" {
		fmt.Fprintf(s.Stderr, ": %s", res.Detail)
	}
	if res.Reason == sandbox.ReasonCompile {
		fmt.Fprintln(s.Stderr)
		return
	}
	fmt.Fprintf(s.Stderr, "\nexit %d, wall %v, prepare %v, peak memory %s",
		res.ExitCode, res.Wall.Round(time.Microsecond), prepare.Round(time.Microsecond), sizeText(uint64(res.PeakMemoryPages)*64<<10))
	if res.StdoutTruncated || res.StderrTruncated {
		fmt.Fprintf(s.Stderr, ", output truncated (stdout %v, stderr %v)", res.StdoutTruncated, res.StderrTruncated)
	}
	fmt.Fprintln(s.Stderr)
}

func writeSandboxJSON(s Streams, a sandboxRunArgs, res sandbox.Result, prepare time.Duration) {
	out := struct {
		File            string  `json:"file"`
		Language        string  `json:"language"`
		OK              bool    `json:"ok"`
		Reason          string  `json:"reason,omitempty"`
		Detail          string  `json:"detail,omitempty"`
		ExitCode        uint32  `json:"exit_code"`
		Stdout          string  `json:"stdout"`
		Stderr          string  `json:"stderr"`
		StdoutTruncated bool    `json:"stdout_truncated,omitempty"`
		StderrTruncated bool    `json:"stderr_truncated,omitempty"`
		WallMS          float64 `json:"wall_ms"`
		PrepareMS       float64 `json:"prepare_ms"`
		PeakMemoryPages uint32  `json:"peak_memory_pages"`
	}{
		File: a.file, Language: a.lang, OK: res.OK(), Reason: string(res.Reason), Detail: res.Detail,
		ExitCode: res.ExitCode, Stdout: string(res.Stdout), Stderr: string(res.Stderr),
		StdoutTruncated: res.StdoutTruncated, StderrTruncated: res.StderrTruncated,
		WallMS:    float64(res.Wall.Microseconds()) / 1000,
		PrepareMS: float64(prepare.Microseconds()) / 1000, PeakMemoryPages: res.PeakMemoryPages,
	}
	enc := json.NewEncoder(s.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// parseBytes reads "64MiB", "512KiB", "1GiB" or a plain number of bytes.
func parseBytes(v string) (uint64, error) {
	units := []struct {
		suffix string
		mult   uint64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}
	for _, u := range units {
		num, ok := strings.CutSuffix(v, u.suffix)
		if !ok {
			continue
		}
		var n uint64
		if _, err := fmt.Sscanf(num, "%d", &n); err != nil || fmt.Sprint(n) != num || n == 0 {
			return 0, fmt.Errorf("%q: want a positive size such as 64MiB", v)
		}
		return n * u.mult, nil
	}
	return 0, fmt.Errorf("%q: want a positive size such as 64MiB", v)
}

func sizeText(n uint64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%dKiB", n>>10)
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}
