package sandbox

import (
	"context"
	"encoding/gob"
	"io"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// runPythonWarm runs files like runPython and reports whether the run
// started on a pre-started instance. Runs of one test are sequential, so
// the count moves only by this run.
func runPythonWarm(t *testing.T, r *Runtime, files map[string][]byte, cfg Config) (Result, bool) {
	t.Helper()
	before := warmRuns.Load()
	res := runPython(t, r, files, cfg)
	return res, warmRuns.Load() > before
}

func pythonFiles(src string) map[string][]byte {
	return map[string][]byte{"main.py": []byte(src)}
}

// TestPythonWarmIsolation checks that a candidate run on a pre-started
// interpreter sees nothing the candidate before it on the same worker
// did: not its files, input, output, globals, modules, environment or
// changes to the standard library's modules.
func TestPythonWarmIsolation(t *testing.T) {
	r := newPythonRuntime(t, workerAuto)
	killIdleWorkers(r)
	runPython(t, r, pythonFiles("print('start')\n"), NewConfig()) // a worker, then warm
	pids := idlePIDs(r)

	leaker := map[string][]byte{
		"main.py": []byte(`import builtins, os, sys
builtins.LEAKED = 1
os.LEAKED = 1
sys.LEAKED = 1
sys.modules['leaked_module'] = type(sys)('leaked_module')
os.environ['LEAKED'] = '1'
sys.path.append('/leaked')
sys.setrecursionlimit(123)
print(sys.stdin.read())
try:
    open('/app/new.txt', 'w').write('x')
    print('WROTE')
except OSError:
    pass
print('leaker done')
`),
		"secret.txt": []byte("LEAKED-FILE"),
	}
	res, warm := runPythonWarm(t, r, leaker, NewConfig().WithStdin([]byte("LEAKED-STDIN")))
	if !res.OK() || string(res.Stdout) != "LEAKED-STDIN\nleaker done\n" {
		t.Fatalf("leaker: %s %s\n%s%s", res.Reason, res.Detail, res.Stdout, res.Stderr)
	}
	if !warm {
		t.Fatal("the leaker did not run on a pre-started interpreter")
	}

	checker := pythonFiles(`import builtins, os, sys
seen = []
for name, obj in (('builtins', builtins), ('os', os), ('sys', sys)):
    if hasattr(obj, 'LEAKED'):
        seen.append(name)
if 'leaked_module' in sys.modules: seen.append('sys.modules')
if 'LEAKED' in os.environ: seen.append('environ')
if '/leaked' in sys.path: seen.append('sys.path')
if sys.getrecursionlimit() == 123: seen.append('recursion limit')
if os.listdir('/app') != ['main.py']: seen.append('files %s' % os.listdir('/app'))
data = sys.stdin.read()
if data: seen.append('stdin %r' % data)
print('seen', seen)
`)
	res, warm = runPythonWarm(t, r, checker, NewConfig())
	if !warm {
		t.Fatal("the checker did not run on a pre-started interpreter")
	}
	if !res.OK() || string(res.Stdout) != "seen []\n" {
		t.Fatalf("the next candidate saw the last one's traces: %s %s\n%s%s", res.Reason, res.Detail, res.Stdout, res.Stderr)
	}
	if diff := cmp.Diff(pids, idlePIDs(r)); diff != "" {
		t.Errorf("the runs did not share one worker (-before +after):\n%s", diff)
	}
}

// killIdleWorkers ends r's idle workers, so that a test knows which runs
// start a worker.
func killIdleWorkers(r *Runtime) {
	workers.mu.Lock()
	defer workers.mu.Unlock()
	for _, w := range workers.idle[r.opt.CacheDir] {
		w.idle.Stop()
		w.kill()
	}
	delete(workers.idle, r.opt.CacheDir)
}

// idlePIDs are the process ids of r's idle workers.
func idlePIDs(r *Runtime) []int {
	workers.mu.Lock()
	defer workers.mu.Unlock()
	var pids []int
	for _, w := range workers.idle[r.opt.CacheDir] {
		pids = append(pids, w.cmd.Process.Pid)
	}
	return pids
}

// TestPythonWarmLimits checks that a pre-started interpreter runs under
// the candidate's own limits, not those of the run it was started after,
// and that a candidate that crashes or times out leaves a pool that runs
// the next one, on a pre-started interpreter.
func TestPythonWarmLimits(t *testing.T) {
	r := newPythonRuntime(t, workerAuto)
	killIdleWorkers(r)
	runPython(t, r, pythonFiles("print('start')\n"), NewConfig())
	alloc40 := pythonFiles("x = bytearray(40 << 20)\nprint(len(x))\n")
	tests := []struct {
		name     string
		files    map[string][]byte
		cfg      Config
		want     Reason
		wantWarm bool
		anyStart bool // pre-started or not
		waitIdle bool // for an idle worker first
	}{
		// Started under the default 64MiB; this candidate has 32MiB.
		{name: "smaller memory limit", files: alloc40, cfg: NewConfig().WithMemoryLimit(32 << 20), want: ReasonOutOfMemory, wantWarm: true},
		// Started under 32MiB; this candidate has 64MiB again.
		{name: "larger memory limit", files: alloc40, cfg: NewConfig(), want: ReasonOK, wantWarm: true},
		{name: "output limit", files: pythonFiles("print('x' * 100)\n"), cfg: NewConfig().WithOutputLimit(10), want: ReasonOutputLimit, wantWarm: true},
		// Less than the interpreter's start used: started afresh.
		{name: "limit below the start", files: pythonFiles("print(1)\n"), cfg: NewConfig().WithMemoryLimit(1 << 20), want: ReasonOutOfMemory},
		// Nothing was pre-started under that limit.
		{name: "exception", files: pythonFiles("raise ValueError('no')\n"), want: ReasonException},
		{name: "trap", files: map[string][]byte{"main.py": hostileFile(t, "recursion.py")["recursion.py"]}, want: ReasonTrap, wantWarm: true},
		{name: "loop past deadline", files: pythonFiles("while True: pass\n"), cfg: NewConfig().WithTimeout(300 * time.Millisecond), want: ReasonTimeout, wantWarm: true},
		// The worker was killed; the one started in its place pre-starts
		// the interpreter.
		{name: "after a timeout", files: pythonFiles("print('alive')\n"), want: ReasonOK, wantWarm: true, waitIdle: true},
		// The next run does not start a worker of its own while one is
		// starting in place of the one killed.
		{name: "loop past deadline again", files: pythonFiles("while True: pass\n"), cfg: NewConfig().WithTimeout(300 * time.Millisecond), want: ReasonTimeout, wantWarm: true},
		{name: "right after a timeout", files: pythonFiles("print('alive')\n"), want: ReasonOK, wantWarm: true},
		{name: "sleep past deadline", files: pythonFiles("import time\ntime.sleep(30)\n"), cfg: NewConfig().WithTimeout(300 * time.Millisecond), want: ReasonTimeout, wantWarm: true},
		// The worker's guest ended at its deadline, or the worker was
		// killed: either way the next run works.
		{name: "after a sleep", files: pythonFiles("print('alive')\n"), want: ReasonOK, anyStart: true},
		{name: "warm again", files: pythonFiles("print('alive')\n"), want: ReasonOK, wantWarm: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for deadline := time.Now().Add(time.Minute); tc.waitIdle && len(idlePIDs(r)) == 0; {
				if time.Now().After(deadline) {
					t.Fatal("no idle worker a minute after the timeout")
				}
				time.Sleep(10 * time.Millisecond)
			}
			res, warm := runPythonWarm(t, r, tc.files, tc.cfg)
			if res.Reason != tc.want {
				t.Errorf("reason %q (%s), want %q\n%s%s", res.Reason, res.Detail, tc.want, res.Stdout, res.Stderr)
			}
			if warm != tc.wantWarm && !tc.anyStart {
				t.Errorf("ran on a pre-started interpreter: %v, want %v", warm, tc.wantWarm)
			}
		})
	}
}

