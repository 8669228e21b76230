-- What a resume reads, kept apart from the text. A node row holds 5 to 8
-- KB of code and prose, so a scan of nodes reads every page of the
-- campaign; these covering indexes hold only what selection, the tallies
-- and the spend need, and SQLite reads them without touching the rows.
-- Nodes are never changed once stored, so the indexes cost one entry per
-- commit.
--
-- The error enters only as its first 400 bytes, an expression that
-- EachSummary's query repeats word for word (SQLite uses an index on an
-- expression only for the same expression).
CREATE INDEX nodes_summary ON nodes (id, step, parents, score, valid, status, island, features,
    metrics, eval_ms, created_at, substr(error, 1, 400));

-- The spend and the researcher each node had, without the prompts and
-- replies (20 to 40 KB a call). A call belongs to the node of its step.
CREATE INDEX llm_calls_cost ON llm_calls (step, role, provider, prompt_tokens, completion_tokens, cost_usd);
