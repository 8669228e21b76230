package sandbox

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
)

// Toolchain turns a candidate's source files into a Program the runtime
// can run. Implementations are safe for concurrent use and hold no state of
// their own: what they build once (an interpreter module) is kept by the
// Runtime they are given, so it lives as long as that Runtime.
//
// Interpreted languages (javascript, python) compile their interpreter
// module once per Runtime and hand the candidate's files to it as a
// read-only mount; compiled languages (go, c) build a module per distinct
// source, cached by content hash.
type Toolchain interface {
	// Language is the name campaigns and `asi sandbox run --lang` use.
	Language() string
	// Prepare builds or loads what running files needs. files maps a
	// slash-separated relative path to its content; the entry point is
	// Entry(files, ext) for the language's extension.
	// A source the toolchain rejects returns a *CompileError whose Output
	// is fit to show the LLM that wrote it. A missing host tool returns an
	// error wrapping ErrToolchainMissing.
	Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error)
}

// Toolchains returns every toolchain by language name. Adding a language
// is one line here: its Toolchain value, which must be usable as a zero
// value (Runtime-scoped state goes through Runtime.sharedModule).
func Toolchains() map[string]Toolchain {
	all := []Toolchain{
		wasmToolchain{},
		goToolchain{},
		javascriptToolchain{},
		cToolchain{},
		pythonToolchain{},
	}
	m := make(map[string]Toolchain, len(all))
	for _, t := range all {
		m[t.Language()] = t
	}
	return m
}

// Lookup returns the toolchain for lang, or an error wrapping
// ErrUnknownLanguage that lists the known ones.
func Lookup(lang string) (Toolchain, error) {
	all := Toolchains()
	if t, ok := all[lang]; ok {
		return t, nil
	}
	return nil, fmt.Errorf("language %q (known: %s): %w", lang, strings.Join(Languages(), ", "), ErrUnknownLanguage)
}

// Languages returns the known language names, sorted.
func Languages() []string {
	return slices.Sorted(maps.Keys(Toolchains()))
}

// LanguageOf guesses the language of a file name from its extension, ""
// when none matches.
func LanguageOf(name string) string {
	switch path.Ext(strings.ToLower(name)) {
	case ".wasm":
		return "wasm"
	case ".go":
		return "go"
	case ".js", ".mjs":
		return "javascript"
	case ".c":
		return "c"
	case ".py":
		return "python"
	}
	return ""
}

// Program is a prepared guest: a module plus what the toolchain needs
// added to the caller's Config (the interpreter's arguments, its read-only
// mounts, its environment). The caller's limits always apply; a Program
// cannot widen them.
//
// The Module may be shared (an interpreter serves every program of its
// language): callers call Release when done and never close Module
// themselves.
type Program struct {
	Module *Module
	Args   []string          // before the caller's arguments, after the program name
	Mounts []Mount           // read-only
	Env    map[string]string // only what the interpreter needs, e.g. PYTHONHOME
	// Explain, when not nil, refines the Result of a finished run from the
	// interpreter's own report of failure: a syntax error becomes
	// ReasonCompile with the message in Detail. RunProgram calls it.
	Explain func(Result) Result
	// wasmPath is the file Module was loaded from, so a worker process can
	// load it again (python_worker.go); "" always runs in process.
	wasmPath string
	// Release frees what Prepare allocated for this program only (a
	// per-candidate module, a temporary directory); nil when nothing is
	// held.
	Release func()
}

// Close calls Release once; it is safe on a nil Program.
func (p *Program) Close() {
	if p != nil && p.Release != nil {
		p.Release()
		p.Release = nil
	}
}

// Mount makes a directory visible to the guest at GuestDir, read-only:
// the host directory HostDir, or FS when it is not nil (in memory, used for
// a candidate's own files so nothing is written to disk).
type Mount struct {
	HostDir  string
	GuestDir string
	FS       fs.FS
}

// Entry returns the file of files that a program starts from: "main"+ext
// when present, else the only file ending in ext. It returns a
// *CompileError when there is none or the choice is ambiguous.
func Entry(files map[string][]byte, ext string) (string, error) {
	if _, ok := files["main"+ext]; ok {
		return "main" + ext, nil
	}
	var found []string
	for name := range files {
		if strings.HasSuffix(name, ext) {
			found = append(found, name)
		}
	}
	sort.Strings(found)
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", &CompileError{Output: fmt.Sprintf("no %s file given", ext)}
	}
	return "", &CompileError{Output: fmt.Sprintf("several %s files (%s) and no main%s: name the entry point main%s",
		ext, strings.Join(found, ", "), ext, ext)}
}
