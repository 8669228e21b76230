package sandbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/tetratelabs/wazero/sys"
)

// RunProgram runs a prepared Program under cfg: the program's arguments
// come before cfg's, its mounts and environment are added to cfg's (a
// program mount replaces a caller mount at the same guest path, and the
// program's variables win), and every limit is cfg's. p.Explain, when set,
// refines the Result (an interpreter's syntax error is ReasonCompile).
func (r *Runtime) RunProgram(ctx context.Context, p *Program, cfg Config) (Result, error) {
	if p == nil || p.Module == nil {
		return Result{}, fmt.Errorf("sandbox: run program: no module")
	}
	res, err := r.runProgramModule(ctx, p, p.config(cfg))
	if err == nil && p.Explain != nil {
		res = p.Explain(res)
	}
	return res, err
}

// config is cfg with p's arguments, mounts and environment added.
func (p *Program) config(cfg Config) Config {
	merged := cfg
	merged.args = append(append([]string(nil), p.Args...), cfg.args...)
	for _, m := range p.Mounts {
		merged = merged.withMount(m)
	}
	if len(p.Env) > 0 {
		env := maps.Clone(cfg.env)
		if env == nil {
			env = map[string]string{}
		}
		maps.Copy(env, p.Env)
		merged.env = env
	}
	return merged
}

// Prepare is Lookup(lang) then its Prepare: the one call a caller with a
// language name and source files needs.
func (r *Runtime) Prepare(ctx context.Context, lang string, files map[string][]byte) (*Program, error) {
	t, err := Lookup(lang)
	if err != nil {
		return nil, err
	}
	return t.Prepare(ctx, r, files)
}

// sharedEntry is one Runtime-held module, built on first use.
type sharedEntry struct {
	mu sync.Mutex
	m  *Module
}

// sharedModule returns the module named key, building and compiling it on
// first use with the compiler engine (it is run once per candidate for the
// life of the Runtime, so compile time is paid once and run speed matters).
// A failed build is not remembered: the next call tries again. Toolchains
// of interpreted languages keep their interpreter here.
func (r *Runtime) sharedModule(ctx context.Context, key string, build func() ([]byte, error)) (*Module, error) {
	if r.closed.Load() {
		return nil, ErrClosed
	}
	r.sharedMu.Lock()
	e := r.shared[key]
	if e == nil {
		e = &sharedEntry{}
		r.shared[key] = e
	}
	r.sharedMu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.m != nil {
		return e.m, nil
	}
	wasm, err := build()
	if err != nil {
		return nil, err
	}
	wz, err := r.compilerRuntime()
	if err != nil {
		return nil, err
	}
	m, err := r.loadOn(ctx, wz, wasm)
	if err != nil {
		return nil, fmt.Errorf("sandbox: load %s: %w", key, err)
	}
	m.shared = true
	e.m = m
	return m, nil
}

// newRandSource returns the deterministic random stream of a run.
func newRandSource(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	copy(s[8:], "asi sandbox random source")
	return rand.NewChaCha8(s)
}

// sleepUntilDone is the guest's sleep: a guest asleep when the run ends
// is stopped there, at its deadline like a loop. It must not wake and go
// on: in a worker, where nothing else stops the guest, it could then exit
// cleanly before the parent's kill lands, and a timeout would pass for a
// success.
func sleepUntilDone(ctx context.Context) func(ns int64) {
	return func(ns int64) {
		if ns <= 0 {
			return
		}
		t := time.NewTimer(time.Duration(ns))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			code := sys.ExitCodeContextCanceled
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				code = sys.ExitCodeDeadlineExceeded
			}
			panic(sys.NewExitError(code))
		}
	}
}
