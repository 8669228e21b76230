// Package sandbox runs untrusted WebAssembly guests, and builds Go programs
// into such guests, on wazero.
//
// A Runtime is shared by all runs of a campaign. Load compiles a wasm binary
// into a Module; BuildGo first builds Go source for GOOS=wasip1. Run
// instantiates a Module afresh under a Config and returns what the guest
// wrote and why it stopped.
//
// # Threat model
//
// Guests are hostile: candidate programs written by a language model, or by
// anyone able to steer one. The package promises that a guest
//
//   - sees no host file (no filesystem is mounted), no environment variable,
//     no argument but those in its Config, no network (WASI preview 1 has
//     no socket creation, and none is pre-opened);
//   - cannot run past its wall-clock timeout (the instance is closed when its
//     context ends), grow memory past its limit, or make the host keep more
//     than its output limit;
//   - shares no state with another run: each run is a fresh instance with its
//     own memory, even of the same Module;
//   - cannot call the host except through WASI preview 1 (Load refuses
//     modules with other imports).
//
// The guest can read the clocks and burn the CPU it is given until its
// timeout. Its random source is wazero's deterministic one, so a run is
// reproducible given the same input and timing.
//
// Everything a guest returns, stdout and stderr included, is untrusted: a
// caller recomputes any score from what the guest produced, never believes a
// number it printed.
//
// BuildGo runs the host's go command on untrusted source. Go builds run no
// code from the source (cgo is disabled, no network, no module download), so
// the risk is the compiler's own: it is bounded by a time limit and a
// source-size limit, in a temporary directory removed afterwards.
//
// # Rules
//
//   - Config is immutable; its zero value holds the closed defaults.
//   - Run reports guest failures in Result.Reason with a nil error; an error
//     is always the host's (or a cancelled context).
//   - Callers close Modules they no longer need: compiled code is held until
//     Module.Close or Runtime.Close.
package sandbox
