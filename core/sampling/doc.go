// Package sampling chooses which stored nodes the next step builds on: the
// parent to edit and the context shown beside it.
//
// New builds one of the samplers named in Names behind the Sampler
// interface:
//
//	ucb1        UCB1 over all valid nodes: score normalised to [0, 1] plus
//	            Exploration*sqrt(ln N / n_i); never-visited nodes first.
//	greedy      the best node, then the next best.
//	random      distinct nodes drawn uniformly.
//	island      UCB1 inside islands visited in turn, with ring migration.
//	map_elites  the elite of a uniformly drawn cell of a feature grid.
//	island_map_elites
//	            a MAP-Elites grid per island, islands visited in turn,
//	            the best elites migrating in a ring.
//	pareto      binary tournament on Pareto rank, then crowding distance,
//	            over the nodes' Objectives; the context is the parent's front.
//
// Rules shared by all samplers:
//   - A sampler's state is derived from the nodes added, in ID order, plus
//     the Sample and Island calls made since; a sampler rebuilt from the same
//     nodes, once no sample is in flight, answers the same calls with the
//     same random source the same way. Adding an ID twice is a no-op.
//   - Invalid nodes (Valid false) are never returned by Sample, but they
//     still count as children of their first parent.
//   - Ties on score go to the lower ID; a NaN score ranks below all others.
//   - Visits (ucb1, island): n_i is the number of added nodes whose first
//     parent is node i plus the Sample calls that chose i and whose child is
//     not added yet. Sample adds one pending visit to its parent; adding a
//     node turns one pending visit of its first parent into a stored child,
//     or counts a new child when none is pending (as on resume). So
//     concurrent workers spread over parents before any child is stored. A
//     sample whose child is never added keeps counting until the sampler is
//     rebuilt. N is the sum of n_i over the nodes competing.
//   - n below 1 counts as 1: Sample returns a parent whenever a valid node
//     exists, and nil otherwise. It may return fewer than n nodes.
//   - Nodes returned share their Parents and Features slices with the
//     sampler; callers must not modify them.
//   - Samplers are not safe for concurrent use; the engine serialises calls.
package sampling
