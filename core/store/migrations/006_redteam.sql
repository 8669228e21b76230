-- Findings of the red team: programs that the task's evaluator scored
-- valid and above a bound no honest program reaches (a declared known
-- best, or the best honest score by a margin). A pass that finds nothing
-- leaves only its "redteam" event.
CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    node_id     INTEGER NOT NULL,   -- the node attacked; -1 for the task's initial program
    source      TEXT NOT NULL,      -- "task audit" or "audit"
    attack      TEXT NOT NULL,
    kind        TEXT NOT NULL,      -- library | optimiser | model
    description TEXT NOT NULL,
    score       REAL NOT NULL,
    bound       REAL NOT NULL,
    bound_text  TEXT NOT NULL,
    code        TEXT NOT NULL,
    feedback    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX findings_node ON findings (node_id);
