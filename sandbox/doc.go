// Package sandbox runs untrusted programs as WebAssembly guests on wazero,
// and turns source in several languages into such guests.
//
// A Runtime is shared by all runs of a campaign. A Toolchain (Lookup, or
// Runtime.Prepare by language name: wasm, go, javascript, c, and the ones
// Toolchains lists) turns a candidate's files into a Program; RunProgram
// runs it under a Config. Underneath, Load compiles a wasm binary into a
// Module, BuildGo builds Go source for GOOS=wasip1, and Run instantiates a
// Module afresh and returns what the guest wrote and why it stopped.
//
// Compiled modules (EngineCompiler, and the interpreters a Runtime holds)
// of every language run in worker processes when the executable serves as
// one (MaybeWorker) and the Runtime has a CacheDir: there the code carries
// no termination checks, which slow CPU-bound guests several times, and
// the deadline kills the process (worker.go).
//
// docs/sandbox.md has the full threat model and measured costs.
//
// # Threat model
//
// Guests are hostile: candidate programs written by a language model, or by
// anyone able to steer one. The package promises that a guest
//
//   - sees no host file but those under read-only mounts its Config or its
//     toolchain names (opened with os.OpenRoot, so links cannot lead out),
//     no environment variable and no argument but those named, no network
//     (WASI preview 1 has no socket creation, and none is pre-opened);
//   - cannot run past its wall-clock timeout (the instance is closed when its
//     context ends, or, in a worker process, the process is killed), grow
//     memory past its limit, or make the host keep more than its output
//     limit;
//   - shares no state with another run: each run is a fresh instance with its
//     own memory, even of the same Module (a worker may start an
//     interpreter's instance before its candidate arrives, but it holds
//     nothing of any candidate until then and serves only that one:
//     prestart.go);
//   - cannot call the host except through WASI preview 1 (Load refuses
//     modules with other imports).
//
// The guest can read the clocks and burn the CPU it is given until its
// timeout (a sleep ends at the deadline too). Its random source is seeded
// (Config.WithRandSeed) and its clocks can be fake
// (Config.WithDeterministicClock), so a run is reproducible.
//
// Everything a guest returns, stdout and stderr included, is untrusted: a
// caller recomputes any score from what the guest produced, never believes a
// number it printed.
//
// BuildGo runs the host's go command on untrusted source. Go builds run no
// code from the source (cgo is disabled, no network, no module download), so
// the risk is the compiler's own: it is bounded by a time limit and a
// source-size limit, in a temporary directory removed afterwards. The c
// toolchain runs clang the same way, and first refuses sources that would
// make clang read host files (includes outside the program and the C
// library, #embed, inline assembly).
//
// # Rules
//
//   - Config is immutable; its zero value holds the closed defaults.
//   - Run reports guest failures in Result.Reason with a nil error; an error
//     is always the host's (or a cancelled context).
//   - Callers close Modules they no longer need: compiled code is held until
//     Module.Close or Runtime.Close.
package sandbox
