package sandbox

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental"
	"github.com/tetratelabs/wazero/sys"
)

// Pre-started interpreters.
//
// Most of a short Python candidate's run is CPython starting: reading its
// standard library, importing encodings, io, os and site. None of that
// depends on the candidate. So a worker that runs an interpreter starts
// the next instance while it waits for the next candidate, with the last
// candidate's arguments, environment, clocks and seed, and lets it run
// until it first reaches for anything of a candidate: stdin, stdout,
// stderr, a sleep, or any mount other than the interpreter's own files.
// There the instance waits, at a gate. When a candidate arrives with the
// same arguments, environment, clocks, seed and mount points, the gate
// opens onto the candidate's own files, input, output caps, memory cap and
// deadline; otherwise the instance is discarded and the candidate starts
// a fresh one, as it would have without this.
//
// Why candidates stay apart: each instance serves at most one candidate
// and is closed after it, as in a cold run. Before its gate opens it holds
// nothing of any candidate (their files, input and output are all behind
// the gate) and has run only the interpreter's own start on its own files,
// exactly the first steps a cold run with the same arguments, environment,
// clocks and seed would take: the candidate sees what it would have seen,
// fake clocks and random bytes included. Only interpreters (modules the
// Runtime holds) are pre-started: a compiled candidate's own code would
// run before its limits.
//
// A worker killed at a candidate's deadline is replaced at once by one
// that loads the interpreter and pre-starts it (workerPool.replace), so a
// timeout does not leave the next candidate to start a worker.

// warmRuns counts the runs in workers that started on a pre-started
// instance: tests check that the path they mean to test was taken.
var warmRuns atomic.Int64

// warmSpec asks a worker to pre-start the module after a run: it is a
// Runtime-held interpreter, and Readable are the guest directories of its
// own files (the standard library), which it may read before the gate.
type warmSpec struct {
	Readable []string
}

// warmInstance is an interpreter instance started for a candidate not yet
// known, waiting at its gate.
type warmInstance struct {
	module   *Module
	cfg      Config   // what it was started with, less stdin and the gated mounts' files
	readable []string // guest directories opened before the gate
	gate     *gate
	mem      *memoryCap
	opens    *openLimit
	// stop ends the instance where wazero checks its context (in process;
	// a worker's guest is stopped by killing the worker).
	stop        context.CancelFunc
	closeMounts func() // the readable mounts
	done        chan struct{}
	ended       time.Time // when the instance ended; valid after done
	err         error     // InstantiateModule's; valid after done
}

// prestart starts an instance of the interpreter m for the next candidate,
// expected to run with cfg's arguments, environment, clocks, seed and
// mount points; readable are the guest directories of m's own files. The
// instance runs until it reaches its gate; pass it the candidate with run,
// or end it with discard. It returns nil when cfg cannot be pre-started:
// m needs more memory than cfg allows, or a readable mount is not a host
// directory or cannot be opened (a fresh run reports why).
func (r *Runtime) prestart(m *Module, cfg Config, readable []string) *warmInstance {
	if _, over := overMemoryAtStart(m, cfg.MemoryLimit()); over {
		return nil
	}
	g := &gate{parked: make(chan struct{}), opened: make(chan struct{})}
	// Keep what fits compares, nothing of the last candidate's input or
	// files.
	shape := cfg
	shape.stdin = nil
	shape.mounts = slices.Clone(cfg.mounts)
	for i, mnt := range shape.mounts {
		if !slices.Contains(readable, mnt.GuestDir) {
			shape.mounts[i] = Mount{GuestDir: mnt.GuestDir}
		}
	}
	w := &warmInstance{
		module:   m,
		cfg:      shape,
		readable: readable,
		gate:     g,
		mem:      &memoryCap{limit: cfg.MemoryLimit()},
		opens:    &openLimit{},
		done:     make(chan struct{}),
	}
	var early []Mount
	for _, mnt := range cfg.mounts {
		if slices.Contains(readable, mnt.GuestDir) {
			if mnt.FS != nil {
				return nil
			}
			early = append(early, mnt)
		}
	}
	mounts, closeMounts, err := openMounts(early, w.opens)
	if err != nil {
		return nil
	}
	w.closeMounts = sync.OnceFunc(closeMounts)
	mc := moduleConfig(cfg, gatedReader{g}, gatedWriter{g, &g.stdout}, gatedWriter{g, &g.stderr}, g.sleepFor)
	if len(cfg.mounts) > 0 {
		// In cfg's order, which decides the guest's descriptor numbers.
		fsc := wazero.NewFSConfig()
		for _, mnt := range cfg.mounts {
			fsys := mounts[mnt.GuestDir]
			if fsys == nil {
				fsys = gatedFS{gate: g, dir: mnt.GuestDir}
			}
			fsc = fsc.WithFSMount(fsys, mnt.GuestDir)
		}
		mc = mc.WithFSConfig(fsc)
	}
	ctx, stop := context.WithCancel(context.Background())
	w.stop = stop
	go func() {
		defer close(w.done)
		mod, err := m.wz.InstantiateModule(experimental.WithMemoryAllocator(ctx, w.mem), m.compiled, mc)
		w.ended = time.Now()
		if mod != nil {
			_ = mod.Close(context.Background())
		}
		w.err = err
	}()
	return w
}

