package sandbox

import (
	"bytes"
	"context"
)

// wasmToolchain runs a ready WASI preview 1 module.
type wasmToolchain struct{}

func (wasmToolchain) Language() string { return "wasm" }

// Prepare compiles the .wasm entry with the Runtime's engine. A file that
// is not a WebAssembly binary is a *CompileError; a module importing more
// than WASI preview 1 is an error wrapping ErrUnsupportedImport.
func (wasmToolchain) Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error) {
	name, err := Entry(files, ".wasm")
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(files[name], wasmMagic) {
		return nil, &CompileError{Output: name + ": not a WebAssembly binary"}
	}
	m, err := r.Load(ctx, files[name])
	if err != nil {
		return nil, err
	}
	return moduleProgram(m), nil
}

// moduleProgram wraps a per-candidate module: releasing the program closes
// it.
func moduleProgram(m *Module) *Program {
	return &Program{Module: m, Release: func() { _ = m.Close(context.Background()) }}
}

// goToolchain builds one Go file with BuildGo.
type goToolchain struct{}

func (goToolchain) Language() string { return "go" }

func (goToolchain) Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error) {
	name, err := Entry(files, ".go")
	if err != nil {
		return nil, err
	}
	m, err := r.BuildGo(ctx, files[name])
	if err != nil {
		return nil, err
	}
	return moduleProgram(m), nil
}
