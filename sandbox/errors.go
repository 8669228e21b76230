package sandbox

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by a Runtime, or a Module of it, after Close.
	ErrClosed = errors.New("sandbox: runtime closed")
	// ErrNoGoToolchain is returned by BuildGo when no go command is found.
	ErrNoGoToolchain = errors.New("sandbox: go toolchain not found")
	// ErrUnsupportedImport is returned by Load for a module that imports
	// anything but WASI preview 1.
	ErrUnsupportedImport = errors.New("sandbox: unsupported import")
	// ErrUnknownLanguage is returned by Lookup for a language with no
	// toolchain.
	ErrUnknownLanguage = errors.New("sandbox: unknown language")
	// ErrToolchainMissing is returned by Prepare when a host tool the
	// language needs (clang with the wasm32-wasi target) is not installed;
	// the message says how to install it.
	ErrToolchainMissing = errors.New("sandbox: toolchain not installed")
)

// CompileError is returned by BuildGo when the source does not build. Output
// is the compiler's message with the build directory removed, so it can be
// shown to whoever wrote the source.
type CompileError struct {
	Output string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("compile: %s", e.Output)
}
