// Command asi-task-circlepacking is the task plugin for packing 26 circles
// into the unit square to maximise the sum of their radii (the benchmark of
// AlphaEvolve and ASI-Evolve; best known sum about 2.63598). `make build`
// puts it beside bin/asi, where asi finds it.
//
// A candidate is a Go or a Python program (the task's language setting
// chooses; "go" by default) that prints its packing as JSON. The task runs
// it through the host's Sandbox service (Go built for wasip1, Python run by
// CPython compiled to wasm; both in wazero with the campaign's limits),
// then checks and scores the printed packing itself with Score: the
// program's own claims, a printed score included, are never believed. It imports only the sdk.
//
// Rules:
//   - Score is a pure function of the program's output; it is the only place
//     that decides validity and computes metrics.
//   - An invalid candidate (does not build, fails in the sandbox, prints an
//     infeasible or malformed packing) is a Result with Valid false and
//     feedback precise enough to fix it; Evaluate returns an error only when
//     the host could not evaluate.
//   - The initial programs (initial.go.txt and initial.py.txt, embedded, so
//     they are not compiled into this package) share one layout and its
//     constants, start from the same score, and keep any choice of those
//     constants feasible, so mutating a number changes the score rather
//     than breaking the packing.
package main
