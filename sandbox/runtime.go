package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// Engine selects how wasm is executed.
type Engine string

const (
	// EngineDefault picks EngineInterpreter; see Options.Engine for why.
	EngineDefault Engine = ""
	// EngineCompiler compiles wasm to machine code: slow to compile (about
	// a second for a small Go program), fast to run.
	EngineCompiler Engine = "compiler"
	// EngineInterpreter starts at once and runs roughly ten to fifty times
	// slower than compiled code.
	EngineInterpreter Engine = "interpreter"
)

// Options configure a Runtime. The zero value is valid.
type Options struct {
	// CacheDir holds compiled modules and Go builds between processes.
	// "" keeps no cache: every BuildGo runs go build and every Load compiles.
	CacheDir string

	// Engine is EngineDefault, EngineCompiler or EngineInterpreter.
	//
	// The default is the interpreter because evolution runs each candidate
	// once, freshly built, so compile time dominates. Measured on a 2-core
	// machine with a 2.5MB Go module doing about 10ms of native work
	// (BenchmarkLoadRun): compile and one run took 1.5-1.9s with the
	// compiler and 0.5-0.6s with the interpreter. Each run then costs about
	// 10ms (compiler) or 25-60ms (interpreter) of Go start-up
	// (BenchmarkRunCached), and the interpreter computes about 5 times
	// slower than compiled wasm.
	// Choose the compiler for modules run many times or computing for
	// seconds: with a CacheDir, in a process that can serve as a worker
	// (MaybeWorker), they then run without termination checks in worker
	// processes, several times faster (worker.go). Interpreters held by the Runtime (javascript, python) are
	// always compiled, once, whatever Engine says: every candidate of
	// their language runs them.
	Engine Engine

	// GoCommand is the go command BuildGo runs; "" finds "go" on PATH.
	GoCommand string

	// BuildTimeout caps one go build; 0 means 2 minutes.
	BuildTimeout time.Duration

	// Progress, when set, hears one line before and one after a slow
	// one-time step (building the JavaScript interpreter), so a command
	// can tell its user why the first candidate waits. It may be called
	// from several goroutines. nil says nothing.
	Progress func(line string)

	worker workerMode // see worker.go
}

// Runtime compiles and runs guest modules. One Runtime serves a whole
// campaign: it is safe for concurrent use, and runs share compiled code but
// never guest state (each run is a fresh instance with its own memory).
type Runtime struct {
	opt    Options
	wz     wazero.Runtime
	cache  wazero.CompilationCache // nil without CacheDir
	closed atomic.Bool

	// compiled runs modules that are compiled once and run many times
	// (interpreters); it is wz itself when the engine is the compiler.
	compiledOnce sync.Once
	compiled     wazero.Runtime
	compiledErr  error

	sharedMu sync.Mutex
	shared   map[string]*sharedEntry

	goOnce    sync.Once
	goPath    string
	goVersion string
	goErr     error

	builds atomic.Int64 // go build invocations, for tests and stats
}

// NewRuntime starts a runtime with WASI preview 1 available to guests.
func NewRuntime(ctx context.Context, opt Options) (*Runtime, error) {
	var rc wazero.RuntimeConfig
	switch opt.Engine {
	case EngineDefault, EngineInterpreter:
		rc = wazero.NewRuntimeConfigInterpreter()
	case EngineCompiler:
		rc = wazero.NewRuntimeConfigCompiler()
	default:
		return nil, fmt.Errorf("sandbox: unknown engine %q", opt.Engine)
	}
	r := &Runtime{opt: opt, shared: map[string]*sharedEntry{}}
	if opt.BuildTimeout <= 0 {
		r.opt.BuildTimeout = 2 * time.Minute
	}
	if opt.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(filepath.Join(opt.CacheDir, "wazero"))
		if err != nil {
			return nil, fmt.Errorf("sandbox: cache dir %s: %w", opt.CacheDir, err)
		}
		r.cache = cache
	}
	wz, err := r.newWazero(ctx, rc)
	if err != nil {
		_ = r.Close(ctx)
		return nil, err
	}
	r.wz = wz
	if opt.Engine == EngineCompiler {
		r.compiledOnce.Do(func() { r.compiled = wz })
	}
	return r, nil
}