// fits waits until w reaches its gate and reports whether it can serve a
// run of m under cfg: same arguments, environment, clocks, seed and mount
// points, the readable mounts from the same host directories, and no more
// memory used so far than cfg allows.
func (w *warmInstance) fits(m *Module, cfg Config) bool {
	select {
	case <-w.gate.parked:
	case <-w.done:
		return false // it ended before reaching its gate
	}
	pre := w.cfg
	if m != w.module || !slices.Equal(cfg.args, pre.args) || !maps.Equal(cfg.env, pre.env) ||
		cfg.fixedClock != pre.fixedClock || cfg.seed != pre.seed || len(cfg.mounts) != len(pre.mounts) {
		return false
	}
	for i, mnt := range cfg.mounts {
		if mnt.GuestDir != pre.mounts[i].GuestDir {
			return false
		}
		if slices.Contains(w.readable, mnt.GuestDir) && (mnt.FS != nil || mnt.HostDir != pre.mounts[i].HostDir) {
			return false
		}
	}
	return !w.mem.refused.Load() && w.mem.peak.Load() <= cfg.MemoryLimit()
}

// run opens w's gate onto the candidate of cfg and waits for the end of
// its run. w must fit cfg (fits) and is used up.
func (w *warmInstance) run(ctx context.Context, r *Runtime, cfg Config) (Result, error) {
	defer w.closeMounts()
	// The guest waits at its gate, so nothing reads the cap now.
	w.mem.limit = cfg.MemoryLimit()
	lim, cancel := newRunLimits(ctx, cfg, w.mem)
	defer cancel()
	stopAtEnd := context.AfterFunc(lim.ctx, w.stop)
	defer stopAtEnd()
	var late []Mount
	for _, mnt := range cfg.mounts {
		if !slices.Contains(w.readable, mnt.GuestDir) {
			late = append(late, mnt)
		}
	}
	mounts, closeMounts, err := openMounts(late, w.opens)
	if err != nil {
		w.discard()
		return Result{}, err
	}
	defer closeMounts()

	g := w.gate
	g.stdin = bytes.NewReader(cfg.stdin)
	g.stdout, g.stderr = lim.stdout, lim.stderr
	g.mounts = mounts
	g.sleep = sleepUntilDone(lim.ctx)
	start := time.Now()
	close(g.opened)
	<-w.done
	return r.result(ctx, lim, cfg, w.err, w.ended.Sub(start))
}

// discard ends w without running a candidate: the guest is stopped at its
// gate. It returns when the instance has ended.
func (w *warmInstance) discard() {
	select {
	case <-w.gate.opened:
	default:
		w.gate.aborted = true
		close(w.gate.opened)
	}
	w.stop()
	<-w.done
	w.closeMounts()
}

// gate holds back a pre-started instance at its first use of anything of a
// candidate until the candidate arrives (or the instance is discarded).
type gate struct {
	parkOnce sync.Once
	parked   chan struct{} // closed when the guest first waits at the gate
	opened   chan struct{} // closed by run or discard

	// Set before opened closes, read by the guest only after.
	aborted        bool
	stdin          io.Reader
	stdout, stderr io.Writer
	mounts         map[string]fs.FS // by guest directory
	sleep          func(ns int64)
}