// TestPythonWarmSameAsCold checks that a candidate sees the same things on
// a pre-started interpreter as on a fresh one: with fake clocks and a
// fixed seed, every clock reading and random byte, its arguments and
// environment. A run whose arguments, environment, clocks or seed differ
// from the run before does not get the interpreter started for that run.
func TestPythonWarmSameAsCold(t *testing.T) {
	probe := pythonFiles(`import os, random, sys, time
print(time.time(), time.monotonic(), hash('abc'), random.random(), os.urandom(4).hex())
print(sys.argv, sorted(os.environ.items()), sys.flags.hash_randomization)
`)
	base := NewConfig().WithDeterministicClock().WithRandSeed(5).WithArgs("x")
	cold := runPython(t, newPythonRuntime(t, workerOff), probe, base)
	if !cold.OK() {
		t.Fatalf("in process: %s %s\n%s", cold.Reason, cold.Detail, cold.Stderr)
	}
	r := newPythonRuntime(t, workerAuto)
	killIdleWorkers(r)
	runPython(t, r, probe, base)
	res, warm := runPythonWarm(t, r, probe, base)
	if !warm {
		t.Fatal("the second run did not start pre-started")
	}
	if diff := cmp.Diff(string(cold.Stdout), string(res.Stdout)); diff != "" {
		t.Errorf("pre-started run differs from a fresh one (-fresh +pre-started):\n%s", diff)
	}

	changed := []struct {
		name string
		cfg  Config
		want string // in stdout
	}{
		{name: "seed", cfg: base.WithRandSeed(6)},
		{name: "arguments", cfg: base.WithArgs("y"), want: "'y'"},
		{name: "environment", cfg: base.WithEnv("K", "V"), want: "('K', 'V')"},
		{name: "real clocks", cfg: NewConfig().WithRandSeed(5).WithArgs("x")},
	}
	last := res
	for _, tc := range changed {
		t.Run(tc.name, func(t *testing.T) {
			res, warm := runPythonWarm(t, r, probe, tc.cfg)
			if warm {
				t.Error("ran on the interpreter started for another configuration")
			}
			if !res.OK() || !strings.Contains(string(res.Stdout), tc.want) || string(res.Stdout) == string(last.Stdout) {
				t.Errorf("%s %s: stdout %q (the run before: %q)", res.Reason, res.Detail, res.Stdout, last.Stdout)
			}
			last = res
		})
	}
}