// newWazero starts one wazero runtime with WASI preview 1.
func (r *Runtime) newWazero(ctx context.Context, rc wazero.RuntimeConfig) (wazero.Runtime, error) {
	// Per-run memory limits come from memoryCap; the runtime's own limit
	// only bounds what any module may declare.
	rc = rc.WithCloseOnContextDone(r.opt.worker != workerChild).WithMemoryLimitPages(maxMemoryLimit / pageSize)
	if r.cache != nil {
		rc = rc.WithCompilationCache(r.cache)
	}
	wz := wazero.NewRuntimeWithConfig(ctx, rc)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, wz); err != nil {
		_ = wz.Close(ctx)
		return nil, fmt.Errorf("sandbox: instantiate wasi: %w", err)
	}
	return wz, nil
}

// compilerRuntime returns the wazero runtime that compiles to machine code,
// starting it on first use.
func (r *Runtime) compilerRuntime() (wazero.Runtime, error) {
	r.compiledOnce.Do(func() {
		r.compiled, r.compiledErr = r.newWazero(context.Background(), wazero.NewRuntimeConfigCompiler())
	})
	return r.compiled, r.compiledErr
}

// Close releases every module of the runtime. Runs in progress are stopped.
func (r *Runtime) Close(ctx context.Context) error {
	if r.closed.Swap(true) {
		return nil
	}
	var err error
	if r.wz != nil {
		err = r.wz.Close(ctx)
	}
	// Take the once so no compiler runtime starts after Close.
	r.compiledOnce.Do(func() {})
	if r.compiled != nil && r.compiled != r.wz {
		err = errors.Join(err, r.compiled.Close(ctx))
	}
	if r.cache != nil {
		err = errors.Join(err, r.cache.Close(ctx))
	}
	return err
}

// Load compiles a ready wasm module. The module may import only
// wasi_snapshot_preview1. With a CacheDir, compiling the same bytes again
// (in this or a later process) reuses the stored machine code.
func (r *Runtime) Load(ctx context.Context, wasm []byte) (*Module, error) {
	return r.loadOn(ctx, r.wz, wasm)
}

// loadOn compiles wasm on the wazero runtime wz (the default one, or the
// compiler for modules run many times).
func (r *Runtime) loadOn(ctx context.Context, wz wazero.Runtime, wasm []byte) (*Module, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	start := time.Now()
	compiled, err := wz.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("sandbox: compile module: %w", err)
	}
	for _, f := range compiled.ImportedFunctions() {
		if mod, name, _ := f.Import(); mod != wasi_snapshot_preview1.ModuleName {
			_ = compiled.Close(ctx)
			return nil, fmt.Errorf("sandbox: import %s.%s: %w", mod, name, ErrUnsupportedImport)
		}
	}
	if len(compiled.ImportedMemories()) > 0 {
		_ = compiled.Close(ctx)
		return nil, fmt.Errorf("sandbox: imported memory: %w", ErrUnsupportedImport)
	}
	var minMemory uint64
	for _, m := range compiled.ExportedMemories() {
		minMemory = max(minMemory, uint64(m.Min())*pageSize)
	}
	return &Module{
		wz:          wz,
		compiled:    compiled,
		size:        len(wasm),
		minMemory:   minMemory,
		compileTime: time.Since(start),
	}, nil
}

// errOutputLimit is the cancel cause when a guest writes past its cap.
var errOutputLimit = errors.New("output limit exceeded")

