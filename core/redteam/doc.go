// Package redteam attacks a task's evaluator: it looks for programs that
// score high without solving the problem, and runs every one of them
// through the evaluator under audit, in the sandbox or an executor's
// jail, never on the host.
//
// Three sources of attempts:
//   - a library of generic attacks (Library): empty and garbage programs,
//     and programs that answer with the initial program's output changed
//     — NaN, infinities, huge and negative values, truncated, duplicated
//     or collapsed items, self-reported scores;
//   - a black-box optimiser that changes the numbers of that output
//     freely, scored only by the evaluator under audit;
//   - with a model, an adversary that writes hack programs from the task
//     statement and the evaluator's source.
//
// A finding is an attempt that the evaluator finds valid and that beats
// the target's bound: a declared known best, or the best honest score by
// a margin.
package redteam
