// Package engine runs a campaign: workers repeat the loop of sample ->
// design -> experiment -> analyze -> record until a budget stops them.
//
// Rules kept here:
//   - Every step is claimed in the store before it runs and committed with
//     its node in one transaction; a step interrupted by a crash or a hard
//     stop is run again on resume, so nothing is lost or counted twice.
//   - The sampler is rebuilt from the stored nodes at start; it keeps no
//     state of its own that the store does not have.
//   - A bad candidate (unparsable reply, edit that does not apply, build or
//     run failure, invalid answer, a task that crashed) becomes a failed node
//     with its reason and the campaign goes on. A provider that stays down
//     after its retries stops the campaign with that error.
//   - The cognition base is advisory: a retrieval that fails becomes a
//     warning event and the step designs without it; a write-back that
//     fails is queued by the base (or warned about), never fatal. The IDs
//     of the items shown are stored on the node.
//   - Each step's randomness comes from the campaign seed and the step
//     number, so a re-run step makes the same choices given the same state.
//   - The money budget is never knowingly exceeded: every LLM call books
//     the dearest call's cost before it is sent, and a step is only
//     claimed while the expected cost of the steps in flight fits.
//   - The judge, the novelty check and the manager are advisory like the
//     cognition base: their failures are warnings. Repairs, judge scores,
//     novelty rejections and cascade savings are node metrics, so the
//     counters and the bandit are rebuilt from the store like the sampler.
//   - Node.Score is always the task's primary metric; only the sampler
//     sees the judge's blend.
//
// The engine imports no plugin or wire code: the task, providers and
// analyzer are handed to it.
package engine
