package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing/fstest"
	"time"
)

// Worker processes.
//
// wazero can stop a running guest only if its code was compiled to check,
// at every loop back-edge and function entry, whether the guest was closed
// (WithCloseOnContextDone). Each check leaves the machine code for Go: a
// CPU-bound Python guest runs about three times slower with them
// (BenchmarkPythonCPU), a Go matrix multiply several times slower
// (BenchmarkMatMul).
//
// A worker is the host executable itself, started again with workerEnv set:
// it compiles a module without the checks (the compilation cache, shared
// with the parent, makes that a file read after the first time), then runs
// guests one at a time, each a fresh instance, and reports each Result. The
// parent kills the worker's process group at a guest's deadline, so a guest
// that never yields is still stopped; a worker that finished its guest in
// time waits, idle, for the next one (an interpreter's worker starts the
// interpreter for it meanwhile: prestart.go). Everything else (memory cap,
// output cap, mounts, environment) is the same Run, inside the worker.
//
// Every language goes to workers, on one condition besides the process
// being able to serve as one: its module is compiled to machine code (the
// Runtime-held interpreters always are; candidates are with
// EngineCompiler). A module the interpreter engine runs stays in process:
// a worker would have to compile it, which costs a one-shot candidate
// seconds (BenchmarkLoadRun), and the interpreter's checks are cheap next
// to its own dispatch.

// workerEnv marks a process as a sandbox worker; its value is workerMagic.
const (
	workerEnv   = "ASI_SANDBOX_WORKER"
	workerMagic = "1"
)

// workerReadyByte is what a worker writes once its module is loaded, just
// before the guest starts: the parent's deadline starts there, so the
// worker's own start-up is not charged to the guest.
const workerReadyByte = 'R'

// workerFreeAfter is how long a worker stays idle before it returns the
// last guest's memory to the system.
const workerFreeAfter = 200 * time.Millisecond

// workerStartLimit bounds a worker's start-up: a cold compile of the
// interpreter takes seconds on a slow machine, not minutes.
const workerStartLimit = 2 * time.Minute

// workerCapable is set by MaybeWorker in a process that would serve as a
// worker if started as one.
var workerCapable atomic.Bool

// workerMode chooses where a Runtime runs compiled modules.
type workerMode int

const (
	// workerAuto runs them in worker processes when the executable can
	// serve as a worker (MaybeWorker was called), the Runtime has a
	// CacheDir to share and the module is in a file there, and in process
	// otherwise.
	workerAuto workerMode = iota
	// workerOff always runs in process.
	workerOff
	// workerChild is the Runtime inside a worker: compiled code carries no
	// termination checks, because the parent kills the process.
	workerChild
)

