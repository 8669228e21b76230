// Package store is the program database of one campaign: a SQLite file
// (campaign.db, WAL mode) in the campaign's directory.
//
// Rules kept here:
//   - A node is written once, in one transaction with its artifacts, its
//     events and the link to the LLM calls of its step; stored nodes are
//     never changed afterwards.
//   - Every step is claimed before it runs and marked done in the node's
//     transaction. A step still claimed when the process died is handed out
//     again on resume, so nothing is lost and no step is counted twice.
//   - A node's id is its step plus one (NodeID), known before it is stored.
//   - LLM calls are recorded as soon as they return, so money spent by a step
//     that was interrupted still counts against the budget.
//   - Artifacts up to InlineArtifactLimit bytes live in the database; larger
//     ones are files under artifacts/ named by their SHA-256.
//   - Prompt variants (prompts.go) are never deleted, only marked retired;
//     the variant of a step is recorded before its node, keyed by step.
//   - Audits (audit.go) are added beside the node they re-score, with their
//     event, in one transaction; the node itself is never touched.
//
// The schema is versioned: migrations/NNN_*.sql are applied in order inside
// transactions and recorded in schema_migrations.
package store
