// Package roles turns the engine's state into prompts for the LLM roles and
// their replies back into results, and holds the offline search operator
// that stands in for the researcher when a campaign has no model.
//
// The researcher designs the next candidate (ResearcherPrompt, RetryPrompt,
// RewritePrompt, RepairPrompt, DuplicatePrompt); the analyzer explains what
// an experiment showed (LLMAnalyzer, OfflineAnalyzer); the judge scores a
// design against a rubric (JudgePrompt, ParseJudgement); the manager writes
// the campaign's guidance and recommendations (ManagerPrompt,
// RecommendPrompt, Guided); the prompts block's proposer writes new system
// prompts for the researcher (ProposePrompt, ParsePromptProposal, or
// OfflinePromptVariant without a model). The researcher's and analyzer's
// prompts are written in plain Go in render.go, in reading order, so a
// reader can see exactly what a model is told.
//
// Offline is a blind but real search operator behind the llm.Provider
// interface: it mutates numeric constants (mutate.go, numbers.go) and
// crosses lines over between parents, and answers in the researcher reply
// format.
//
// Rules kept here:
//   - Offline edits only lines inside EVOLVE regions, found by
//     diffs.Regions, and writes its edits with diffs.FormatBlocks, so the
//     blocks it writes are the blocks diffs reads back. Each SEARCH text
//     occurs exactly once in the parent; in a program of several files,
//     once in its file, which the block names with a File line.
//   - Offline is deterministic: its reply is a pure function of the
//     request's parents and seed. It reads no prompt, reports zero usage
//     and is llm.ModelFree, so llm.IsOffline knows its answers are no
//     model's calls; its Name is "offline". Roles other
//     than the researcher get llm.ErrUnsupportedRole.
//   - The offline analyzer needs no model: it reports metric deltas against
//     the best context node, and its insight restates the edit's own
//     motivation, which is what a campaign without keys can honestly say.
//   - An unclear reply keeps the safer reading: ParseSame treats anything
//     but a leading "no" as a duplicate; ParseJudgement ignores scores
//     outside 0 to 10 and fails with ErrNoJudgement when none is left.
//
// Everything here is safe for concurrent use.
package roles