// MaybeWorker makes the process a sandbox worker if it was started as one:
// it then runs the guests its parent sends, one at a time, and exits when
// the parent closes its input, never returning.
// Otherwise it returns at once, and Runtimes of this process may run
// compiled guests (of any language) in worker processes, which run
// CPU-bound code several times faster than guests that must be stoppable
// in process.
//
// Call it first in main, before flags are parsed or anything is printed
// (and in TestMain of tests that use workers): a worker is the same
// executable started with no arguments and a marked environment.
func MaybeWorker() {
	if os.Getenv(workerEnv) != workerMagic {
		workerCapable.Store(true)
		return
	}
	// The replies own stdout; a stray print would corrupt them.
	out := os.Stdout
	os.Stdout = os.Stderr
	if err := serveWorker(context.Background(), os.Stdin, out); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox worker: %v\n", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// workerRequest is what a parent sends a worker: the module's file and the
// run's Config, field by field.
type workerRequest struct {
	Wasm     string
	CacheDir string
	Config   wireConfig
	// Warm, when set, has the worker pre-start the module for the next
	// request once this one is done (prestart.go).
	Warm *warmSpec
	// PrestartOnly asks a worker to load the module and pre-start it
	// (Warm), running nothing: a worker started in place of one killed.
	PrestartOnly bool
}

type wireConfig struct {
	MemoryLimit  uint64
	Timeout      time.Duration
	OutputLimit  int
	Stdin        []byte
	Args         []string
	Mounts       []wireMount
	Env          map[string]string
	FixedClock   bool
	Seed         uint64
	OutputLimitS bool
}

// wireMount is a Mount; an in-memory FS travels as its files.
type wireMount struct {
	HostDir, GuestDir string
	Files             map[string][]byte
}

func toWire(c Config) (wireConfig, error) {
	w := wireConfig{
		MemoryLimit:  c.memoryLimit,
		Timeout:      c.timeout,
		OutputLimit:  c.outputLimit,
		OutputLimitS: c.outputLimitSet,
		Stdin:        c.stdin,
		Args:         c.args,
		Env:          c.env,
		FixedClock:   c.fixedClock,
		Seed:         c.seed,
	}
	for _, m := range c.mounts {
		wm := wireMount{HostDir: m.HostDir, GuestDir: m.GuestDir}
		if m.FS != nil {
			files, err := readFiles(m.FS)
			if err != nil {
				return wireConfig{}, fmt.Errorf("mount %s: %w", m.GuestDir, err)
			}
			wm.Files = files
		}
		w.Mounts = append(w.Mounts, wm)
	}
	return w, nil
}

func fromWire(w wireConfig) Config {
	c := Config{
		memoryLimit:    w.MemoryLimit,
		timeout:        w.Timeout,
		outputLimit:    w.OutputLimit,
		outputLimitSet: w.OutputLimitS,
		stdin:          w.Stdin,
		args:           w.Args,
		env:            w.Env,
		fixedClock:     w.FixedClock,
		seed:           w.Seed,
	}
	for _, wm := range w.Mounts {
		m := Mount{HostDir: wm.HostDir, GuestDir: wm.GuestDir}
		if wm.Files != nil {
			fsys := fstest.MapFS{}
			for name, data := range wm.Files {
				fsys[name] = &fstest.MapFile{Data: data, Mode: 0o444}
			}
			m.FS = fsys
		}
		c.mounts = append(c.mounts, m)
	}
	return c
}

// readFiles reads every regular file of fsys (a candidate's few sources).
func readFiles(fsys fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := fs.ReadFile(fsys, name)
		files[name] = data
		return err
	})
	return files, err
}

// workerReply is what a worker sends back for a request: first Ready (its
// module is loaded, the guest starts now), then the Result or Err.
type workerReply struct {
	Ready  bool
	Warm   bool // with Ready: the guest runs on a pre-started instance
	Result Result
	Err    string
}

// serveWorker is the worker's side: for each request, load the module
// (once per file), say ready, run, reply. It returns when in closes.
func serveWorker(ctx context.Context, in io.Reader, out io.Writer) error {
	dec := gob.NewDecoder(in)
	enc := gob.NewEncoder(out)
	var r *Runtime
	modules := &workerModules{byPath: map[string]*Module{}}
	defer modules.setWarm(nil)
	freeMemory := time.AfterFunc(time.Hour, debug.FreeOSMemory)
	defer freeMemory.Stop()
	for {
		var req workerRequest
		err := dec.Decode(&req)
		freeMemory.Stop()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read request: %w", err)
		}
		res, err := serveOne(ctx, &r, modules, req, enc)
		reply := workerReply{Result: res}
		if err != nil {
			reply.Err = err.Error()
		}
		if err := enc.Encode(reply); err != nil {
			return err
		}
		if req.Warm != nil && err == nil {
			// While the parent has no work for this worker, start the
			// interpreter for the next candidate.
			if m := modules.get(req.Wasm); m != nil {
				modules.setWarm(r.prestart(m, fromWire(req.Config), req.Warm.Readable))
			}
		}
		// An idle worker should not hold on to the last guest's memory,
		// but a busy one would pay a full collection every run: return it
		// once the worker has been idle a moment.
		freeMemory.Reset(workerFreeAfter)
	}
}

// workerModules are the modules a worker keeps loaded, the most recently
// used last. An interpreter serves every run; a compiled candidate is run
// once or twice, so a long-lived worker keeps only the last few. warm is
// an instance of one of them pre-started for the next run, if any.
type workerModules struct {
	byPath map[string]*Module
	order  []string
	warm   *warmInstance
}

// setWarm keeps w (nil: none) as the pre-started instance, discarding the
// one kept before.
func (w *workerModules) setWarm(warm *warmInstance) {
	if w.warm != nil {
		w.warm.discard()
	}
	w.warm = warm
}

