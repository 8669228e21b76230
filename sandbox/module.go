package sandbox

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
)

// Module is a compiled guest, ready to Run any number of times, also
// concurrently. Close it when no longer needed: a campaign compiles a module
// per candidate, and compiled code is held until Close.
type Module struct {
	wz          wazero.Runtime // the runtime that compiled it, and runs it
	compiled    wazero.CompiledModule
	size        int
	minMemory   uint64
	compileTime time.Duration
	buildTime   time.Duration
	buildCached bool
	shared      bool   // held by the Runtime (an interpreter): Close does nothing
	path        string // the cached file the wasm is in (a worker loads it), "" when given as bytes
	closed      atomic.Bool
}

// Close releases the compiled code. Closing twice is harmless. Closing a
// Runtime-held interpreter module (Program.Module of javascript or python)
// does nothing: it lives as long as its Runtime.
func (m *Module) Close(ctx context.Context) error {
	if m.shared || m.closed.Swap(true) {
		return nil
	}
	return m.compiled.Close(ctx)
}

// Size is the length of the wasm binary in bytes.
func (m *Module) Size() int { return m.size }

// CompileTime is how long wazero took to compile the module.
func (m *Module) CompileTime() time.Duration { return m.compileTime }

// BuildTime is how long BuildGo took to produce the wasm binary, 0 when it
// came from the build cache or from Load.
func (m *Module) BuildTime() time.Duration { return m.buildTime }

// BuildCached reports that BuildGo found the binary in its cache and did not
// run go build.
func (m *Module) BuildCached() bool { return m.buildCached }
