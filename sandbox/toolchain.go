package sandbox

import "context"

// Toolchain turns a candidate's source files into a Program the runtime
// can run. Implementations are safe for concurrent use.
//
// Interpreted languages (javascript, python) compile their interpreter
// module once and hand the candidate's files to it as a read-only mount;
// compiled languages (go, c) build a module per distinct source, cached by
// content hash.
type Toolchain interface {
	// Language is the name campaigns and `asi sandbox run --lang` use.
	Language() string
	// Prepare builds or loads what running files needs. files maps a
	// relative path to its content; the entry point is Entry(files).
	// A source the toolchain rejects returns a *CompileError whose Output
	// is fit to show the LLM that wrote it.
	Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error)
}

// Program is a prepared guest: a module plus what the toolchain needs
// added to the caller's Config (the interpreter's arguments, its read-only
// mounts, its environment). The caller's limits always apply; a Program
// cannot widen them.
type Program struct {
	Module *Module
	Args   []string          // appended after the program name
	Mounts []Mount           // read-only
	Env    map[string]string // only what the interpreter needs, e.g. PYTHONHOME
	// Release frees what Prepare allocated for this program only (a temp
	// directory of the candidate's files); nil when nothing is held.
	Release func()
}

// Mount makes a host directory visible to the guest, read-only.
type Mount struct {
	HostDir  string
	GuestDir string
}
