// Package engine runs a campaign: workers repeat the loop of sample ->
// design -> experiment -> analyze -> record until a budget stops them.
//
// The Engine (engine.go) keeps the loop and its workers: New, Run, Step,
// Stop and the summary. Beside it are small parts, each with its own state
// and tests:
//   - config.go, errors.go, progress.go, counters.go: the exported types
//     (Config, Budget, Judge, Novelty, Progress, Summary, Counters) and
//     the tally the stored nodes add up to.
//   - budget.go: money booked by the calls in flight and the stop checks
//     on steps, wall time, tokens, money and the target score.
//   - noveltycheck.go, novelty.go: the index of stored code, the twin
//     check, and the normalised fingerprint of a program.
//   - choice.go: the bandit choosing each step's researcher.
//   - manager.go: the manager's guidance and recommendations.
//   - prompts.go: the archive of the researcher's system prompts, the
//     bandit that picks one each step and the proposals of new ones.
//   - stages.go: the mean time of each cascade stage.
//   - feedback.go: the context nodes' raw outputs (feedback, stderr,
//     artifacts) cut to a budget for the researcher prompt.
//   - stall.go: the count of steps since the best last improved, the
//     responses to a stall (reseed, temperature, switch model) and the
//     stop it ends in.
//   - audit.go: the best nodes re-scored on the task's held-out stages,
//     and read by a judge for reward hacking.
//   - step.go and its phases: design.go (design, applyReply), evaluate.go
//     (the cascade), repair.go, judge.go (and the judge's blend),
//     analyze.go, knowledge.go (retrieve from and learn into the
//     cognition base), calls.go (calls to a role, recorded and charged).
//
// Rules kept here:
//   - A part guards its own state with its own lock. The engine's lock
//     (the sampler, the tally, why the run stops) may be held while a part
//     is called; a part never calls back into the engine holding its lock,
//     and no lock is held while a model is called, the task evaluates or
//     the cognition base is asked: hundreds of workers wait on those at
//     once. (A Budget.USD run with a provider that cannot bound a call's
//     cost is the one exception: its first call goes alone, see budget.)
//   - Every step is claimed in the store before it runs and committed with
//     its node in one transaction; a step interrupted by a crash or a hard
//     stop is run again on resume, so nothing is lost or counted twice.
//   - The sampler is rebuilt from the stored nodes at start; it keeps no
//     state of its own that the store does not have.
//   - A bad candidate (unparsable reply, edit that does not apply, build or
//     run failure, invalid answer, a metric that is not a finite number)
//     becomes a failed node with its reason and the campaign goes on. A
//     provider that stays down after its retries stops the campaign with
//     that error.
//   - An evaluation that could not run (the task returned an error: its
//     plugin crashed or overran its deadline) is not the candidate's
//     failure: the node is StatusInfraFailed, counted apart, not repaired,
//     not analysed, and nothing about it reaches the cognition base.
//     MaxInfraFailures of them in a row stop the campaign with
//     ErrTaskFailing.
//   - The cognition base is advisory: a retrieval that fails becomes a
//     warning event and the step designs without it; a write-back that
//     fails is queued by the base (or warned about), never fatal. The IDs
//     of the items shown are stored on the node.
//   - Each step's randomness comes from the campaign seed and the step
//     number, so a re-run step makes the same choices given the same state.
//   - The money budget is never knowingly exceeded: every LLM call books
//     the most it can cost (llm.MaxCost: its prompt at one token per byte,
//     its reply at its limit) before it is sent, and a step is only
//     claimed while the expected cost of the steps in flight fits. Only a
//     provider that cannot bound a call is booked at the dearest call seen.
//   - The offline search operator is no model: its answers are recorded
//     under store.OfflineProvider and count as no calls, tokens or money,
//     and no prompt is built for it. The offline analyzer's insights reach
//     the cognition base only with Config.OfflineInsights, tagged
//     TagOffline.
//   - A campaign whose initial program failed stops before any step with
//     ErrInitialFailed, its error and feedback.
//   - The judge, the novelty check and the manager are advisory like the
//     cognition base: their failures are warnings. Repairs, judge scores,
//     novelty rejections and cascade savings are node metrics, so the
//     counters and the bandit are rebuilt from the store like the sampler.
//   - The stall count is rebuilt from the stored nodes, in step order, and
//     the stored stall events; a reseed is replayed into the sampler where
//     it happened.
//   - A prompt archive records each step's variant before its researcher
//     is asked and credits it from stored nodes only, so it is rebuilt
//     from the store; a failed or garbage proposal is a warning.
//   - Node.Score is always the task's primary metric; only the sampler
//     sees the judge's blend.
//   - Held-out stages never run in the cascade and their results never
//     reach a prompt; only the audit runs them, after the node is stored.
//     An audit adds a row beside the node, never changes it, and its
//     failures are warnings: the set of audited nodes is the store's.
//
// The engine imports no plugin or wire code: the task, providers and
// analyzer are handed to it.
package engine
