package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/internal/testenv"
)

// newPythonRuntime returns a Runtime for Python guests, sharing the user's
// compilation cache so the interpreter is compiled once per machine, or
// skips the test when the runtime has not been built.
func newPythonRuntime(tb testing.TB, mode workerMode) *Runtime {
	tb.Helper()
	if _, err := PythonHome(); errors.Is(err, ErrPythonNotBuilt) {
		testenv.Skipf(tb, "%v: run make python-wasm (scripts/ci/install-python-wasm.sh installs what it needs)", err)
	}
	r, err := NewRuntime(context.Background(), Options{CacheDir: CacheDir(), worker: mode})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = r.Close(context.Background()) })
	return r
}

func runPython(tb testing.TB, r *Runtime, files map[string][]byte, cfg Config) Result {
	tb.Helper()
	ctx := context.Background()
	p, err := r.Prepare(ctx, "python", files)
	if err != nil {
		tb.Fatalf("prepare: %v", err)
	}
	defer p.Close()
	res, err := r.RunProgram(ctx, p, cfg)
	if err != nil {
		tb.Fatalf("run: %v", err)
	}
	return res
}

func hostileFile(t *testing.T, name string) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "hostile", "python", name))
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{name: data}
}

// TestPythonHostile runs each hostile guest and checks it ends with its
// expected reason, that nothing it tried leaked into its output, and that
// the host still runs guests afterwards.
func TestPythonHostile(t *testing.T) {
	const secret = "ASI_HOSTILE_SECRET"
	t.Setenv(secret, "do-not-leak")
	short := NewConfig().WithTimeout(2 * time.Second)
	tests := []struct {
		name    string
		file    string
		cfg     Config
		want    Reason
		detail  string   // in Detail
		forbid  []string // never in stdout or stderr
		wantOut string   // exact stdout, when not ""
	}{
		{name: "infinite loop", file: "loop.py", cfg: short, want: ReasonTimeout},
		{name: "sleep past deadline", file: "sleep.py", cfg: short, want: ReasonTimeout},
		{name: "memory bomb", file: "membomb.py", cfg: NewConfig().WithMemoryLimit(64 << 20), want: ReasonOutOfMemory},
		{name: "recursion with raised limit", file: "recursion.py", want: ReasonTrap},
		{name: "read host files and ..", file: "passwd.py", want: ReasonException,
			detail: "PermissionError: nothing of the host was readable", forbid: []string{"READ", "LISTED", "root:"}},
		{name: "write to a mount", file: "write.py", want: ReasonException,
			detail: "PermissionError: no mount was writable", forbid: []string{"WROTE"}},
		{name: "subprocess and os.system", file: "subprocess_exec.py", want: ReasonException, forbid: []string{"PWNED"}},
		{name: "threads", file: "threads.py", want: ReasonException, detail: "thread", forbid: []string{"PWNED"}},
		{name: "sockets", file: "sockets.py", want: ReasonException, forbid: []string{"PWNED"}},
		{name: "ctypes", file: "use_ctypes.py", want: ReasonException, detail: "ModuleNotFoundError", forbid: []string{"PWNED"}},
		{name: "host environment", file: "environ.py", want: ReasonOK, forbid: []string{secret, "PATH"},
			wantOut: "['PYTHONDONTWRITEBYTECODE', 'PYTHONHOME']\n"},
		{name: "huge stdout", file: "flood.py", cfg: NewConfig().WithOutputLimit(64 << 10), want: ReasonOutputLimit},
	}
	for _, m := range workerModes {
		t.Run(m.name, func(t *testing.T) {
			r := newPythonRuntime(t, m.mode)
			goroutines := runtime.NumGoroutine()
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					res := runPython(t, r, hostileFile(t, tc.file), tc.cfg)
					if res.Reason != tc.want {
						t.Fatalf("reason %q (%s), want %q\nstdout: %.500s\nstderr: %.2000s",
							res.Reason, res.Detail, tc.want, res.Stdout, res.Stderr)
					}
					if !strings.Contains(res.Detail, tc.detail) {
						t.Errorf("detail %q does not contain %q", res.Detail, tc.detail)
					}
					for _, f := range tc.forbid {
						if strings.Contains(string(res.Stdout)+string(res.Stderr), f) {
							t.Errorf("output contains %q:\n%s\n%s", f, res.Stdout, res.Stderr)
						}
					}
					if tc.wantOut != "" {
						if diff := cmp.Diff(tc.wantOut, string(res.Stdout)); diff != "" {
							t.Errorf("stdout (-want +got):\n%s", diff)
						}
					}
				})
			}
			// The host is healthy: it still runs a guest, and stopped
			// guests left no goroutine behind.
			res := runPython(t, r, map[string][]byte{"main.py": []byte("print('alive')\n")}, NewConfig())
			if !res.OK() || string(res.Stdout) != "alive\n" {
				t.Fatalf("after the hostile guests: %+v", res)
			}
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > goroutines+2 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > goroutines+2 {
				t.Errorf("goroutines: %d before the hostile guests, %d after", goroutines, n)
			}
		})
	}
}