// takeWarm returns the pre-started instance if it can serve a run of m
// under cfg, and no longer keeps it. One that cannot is discarded when it
// is of m (it was started for m's next run); one of another module is
// kept for that module's next run.
func (w *workerModules) takeWarm(m *Module, cfg Config) *warmInstance {
	warm := w.warm
	if warm == nil || warm.module != m {
		return nil
	}
	w.warm = nil
	if !warm.fits(m, cfg) {
		warm.discard()
		return nil
	}
	return warm
}

// workerModuleLimit bounds the modules a worker keeps loaded.
const workerModuleLimit = 4

func (w *workerModules) get(path string) *Module {
	m := w.byPath[path]
	if m != nil {
		w.order = append(slices.DeleteFunc(w.order, func(p string) bool { return p == path }), path)
	}
	return m
}

func (w *workerModules) add(ctx context.Context, path string, m *Module) {
	for len(w.order) >= workerModuleLimit {
		if w.warm != nil && w.warm.module == w.byPath[w.order[0]] {
			w.setWarm(nil)
		}
		_ = w.byPath[w.order[0]].Close(ctx)
		delete(w.byPath, w.order[0])
		w.order = w.order[1:]
	}
	w.byPath[path] = m
	w.order = append(w.order, path)
}

func serveOne(ctx context.Context, r **Runtime, modules *workerModules, req workerRequest, enc *gob.Encoder) (Result, error) {
	if *r == nil {
		rt, err := NewRuntime(ctx, Options{CacheDir: req.CacheDir, Engine: EngineCompiler, worker: workerChild})
		if err != nil {
			return Result{}, err
		}
		*r = rt
	}
	m := modules.get(req.Wasm)
	if m == nil {
		wasm, err := os.ReadFile(req.Wasm)
		if err != nil {
			return Result{}, err
		}
		if m, err = (*r).Load(ctx, wasm); err != nil {
			return Result{}, err
		}
		modules.add(ctx, req.Wasm, m)
	}
	if req.PrestartOnly {
		return Result{}, enc.Encode(workerReply{Ready: true})
	}
	cfg := fromWire(req.Config)
	warm := modules.takeWarm(m, cfg)
	if err := enc.Encode(workerReply{Ready: true, Warm: warm != nil}); err != nil {
		if warm != nil {
			warm.discard()
		}
		return Result{}, err
	}
	if warm != nil {
		return warm.run(ctx, *r, cfg)
	}
	return (*r).Run(ctx, m, cfg)
}

// workerPath returns the file a worker loads m from, or "" when m runs in
// process: a worker needs the module in a file, a cache directory to share
// compiled code through, and m compiled to machine code (see above).
func (r *Runtime) workerPath(m *Module, path string) string {
	if path == "" || r.opt.worker != workerAuto || !workerCapable.Load() || r.opt.CacheDir == "" {
		return ""
	}
	// Runtime-held modules (interpreters) are always compiled.
	if !m.shared && r.opt.Engine != EngineCompiler {
		return ""
	}
	return path
}

// runProgramModule runs p's module under cfg, in a worker when it can.
func (r *Runtime) runProgramModule(ctx context.Context, p *Program, cfg Config) (Result, error) {
	path := p.wasmPath
	if path == "" {
		path = p.Module.path
	}
	if path = r.workerPath(p.Module, path); path == "" {
		return r.run(ctx, p.Module, cfg)
	}
	var warm *warmSpec
	if p.Module.shared {
		// An interpreter: the worker may start it for the next candidate,
		// reading only the program's own host directories before then.
		warm = &warmSpec{}
		for _, m := range p.Mounts {
			if m.FS == nil {
				warm.Readable = append(warm.Readable, m.GuestDir)
			}
		}
	}
	return r.runInWorker(ctx, path, cfg, warm)
}

// errWorkerGone is a worker that died or closed its pipes between runs.
var errWorkerGone = errors.New("worker exited")

