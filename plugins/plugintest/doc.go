// Package plugintest is what the tests of this repository use to run
// plugins: it builds plugin binaries for the tests that start real plugin
// processes (the campaigns of core/command, cmd/asi and faults, the crash
// and version tests of plugins), and serves a task in process with the
// host's real sandbox for the tests of the task plugins.
//
// Rules kept here:
//   - A test binary builds each plugin once: Binary and Tasks share one
//     directory per test binary run, which Main removes after the tests.
//   - ServeTask goes through the real plugin protocol (sdk/tasktest) and
//     the sandbox service asi hands a task, so a task test runs candidates
//     as asi does; the task itself still imports only the sdk.
package plugintest
