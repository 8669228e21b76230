package sandbox

import (
	"context"
	"testing"
	"time"
)

// idleWorkers counts the pool's idle workers for cacheDir.
func idleWorkers(cacheDir string) int {
	workers.mu.Lock()
	defer workers.mu.Unlock()
	return len(workers.idle[cacheDir])
}

// TestWorkerPlacement checks which runs go to worker processes: compiled
// modules of every language that are in a cached file, and nothing the
// interpreter engine runs or that has no file.
func TestWorkerPlacement(t *testing.T) {
	if !workerCapable.Load() {
		t.Fatal("TestMain did not call MaybeWorker")
	}
	hello := guest(t, "hello")
	tests := []struct {
		name       string
		opt        func(dir string) Options
		wantWorker bool
	}{
		{name: "compiled, cached", opt: func(dir string) Options { return Options{Engine: EngineCompiler, CacheDir: dir} }, wantWorker: true},
		{name: "interpreter engine", opt: func(dir string) Options { return Options{Engine: EngineInterpreter, CacheDir: dir} }},
		{name: "no cache directory", opt: func(string) Options { return Options{Engine: EngineCompiler} }},
		{name: "workers off", opt: func(dir string) Options { return Options{Engine: EngineCompiler, CacheDir: dir, worker: workerOff} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			r := newRuntime(t, tt.opt(dir))
			p, err := r.Prepare(context.Background(), "go", map[string][]byte{"main.go": hello})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			res, err := r.RunProgram(context.Background(), p, NewConfig().WithStdin([]byte(`{"name":"w"}`)))
			if err != nil || !res.OK() {
				t.Fatalf("run: %v %s %s", err, res.Reason, res.Detail)
			}
			if got := idleWorkers(dir) > 0; got != tt.wantWorker {
				t.Errorf("ran in a worker %v, want %v", got, tt.wantWorker)
			}
		})
	}
}

// TestWorkerKilledAtDeadline checks that a compiled Go guest that never
// yields, run in a worker without termination checks, still ends at its
// deadline, and that the killed worker is not reused.
func TestWorkerKilledAtDeadline(t *testing.T) {
	dir := t.TempDir()
	r := newRuntime(t, Options{Engine: EngineCompiler, CacheDir: dir})
	m := mustBuild(t, r, "loop")
	res := mustRun(t, r, m, NewConfig().WithTimeout(300*time.Millisecond))
	if res.Reason != ReasonTimeout {
		t.Errorf("reason %q (%s), want timeout", res.Reason, res.Detail)
	}
	if res.Wall > 2*time.Second {
		t.Errorf("wall %v, want about the 300ms deadline", res.Wall)
	}
	if n := idleWorkers(dir); n != 0 {
		t.Errorf("%d idle workers after a timeout, want 0: the killed one must not be reused", n)
	}
}

// TestWorkerModulesKeepsRecent checks that a worker keeps the last
// workerModuleLimit modules it used, not every module it ever loaded.
func TestWorkerModulesKeepsRecent(t *testing.T) {
	w := &workerModules{byPath: map[string]*Module{}}
	for _, path := range []string{"a", "b", "c", "d"} {
		w.add(context.Background(), path, &Module{shared: true}) // shared: Close does nothing
	}
	if w.get("a") == nil { // a is now the most recent
		t.Fatal("a was not kept")
	}
	w.add(context.Background(), "e", &Module{shared: true})
	for path, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true, "e": true} {
		if got := w.byPath[path] != nil; got != want {
			t.Errorf("%s kept %v, want %v", path, got, want)
		}
	}
}