// pass returns once the gate is open; a discarded instance is stopped
// there, from inside the host call, as an output flood is.
func (g *gate) pass() {
	select {
	case <-g.opened:
	default:
		g.parkOnce.Do(func() { close(g.parked) })
		<-g.opened
	}
	if g.aborted {
		panic(sys.NewExitError(sys.ExitCodeContextCanceled))
	}
}

// isOpen reports whether the gate is open, without waiting.
func (g *gate) isOpen() bool {
	select {
	case <-g.opened:
		return true
	default:
		return false
	}
}

func (g *gate) sleepFor(ns int64) {
	g.pass()
	g.sleep(ns)
}

type gatedReader struct{ g *gate }

func (r gatedReader) Read(p []byte) (int, error) {
	r.g.pass()
	return r.g.stdin.Read(p)
}

type gatedWriter struct {
	g *gate
	w *io.Writer // the gate's stdout or stderr
}

func (w gatedWriter) Write(p []byte) (int, error) {
	w.g.pass()
	return (*w.w).Write(p)
}

// gatedFS is the mount at dir, once the gate is open.
type gatedFS struct {
	gate *gate
	dir  string
}

func (f gatedFS) Open(name string) (fs.File, error) {
	if name == "." && !f.gate.isOpen() {
		// wazero opens each mount's root when the guest asks for its
		// pre-opened directories, at the very start.
		return &gatedRoot{fs: f}, nil
	}
	f.gate.pass()
	return f.gate.mounts[f.dir].Open(name)
}

// gatedRoot is a mount's root directory opened before the gate: a
// directory until the gate opens, then the mount's own root. wazero keeps
// the device and inode numbers of its first Stat for the pre-opened
// descriptor (the inode of "." when the guest lists it): 0, as an
// in-memory mount's are, where a host directory's would be its own.
type gatedRoot struct {
	fs   gatedFS
	root *limitedFile // opened at first use after the gate
	err  error
}

func (d *gatedRoot) open() (*limitedFile, error) {
	d.fs.gate.pass()
	if d.root == nil && d.err == nil {
		var f fs.File
		if f, d.err = d.fs.gate.mounts[d.fs.dir].Open("."); d.err == nil {
			d.root = f.(*limitedFile) // the gate's mounts are openMounts'
		}
	}
	return d.root, d.err
}

func (d *gatedRoot) Stat() (fs.FileInfo, error) {
	if !d.fs.gate.isOpen() {
		return rootInfo{}, nil
	}
	f, err := d.open()
	if err != nil {
		return nil, err
	}
	return f.Stat()
}

func (d *gatedRoot) Read(p []byte) (int, error) {
	f, err := d.open()
	if err != nil {
		return 0, err
	}
	return f.Read(p)
}

// ReadDir, ReadAt and Seek are those of limitedFile, the type of what
// every mount opens: wazero picks its way by the methods a file has.
func (d *gatedRoot) ReadDir(n int) ([]fs.DirEntry, error) {
	f, err := d.open()
	if err != nil {
		return nil, err
	}
	return f.ReadDir(n)
}

func (d *gatedRoot) ReadAt(p []byte, off int64) (int, error) {
	f, err := d.open()
	if err != nil {
		return 0, err
	}
	return f.ReadAt(p, off)
}

func (d *gatedRoot) Seek(offset int64, whence int) (int64, error) {
	f, err := d.open()
	if err != nil {
		return 0, err
	}
	return f.Seek(offset, whence)
}

func (d *gatedRoot) Close() error {
	if d.root == nil {
		return nil
	}
	return d.root.Close()
}

// rootInfo describes a mount's root before the gate: a read-only directory.
type rootInfo struct{}

func (rootInfo) Name() string       { return "." }
func (rootInfo) Size() int64        { return 0 }
func (rootInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (rootInfo) ModTime() time.Time { return time.Time{} }
func (rootInfo) IsDir() bool        { return true }
func (rootInfo) Sys() any           { return nil }
