CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE steps (
    step       INTEGER PRIMARY KEY,
    status     TEXT NOT NULL CHECK (status IN ('running', 'abandoned', 'done')),
    attempts   INTEGER NOT NULL DEFAULT 1,
    claimed_at TEXT NOT NULL
);
CREATE INDEX steps_status ON steps (status, step);

CREATE TABLE nodes (
    id          INTEGER PRIMARY KEY,
    step        INTEGER NOT NULL UNIQUE,
    parents     TEXT NOT NULL,          -- JSON array of node ids, first = edited parent
    name        TEXT NOT NULL,
    motivation  TEXT NOT NULL,
    code        TEXT NOT NULL,
    metrics     TEXT NOT NULL,          -- JSON object
    score       REAL,                   -- primary metric, NULL when invalid
    valid       INTEGER NOT NULL,
    status      TEXT NOT NULL,          -- ok | failed
    error       TEXT NOT NULL,
    feedback    TEXT NOT NULL,
    analysis    TEXT NOT NULL,
    island      INTEGER NOT NULL,
    features    TEXT NOT NULL,          -- JSON array
    eval_ms     INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX nodes_score ON nodes (valid, score);

CREATE TABLE artifacts (
    node_id INTEGER NOT NULL REFERENCES nodes (id),
    name    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    size    INTEGER NOT NULL,
    content BLOB,                       -- NULL when stored as a file
    PRIMARY KEY (node_id, name)
);

CREATE TABLE llm_calls (
    id                INTEGER PRIMARY KEY,
    step              INTEGER NOT NULL,
    node_id           INTEGER REFERENCES nodes (id),
    role              TEXT NOT NULL,
    provider          TEXT NOT NULL,
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd          REAL NOT NULL,
    latency_ms        INTEGER NOT NULL,
    prompt            TEXT NOT NULL,
    reply             TEXT NOT NULL,
    error             TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX llm_calls_step ON llm_calls (step);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    step       INTEGER,
    node_id    INTEGER,
    kind       TEXT NOT NULL,
    message    TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sampler_state (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
