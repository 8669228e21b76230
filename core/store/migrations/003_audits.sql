-- Audits of the best nodes: each re-scored on the task's held-out stage
-- (and read by a judge model when the audit block names one). A node
-- flagged here scored much worse where the researcher could not look.
CREATE TABLE audits (
    id             INTEGER PRIMARY KEY,
    node_id        INTEGER NOT NULL REFERENCES nodes (id),
    step           INTEGER NOT NULL,   -- steps done when the audit ran
    public_score   REAL NOT NULL,      -- the node's primary score
    held_out_score REAL,               -- NULL: no held-out stage, or its run failed
    drop_ratio     REAL,               -- relative drop; NULL when no held-out stage ran
    flagged        INTEGER NOT NULL,
    verdict        TEXT NOT NULL,      -- gaming | clean | unsure, '' without a judge
    reason         TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX audits_node ON audits (node_id);