// Run instantiates m in a fresh instance and runs it to completion under
// cfg's limits. Guest failures (timeout, trap, non-zero exit, memory or
// output limits) are reported in Result with a nil error; an error means the
// host could not run the guest, or ctx was cancelled.
//
// A module compiled to machine code from a file in the cache runs in a
// worker process when this process can serve as one (see MaybeWorker).
func (r *Runtime) Run(ctx context.Context, m *Module, cfg Config) (Result, error) {
	if r.closed.Load() {
		return Result{}, ErrClosed
	}
	if m == nil || m.closed.Load() {
		return Result{}, fmt.Errorf("sandbox: run: module closed or nil")
	}
	if path := r.workerPath(m, m.path); path != "" {
		return r.runInWorker(ctx, path, cfg, nil)
	}
	return r.run(ctx, m, cfg)
}

// run is Run in this process.
func (r *Runtime) run(ctx context.Context, m *Module, cfg Config) (Result, error) {
	if res, over := overMemoryAtStart(m, cfg.MemoryLimit()); over {
		return res, nil
	}
	lim, cancel := newRunLimits(ctx, cfg, &memoryCap{limit: cfg.MemoryLimit()})
	defer cancel()
	mc := moduleConfig(cfg, bytes.NewReader(cfg.stdin), lim.stdout, lim.stderr, sleepUntilDone(lim.ctx))
	if len(cfg.mounts) > 0 {
		mounts, closeMounts, err := openMounts(cfg.mounts, &openLimit{})
		if err != nil {
			return Result{}, err
		}
		defer closeMounts()
		fsc := wazero.NewFSConfig()
		for _, mnt := range cfg.mounts {
			fsc = fsc.WithFSMount(mounts[mnt.GuestDir], mnt.GuestDir)
		}
		mc = mc.WithFSConfig(fsc)
	}

	start := time.Now()
	mod, err := m.wz.InstantiateModule(experimental.WithMemoryAllocator(lim.ctx, lim.mem), m.compiled, mc)
	wall := time.Since(start)
	if mod != nil {
		_ = mod.Close(ctx)
	}
	return r.result(ctx, lim, cfg, err, wall)
}

// overMemoryAtStart reports the Result of a module whose declared minimum
// memory is over limit: wazero cannot start it under the cap.
func overMemoryAtStart(m *Module, limit uint64) (Result, bool) {
	if m.minMemory <= limit {
		return Result{}, false
	}
	return Result{
		Reason: ReasonOutOfMemory,
		Detail: fmt.Sprintf("module needs %s of memory at start, over the limit of %s",
			FormatBytes(m.minMemory), FormatBytes(limit)),
	}, true
}

// runLimits are one run's limits as its instance meets them: the context
// whose end stops it (the timeout, the caller's context, the output cap),
// its memory allocator and its capped output.
type runLimits struct {
	ctx            context.Context
	mem            *memoryCap
	stdout, stderr *cappedWriter
}

// newRunLimits starts cfg's deadline now, under ctx. The returned function
// releases the run's context.
func newRunLimits(ctx context.Context, cfg Config, mem *memoryCap) (*runLimits, func()) {
	runCtx, cancel := context.WithCancelCause(ctx)
	runCtx, cancelTimeout := context.WithTimeout(runCtx, cfg.Timeout())
	stop := func() {
		cancel(errOutputLimit)
		// Write is called by the guest's fd_write: the panic ends the
		// guest at once, also where no context check would (workers).
		panic(sys.NewExitError(sys.ExitCodeContextCanceled))
	}
	lim := &runLimits{
		ctx:    runCtx,
		mem:    mem,
		stdout: &cappedWriter{limit: cfg.OutputLimit(), onExceed: stop},
		stderr: &cappedWriter{limit: cfg.OutputLimit(), onExceed: stop},
	}
	return lim, func() {
		cancelTimeout()
		cancel(nil)
	}
}

