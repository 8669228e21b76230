// Package pareto holds the arithmetic of several objectives: dominance,
// non-dominated sorting, crowding distance and hypervolume.
//
// Rules kept here:
//   - Every point is oriented so that larger is better in each objective;
//     callers negate minimised metrics before they get here.
//   - Points hold finite numbers only; a point with NaN or an infinity is
//     the caller's to leave out (a node missing a metric is not on a
//     front).
//   - Every function is a pure function of its arguments and returns
//     indexes in a deterministic order, so a sampler built on it is
//     deterministic for a given seed.
package pareto