// TestPythonRun checks what a candidate sees: its files, arguments and
// stdin, and how failures are reported to the LLM.
func TestPythonRun(t *testing.T) {
	r := newPythonRuntime(t, workerAuto)
	tests := []struct {
		name       string
		files      map[string][]byte
		cfg        Config
		want       Reason
		wantOut    string
		wantDetail string
	}{
		{
			name: "imports a sibling, reads args and stdin",
			files: map[string][]byte{
				"main.py":   []byte("import sys, helper\nprint(helper.double(int(sys.stdin.read())), sys.argv[1:])\n"),
				"helper.py": []byte("def double(x):\n    return 2 * x\n"),
			},
			cfg:     NewConfig().WithArgs("a", "b").WithStdin([]byte("21")),
			wantOut: "42 ['a', 'b']\n",
		},
		{
			name: "exception through the standard library",
			files: map[string][]byte{"main.py": []byte(
				"import json\n\n\ndef parse(s):\n    return json.loads(s)\n\n\nprint('before')\nparse('{')\n")},
			want:    ReasonException,
			wantOut: "before\n",
			wantDetail: `Traceback (most recent call last):
  File "main.py", line 9, in <module>
    parse('{')
  File "main.py", line 5, in parse
    return json.loads(s)
           ^^^^^^^^^^^^^
  [3 frames of the standard library]
json.decoder.JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`,
		},
		{
			name: "exception in a sibling module",
			files: map[string][]byte{
				"main.py":  []byte("import geom\ngeom.area(-1)\n"),
				"geom.py":  []byte("def area(r):\n    if r < 0:\n        raise ValueError(f'negative radius {r}')\n"),
				"other.py": []byte(""),
			},
			want: ReasonException,
			wantDetail: `Traceback (most recent call last):
  File "main.py", line 2, in <module>
    geom.area(-1)
  File "geom.py", line 3, in area
    raise ValueError(f'negative radius {r}')
ValueError: negative radius -1`,
		},
		{
			name:  "syntax error",
			files: map[string][]byte{"main.py": []byte("x = (1,\nprint(x)\n")},
			want:  ReasonCompile,
			wantDetail: `File "main.py", line 1
    x = (1,
        ^
SyntaxError: '(' was never closed`,
		},
		{
			name:    "sleeps and reads the clock",
			files:   map[string][]byte{"main.py": []byte("import time\nt = time.monotonic()\ntime.sleep(0.05)\nprint(time.monotonic() - t >= 0.05)\n")},
			wantOut: "True\n",
		},
		{
			name:    "sys.exit with a code is a plain exit",
			files:   map[string][]byte{"main.py": []byte("import sys\nsys.exit(3)\n")},
			want:    ReasonExit,
			wantOut: "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runPython(t, r, tc.files, tc.cfg)
			if res.Reason != tc.want {
				t.Fatalf("reason %q (%s), want %q; stderr:\n%s", res.Reason, res.Detail, tc.want, res.Stderr)
			}
			if diff := cmp.Diff(tc.wantOut, string(res.Stdout)); diff != "" {
				t.Errorf("stdout (-want +got):\n%s", diff)
			}
			if tc.wantDetail != "" {
				if diff := cmp.Diff(tc.wantDetail, res.Detail); diff != "" {
					t.Errorf("detail (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestPythonNotBuilt(t *testing.T) {
	t.Setenv("ASI_CACHE_DIR", t.TempDir())
	r, err := NewRuntime(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(context.Background())
	_, err = r.Prepare(context.Background(), "python", map[string][]byte{"main.py": []byte("print(1)")})
	if !errors.Is(err, ErrPythonNotBuilt) {
		t.Fatalf("err = %v, want ErrPythonNotBuilt", err)
	}
	if !strings.Contains(err.Error(), "make python-wasm") {
		t.Errorf("error %q does not say how to build the runtime", err)
	}
}

// TestPythonRecipe keeps PythonRecipe equal to the hash of the build
// script, so the toolchain looks for the runtime the script builds.
func TestPythonRecipe(t *testing.T) {
	script, err := os.ReadFile(filepath.Join("..", "scripts", "build-python-wasm.sh"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(script)
	if got := hex.EncodeToString(sum[:])[:12]; got != PythonRecipe {
		t.Errorf("scripts/build-python-wasm.sh hashes to %s; set PythonRecipe = %q", got, got)
	}
}

func TestTrimTraceback(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "stdlib frames counted, candidate frames kept",
			in: `Traceback (most recent call last):
  File "/app/main.py", line 3, in <module>
    run()
  File "/usr/local/lib/python3.11/json/__init__.py", line 346, in loads
    return _default_decoder.decode(s)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^
  File "<frozen importlib._bootstrap>", line 1178, in _find_and_load
  File "/app/lib/util.py", line 7, in run
    raise KeyError(1)
KeyError: 1`,
			want: `Traceback (most recent call last):
  File "main.py", line 3, in <module>
    run()
  [2 frames of the standard library]
  File "lib/util.py", line 7, in run
    raise KeyError(1)
KeyError: 1`,
		},
		{
			name: "chained exceptions and repeated lines",
			in: `Traceback (most recent call last):
  File "/app/main.py", line 2, in f
    return f()
           ^^^
  [Previous line repeated 996 more times]
RecursionError: maximum recursion depth exceeded

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/local/lib/python3.11/x.py", line 1, in g
ValueError: x`,
			want: `Traceback (most recent call last):
  File "main.py", line 2, in f
    return f()
           ^^^
  [Previous line repeated 996 more times]
RecursionError: maximum recursion depth exceeded

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  [1 frame of the standard library]
ValueError: x`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, trimTraceback(tc.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzTrimTraceback(f *testing.F) {
	f.Add("Traceback (most recent call last):\n  File \"/app/main.py\", line 1, in <module>\n    x\nNameError: x\n")
	f.Add("  File \"/usr/local/lib/python3.11/a.py\"\n    \n    \n")
	f.Add(strings.Repeat("  File \"/app/a.py\", line 1\n    y\n", 2000))
	f.Fuzz(func(t *testing.T, tb string) {
		got := trimTraceback(tb)
		if len(got) > maxTraceback+len("\n  [...]\n") {
			t.Fatalf("trimmed traceback is %d bytes, over %d", len(got), maxTraceback)
		}
	})
}

func TestExplainPython(t *testing.T) {
	tests := []struct {
		name string
		in   Result
		want Reason
	}{
		{"ok stays ok", Result{}, ReasonOK},
		{"exit 1 without traceback stays exit", Result{Reason: ReasonExit, ExitCode: 1, Stderr: []byte("bye\n")}, ReasonExit},
		{"exit 2 with a traceback stays exit", Result{Reason: ReasonExit, ExitCode: 2, Stderr: []byte(tracebackHeader)}, ReasonExit},
		{"timeout stays timeout", Result{Reason: ReasonTimeout, Stderr: []byte(tracebackHeader)}, ReasonTimeout},
		{"traceback", Result{Reason: ReasonExit, ExitCode: 1, Stderr: []byte(tracebackHeader + "\nValueError\n")}, ReasonException},
		{"indentation error", Result{Reason: ReasonExit, ExitCode: 1, Stderr: []byte("  File \"/app/main.py\", line 2\n    x\nIndentationError: unexpected indent\n")}, ReasonCompile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := explainPython(tc.in).Reason; got != tc.want {
				t.Errorf("reason %q, want %q", got, tc.want)
			}
		})
	}
}

// TestWorkerConfigRoundTrip checks that a worker runs exactly the Config
// its parent was given: every field of Config must travel.
func TestWorkerConfigRoundTrip(t *testing.T) {
	cfg := NewConfig().WithMemoryLimit(8<<20).WithTimeout(3*time.Second).WithOutputLimit(99).
		WithStdin([]byte("in")).WithArgs("a").WithReadOnlyMount("/host", "/data").
		WithEnv("K", "V").WithDeterministicClock().WithRandSeed(7).
		withMount(Mount{FS: fstest.MapFS{"f.py": {Data: []byte("x")}}, GuestDir: "/app"})
	v := reflect.ValueOf(cfg)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("Config.%s is not set by this test: set it, and carry it in wireConfig", v.Type().Field(i).Name)
		}
	}
	w, err := toWire(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := fromWire(w)
	// An in-memory mount arrives as a different fs.FS with the same files.
	mountFiles := cmp.Transformer("mountFiles", func(m Mount) wireMount {
		wm := wireMount{HostDir: m.HostDir, GuestDir: m.GuestDir}
		if m.FS != nil {
			files, err := readFiles(m.FS)
			if err != nil {
				t.Fatal(err)
			}
			wm.Files = files
		}
		return wm
	})
	if diff := cmp.Diff(cfg, got, cmp.AllowUnexported(Config{}), mountFiles); diff != "" {
		t.Errorf("round trip (-sent +received):\n%s", diff)
	}
}

// TestPythonWorkerPool checks that a worker whose guest finished serves the
// next run, and that one whose guest timed out is killed, not reused.
func TestPythonWorkerPool(t *testing.T) {
	r := newPythonRuntime(t, workerAuto)
	if !workerCapable.Load() {
		t.Fatal("TestMain did not call MaybeWorker")
	}
	idle := func() []int {
		workers.mu.Lock()
		defer workers.mu.Unlock()
		var pids []int
		for _, w := range workers.idle[r.opt.CacheDir] {
			pids = append(pids, w.cmd.Process.Pid)
		}
		return pids
	}
	hello := map[string][]byte{"main.py": []byte("print('hi')\n")}
	runPython(t, r, hello, NewConfig())
	first := idle()
	if len(first) == 0 {
		t.Fatal("no idle worker after a run")
	}
	runPython(t, r, hello, NewConfig())
	if diff := cmp.Diff(first, idle()); diff != "" {
		t.Errorf("idle workers changed by a second run (-before +after):\n%s", diff)
	}
	loop := map[string][]byte{"main.py": []byte("while True:\n    pass\n")}
	for range first {
		if res := runPython(t, r, loop, NewConfig().WithTimeout(300*time.Millisecond)); res.Reason != ReasonTimeout {
			t.Fatalf("reason %q, want timeout", res.Reason)
		}
	}
	for _, pid := range idle() {
		if slices.Contains(first, pid) {
			t.Errorf("worker %d timed out and is still idle in the pool", pid)
		}
	}
}
