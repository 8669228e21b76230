// Command asi-task-optimizer is the task plugin for evolving an optimizer's
// update rule: the candidate writes step(params, grads, state, t), and a
// fixed harness trains four problems with it (an ill-conditioned quadratic,
// shifted Rosenbrock, logistic regression, a small tanh MLP), generated
// from the evaluation's seed. `make build` puts it beside bin/asi.
//
// Rules:
//   - The candidate's program is the harness with the candidate's EVOLVE
//     block; text outside the block must equal the initial program's, so
//     the harness that drives training is the task's.
//   - The program only returns final parameters. Score recomputes every
//     loss from them in Go, on held-out data the program never received
//     for the learning problems; printed losses or scores mean nothing.
//   - Problems are drawn from a mix of the seed, so parameters copied from
//     an earlier evaluation fit other problems and score badly.
//   - The score is normalised against Adam, run by the plugin on the same
//     problems: 0 matches Adam, each +1 is ten times lower loss.
//   - An invalid candidate (an exception, wrong shapes, NaN, a changed
//     harness, extra output) is a Result with Valid false and feedback;
//     Evaluate returns an error only when the host could not evaluate.
package main
