// Package faults holds no production code: its tests are the fault suite
// (`make test-faults`) and its benchmarks measure the engine and the command
// as a user runs them (`make bench`).
//
// The tests drive the real `asi` binary, built once into a temporary
// directory with the task plugins beside it, through what a long campaign
// meets: SIGKILL at random points, a misbehaving OpenAI-compatible server,
// plugins that hang or print garbage, a full disk, and a secret in the
// environment. Every case, and what the user sees, is listed in
// docs/reliability.md.
//
// Rules: a test checks the campaign database with SQLite's own integrity
// check and the engine's invariants (steps 0..N stored once each, none left
// running) rather than trusting asi's report; a test that needs root (the
// disk-full case mounts a tmpfs) skips with the reason when it is not root;
// nothing here reaches the network beyond loopback.
package faults