// TestWarmInstance checks, in process, which runs a pre-started
// interpreter may serve, that a discarded one ends, and that one serving a
// candidate still ends at its deadline.
func TestWarmInstance(t *testing.T) {
	ctx := context.Background()
	r := newPythonRuntime(t, workerOff)
	p, err := r.Prepare(ctx, "python", pythonFiles("print('hi')\n"))
	if err != nil {
		t.Fatal(err)
	}
	base := p.config(NewConfig())
	readable := []string{pythonGuestLib}
	other := &Module{}
	tests := []struct {
		name   string
		module *Module
		cfg    Config
		want   bool
	}{
		{name: "same", cfg: base, want: true},
		{name: "other input, files, limits", want: true, cfg: base.WithStdin([]byte("in")).WithTimeout(time.Second).WithOutputLimit(5).WithMemoryLimit(128 << 20).
			withMount(Mount{FS: fstest.MapFS{"main.py": {Data: []byte("print(2)")}}, GuestDir: pythonGuestApp})},
		{name: "other module", module: other, cfg: base},
		{name: "arguments", cfg: base.WithArgs("a")},
		{name: "environment", cfg: base.WithEnv("PYTHONHASHSEED", "1")},
		{name: "seed", cfg: base.WithRandSeed(1)},
		{name: "fake clocks", cfg: base.WithDeterministicClock()},
		{name: "another mount", cfg: base.WithReadOnlyMount(t.TempDir(), "/data")},
		{name: "standard library elsewhere", cfg: base.WithReadOnlyMount(t.TempDir(), pythonGuestLib)},
		{name: "memory limit under what the start used", cfg: base.WithMemoryLimit(2 << 20)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := r.prestart(p.Module, base, readable)
			if w == nil {
				t.Fatal("not pre-started")
			}
			m := p.Module
			if tc.module != nil {
				m = tc.module
			}
			if got := w.fits(m, tc.cfg); got != tc.want {
				t.Errorf("fits %v, want %v", got, tc.want)
			}
			w.discard()
			select {
			case <-w.done:
			default:
				t.Error("discard returned before the instance ended")
			}
		})
	}

	t.Run("deadline", func(t *testing.T) {
		loop, err := r.Prepare(ctx, "python", pythonFiles("while True: pass\n"))
		if err != nil {
			t.Fatal(err)
		}
		cfg := loop.config(NewConfig().WithTimeout(300 * time.Millisecond))
		w := r.prestart(loop.Module, cfg, readable)
		if !w.fits(loop.Module, cfg) {
			t.Fatal("does not fit its own configuration")
		}
		res, err := w.run(ctx, r, cfg)
		if err != nil || res.Reason != ReasonTimeout {
			t.Errorf("run: %v, reason %q (%s), want timeout", err, res.Reason, res.Detail)
		}
		if res.Wall > 5*time.Second {
			t.Errorf("wall %v, want about the 300ms deadline", res.Wall)
		}
	})
}