// moduleConfig is the instance configuration of a run of cfg, without its
// mounts: arguments, environment, clocks, random source and the given
// standard streams and sleep.
func moduleConfig(cfg Config, stdin io.Reader, stdout, stderr io.Writer, sleep func(ns int64)) wazero.ModuleConfig {
	mc := wazero.NewModuleConfig().
		WithName(""). // anonymous, so concurrent runs of one module do not collide
		WithArgs(cfg.argv()...).
		WithStdin(stdin).
		WithStdout(stdout).
		WithStderr(stderr).
		WithRandSource(newRandSource(cfg.seed))
	if !cfg.fixedClock {
		// Real clocks: candidates often search until a time budget is spent.
		// Sleeping ends with the run: wazero's own sleep would hold the
		// run past its deadline.
		mc = mc.WithSysWalltime().WithSysNanotime().WithNanosleep(sleep)
	}
	for _, k := range slices.Sorted(maps.Keys(cfg.env)) {
		mc = mc.WithEnv(k, cfg.env[k])
	}
	return mc
}

// result turns how an instance ended (err from InstantiateModule, after
// wall) into the run's Result.
func (r *Runtime) result(ctx context.Context, lim *runLimits, cfg Config, err error, wall time.Duration) (Result, error) {
	if r.closed.Load() {
		// Close stops runs with exit code 0; do not mistake that for success.
		return Result{}, ErrClosed
	}
	runCtx, mem, limit := lim.ctx, lim.mem, cfg.MemoryLimit()
	res := Result{Wall: wall, PeakMemoryPages: uint32(mem.peak.Load() / pageSize)}
	res.Stdout, res.StdoutTruncated = lim.stdout.result()
	res.Stderr, res.StderrTruncated = lim.stderr.result()

	var exit *sys.ExitError
	exited := errors.As(err, &exit)
	// The host stopped the guest when its context ended and the guest did
	// not finish by itself first (a guest that exits just as the deadline
	// passes keeps its own result).
	hostStopped := runCtx.Err() != nil && err != nil &&
		(!exited || exit.ExitCode() == sys.ExitCodeContextCanceled || exit.ExitCode() == sys.ExitCodeDeadlineExceeded)
	if exited && !hostStopped {
		res.ExitCode = exit.ExitCode()
	}
	// A refused grow is the root cause when it comes with a failure: a
	// guest out of memory may then flood its output with a stack dump, or
	// take past its deadline to print one.
	switch {
	case hostStopped && ctx.Err() != nil:
		return res, fmt.Errorf("sandbox: run: %w", ctx.Err())
	case mem.refused.Load() && err != nil:
		res.Reason = ReasonOutOfMemory
		res.Detail = fmt.Sprintf("memory limit of %s reached", FormatBytes(limit))
	case context.Cause(runCtx) == errOutputLimit:
		res.Reason = ReasonOutputLimit
		res.Detail = fmt.Sprintf("output over the limit of %s per stream", FormatBytes(uint64(cfg.OutputLimit())))
	case hostStopped:
		res.Reason = ReasonTimeout
		res.Detail = fmt.Sprintf("still running after the time limit of %s", cfg.Timeout())
	case exited && res.ExitCode != 0:
		res.Reason = ReasonExit
		res.Detail = fmt.Sprintf("exit code %d", res.ExitCode)
	case err != nil && !exited:
		res.Reason = ReasonTrap
		res.Detail = trapMessage(err)
	}
	return res, nil
}

// trapMessage keeps the part of a trap error a reader needs: the message and
// the start of the wasm stack trace.
func trapMessage(err error) string {
	const maxLen = 2 << 10
	s := err.Error()
	if len(s) > maxLen {
		s = s[:maxLen] + "..."
	}
	return s
}

// FormatBytes writes a size of n bytes in the largest binary unit that
// divides it exactly ("256MiB", "64KiB"), else in bytes ("1000B"): the
// form campaign files accept, used for limits in messages.
func FormatBytes(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// progress passes line to Options.Progress, if any.
func (r *Runtime) progress(line string) {
	if r.opt.Progress != nil {
		r.opt.Progress(line)
	}
}
