// Command asi-task-circlepacking is the task plugin for packing 26 circles
// into the unit square to maximise the sum of their radii (the benchmark of
// AlphaEvolve and ASI-Evolve; best known sum about 2.63598). `make build`
// puts it beside bin/asi, where asi finds it.
//
// A candidate is a Go program that prints its packing as JSON. The task
// runs it through the host's Sandbox service (built for wasip1, run in
// wazero with the campaign's limits), then checks and scores the printed
// packing itself with Score: the program's own claims, a printed score
// included, are never believed. It imports only the sdk.
//
// Rules:
//   - Score is a pure function of the program's output; it is the only place
//     that decides validity and computes metrics.
//   - An invalid candidate (does not build, fails in the sandbox, prints an
//     infeasible or malformed packing) is a Result with Valid false and
//     feedback precise enough to fix it; Evaluate returns an error only when
//     the host could not evaluate.
//   - The initial program (initial.go.txt, embedded, so it is not compiled
//     into this package) keeps any choice of its tunable constants feasible,
//     so mutating a number changes the score rather than breaking the
//     packing.
package main