// TestServeWorkerWarm drives a worker's loop in this process (so the race
// detector sees it): a run asking for a warm start leaves an interpreter
// pre-started, which the next run of the same configuration gets and one
// of another configuration does not.
func TestServeWorkerWarm(t *testing.T) {
	r := newPythonRuntime(t, workerOff)
	ctx := context.Background()
	reqIn, reqOut := io.Pipe()
	replyIn, replyOut := io.Pipe()
	served := make(chan error, 1)
	go func() { served <- serveWorker(ctx, reqIn, replyOut) }()
	enc, dec := gob.NewEncoder(reqOut), gob.NewDecoder(replyIn)
	run := func(src string, cfg Config) (workerReply, Result) {
		t.Helper()
		p, err := r.Prepare(ctx, "python", pythonFiles(src))
		if err != nil {
			t.Fatal(err)
		}
		wire, err := toWire(p.config(cfg))
		if err != nil {
			t.Fatal(err)
		}
		req := workerRequest{Wasm: p.wasmPath, CacheDir: r.opt.CacheDir, Config: wire, Warm: &warmSpec{Readable: []string{pythonGuestLib}}}
		if err := enc.Encode(req); err != nil {
			t.Fatal(err)
		}
		var ready, reply workerReply
		if err := dec.Decode(&ready); err != nil || !ready.Ready {
			t.Fatalf("ready: %v %+v", err, ready)
		}
		if err := dec.Decode(&reply); err != nil || reply.Err != "" {
			t.Fatalf("reply: %v %s", err, reply.Err)
		}
		return ready, reply.Result
	}
	tests := []struct {
		name     string
		src      string
		cfg      Config
		wantOut  string
		wantWarm bool
	}{
		{name: "first", src: "print('one')\n", wantOut: "one\n"},
		{name: "same configuration", src: "print(input())\n", cfg: NewConfig().WithStdin([]byte("two\n")), wantOut: "two\n", wantWarm: true},
		{name: "other arguments", src: "import sys\nprint(sys.argv[1:])\n", cfg: NewConfig().WithArgs("a"), wantOut: "['a']\n"},
		{name: "same again", src: "import sys\nprint(sys.argv[1:])\n", cfg: NewConfig().WithArgs("a"), wantOut: "['a']\n", wantWarm: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ready, res := run(tc.src, tc.cfg)
			if ready.Warm != tc.wantWarm {
				t.Errorf("pre-started %v, want %v", ready.Warm, tc.wantWarm)
			}
			if string(res.Stdout) != tc.wantOut {
				t.Errorf("stdout %q, want %q (%s %s)", res.Stdout, tc.wantOut, res.Reason, res.Stderr)
			}
		})
	}
	// Closing the input ends the worker, and with it the instance it
	// pre-started for a run that never came.
	_ = reqOut.Close()
	if err := <-served; err != nil {
		t.Errorf("worker: %v", err)
	}
}