// runInWorker runs the module in file wasm in a worker process under cfg,
// killing the worker at cfg's deadline. An idle worker is reused (it keeps
// its module loaded); one that turns out to have exited is replaced once.
// warm, when set, lets the worker pre-start the module for the next run.
func (r *Runtime) runInWorker(ctx context.Context, wasm string, cfg Config, warm *warmSpec) (Result, error) {
	if r.closed.Load() {
		return Result{}, ErrClosed
	}
	wire, err := toWire(cfg)
	if err != nil {
		return Result{}, fmt.Errorf("sandbox: worker: %w", err)
	}
	req := workerRequest{Wasm: wasm, CacheDir: r.opt.CacheDir, Config: wire, Warm: warm}
	// Runtime.Close stops runs in progress, as it does in process.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-tick.C:
				if r.closed.Load() {
					cancel()
				}
			}
		}
	}()
	for attempt := 0; ; attempt++ {
		w, reused, err := workers.get(runCtx, r.opt.CacheDir)
		var res Result
		if err == nil {
			res, err = w.run(runCtx, req, cfg.Timeout())
			if errors.Is(err, errWorkerGone) && reused && attempt == 0 && runCtx.Err() == nil {
				continue
			}
		}
		switch {
		case err == nil:
			return res, nil
		case ctx.Err() != nil:
			return Result{}, fmt.Errorf("sandbox: run: %w", ctx.Err())
		case r.closed.Load():
			return Result{}, ErrClosed
		}
		return Result{}, fmt.Errorf("sandbox: worker: %w", err)
	}
}

// workerProc is one worker process and the ends of its pipes.
type workerProc struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	enc     *gob.Encoder
	dec     *gob.Decoder
	stderr  *limitedBuffer
	idle    *time.Timer // kills the worker when it stays idle too long
	dead    atomic.Bool
	waitErr chan error
}

func startWorker() (*workerProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// A context that never ends: killProcessGroup's Cancel needs one, and
	// kill calls it at the deadline.
	cmd := exec.CommandContext(context.Background(), exe)
	killProcessGroup(cmd)
	// Nothing of the host's environment: the worker needs none.
	cmd.Env = []string{workerEnv + "=" + workerMagic}
	w := &workerProc{cmd: cmd, stderr: &limitedBuffer{buf: &bytes.Buffer{}, limit: 16 << 10}, waitErr: make(chan error, 1)}
	cmd.Stderr = w.stderr
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { w.waitErr <- cmd.Wait() }()
	w.enc = gob.NewEncoder(w.stdin)
	w.dec = gob.NewDecoder(bufio.NewReader(stdout))
	return w, nil
}

// kill ends the worker's whole process group; safe to call more than once.
func (w *workerProc) kill() {
	if w.dead.Swap(true) {
		return
	}
	if w.cmd.Cancel != nil {
		_ = w.cmd.Cancel()
	} else {
		_ = w.cmd.Process.Kill()
	}
	_ = w.stdin.Close()
}

// run sends one request and waits for its Result. It kills the worker
// when the guest passes timeout, when ctx ends, or when the worker fails
// to start in workerStartLimit; a worker killed or broken is not reused.
func (w *workerProc) run(ctx context.Context, req workerRequest, timeout time.Duration) (Result, error) {
	stopCtx := context.AfterFunc(ctx, w.kill)
	defer stopCtx()
	startTimer := time.AfterFunc(workerStartLimit, w.kill)
	defer startTimer.Stop()
	if err := w.enc.Encode(req); err != nil {
		w.kill()
		return Result{}, errWorkerGone
	}
	var ready workerReply
	if err := w.dec.Decode(&ready); err != nil || !ready.Ready {
		w.kill()
		if err == nil {
			return Result{}, errors.New(ready.Err)
		}
		return Result{}, fmt.Errorf("%w: %w", errWorkerGone, w.exitError())
	}
	startTimer.Stop()
	if ready.Warm {
		warmRuns.Add(1)
	}
	start := time.Now()
	var timedOut atomic.Bool
	deadline := time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		w.kill()
	})
	var reply workerReply
	err := w.dec.Decode(&reply)
	stopped := deadline.Stop()
	switch {
	case timedOut.Load() && err != nil:
		if req.Warm != nil && workers.reserve(req.CacheDir) {
			go workers.replace(req)
		}
		return Result{
			Wall:   time.Since(start),
			Reason: ReasonTimeout,
			Detail: fmt.Sprintf("still running after the time limit of %s", timeout),
		}, nil
	case err != nil:
		w.kill()
		return Result{}, fmt.Errorf("%w: %w", errWorkerGone, w.exitError())
	case reply.Err != "":
		w.kill()
		return Result{}, errors.New(reply.Err)
	}
	if stopped {
		workers.put(req.CacheDir, w)
	}
	return reply.Result, nil
}

// exitError waits briefly for the worker's exit and reports it with what
// it wrote to stderr.
func (w *workerProc) exitError() error {
	select {
	case err := <-w.waitErr:
		if s := w.stderr.String(); s != "" {
			return fmt.Errorf("%v: %s", err, strings.TrimSpace(s))
		}
		return err
	case <-time.After(5 * time.Second):
		return errors.New("no exit status")
	}
}

// workerPool keeps idle workers by cache directory. It keeps at most one
// idle worker per CPU, each for workerIdleLimit.
type workerPool struct {
	mu   sync.Mutex
	idle map[string][]*workerProc
	// starting counts the workers replace is starting, by key; replaced
	// is closed, and renewed, each time one of them is done.
	starting map[string]int
	replaced chan struct{}
}

const workerIdleLimit = 30 * time.Second

var workers = &workerPool{idle: map[string][]*workerProc{}, starting: map[string]int{}, replaced: make(chan struct{})}

// get returns an idle worker for key, or starts one; reused says which.
// With none idle but one being started in place of a killed one, it waits
// for that one, which is further along than a new start would be.
func (p *workerPool) get(ctx context.Context, key string) (w *workerProc, reused bool, err error) {
	p.mu.Lock()
	for {
		for len(p.idle[key]) > 0 {
			n := len(p.idle[key])
			w = p.idle[key][n-1]
			p.idle[key] = p.idle[key][:n-1]
			if w.idle.Stop() && !w.dead.Load() {
				p.mu.Unlock()
				return w, true, nil
			}
		}
		if p.starting[key] == 0 {
			break
		}
		replaced := p.replaced
		p.mu.Unlock()
		select {
		case <-replaced:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
		p.mu.Lock()
	}
	p.mu.Unlock()
	w, err = startWorker()
	return w, false, err
}

// reserve counts a worker replace is about to start for key, unless the
// pool for key is full with it.
func (p *workerPool) reserve(key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle[key])+p.starting[key] >= runtime.NumCPU() {
		return false
	}
	p.starting[key]++
	return true
}

// replace starts a worker in place of one killed at the deadline of req,
// a run of an interpreter, and has it pre-start the interpreter as req's
// worker would have, so that the next candidate finds a warm worker rather
// than starting one. The new worker joins the idle pool, unless the pool
// is full or the worker fails to start. The caller reserved it.
func (p *workerPool) replace(req workerRequest) {
	key := req.CacheDir
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.starting[key]--; p.starting[key] == 0 {
			delete(p.starting, key)
		}
		close(p.replaced)
		p.replaced = make(chan struct{})
	}()
	w, err := startWorker()
	if err != nil {
		return
	}
	// Nothing of the killed candidate travels: its input and files are
	// not needed to start the interpreter.
	req.PrestartOnly = true
	req.Config.Stdin = nil
	req.Config.Mounts = slices.Clone(req.Config.Mounts)
	for i := range req.Config.Mounts {
		if req.Config.Mounts[i].Files != nil {
			req.Config.Mounts[i].Files = map[string][]byte{}
		}
	}
	startTimer := time.AfterFunc(workerStartLimit, w.kill)
	defer startTimer.Stop()
	var ready, reply workerReply
	if w.enc.Encode(req) != nil || w.dec.Decode(&ready) != nil || !ready.Ready ||
		w.dec.Decode(&reply) != nil || reply.Err != "" {
		w.kill()
		return
	}
	p.put(key, w)
}

func (p *workerPool) put(key string, w *workerProc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.idle[key]) >= runtime.NumCPU() {
		w.kill()
		return
	}
	w.idle = time.AfterFunc(workerIdleLimit, func() {
		p.mu.Lock()
		p.idle[key] = slices.DeleteFunc(p.idle[key], func(o *workerProc) bool { return o == w })
		p.mu.Unlock()
		w.kill()
	})
	p.idle[key] = append(p.idle[key], w)
}

// limitedBuffer keeps the first limit bytes written to it.
type limitedBuffer struct {
	mu    sync.Mutex
	buf   *bytes.Buffer
	limit int
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if room := w.limit - w.buf.Len(); room > 0 {
		w.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (w *limitedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
