-- Tables of the cognition base inside campaign.db. All are prefixed
-- cognition_ and versioned apart from the campaign's own schema.
CREATE TABLE cognition_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE cognition_items (
    id         TEXT PRIMARY KEY,
    content    TEXT NOT NULL,
    source     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    tags       TEXT NOT NULL,   -- JSON array
    node       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    vector     BLOB NOT NULL    -- little-endian float32
);

-- Write-backs that could not reach the store, applied in id order.
CREATE TABLE cognition_pending (
    id         INTEGER PRIMARY KEY,
    item       TEXT NOT NULL,   -- JSON Item
    created_at TEXT NOT NULL
);

-- Vectors of a remote embedder, by model and content hash.
CREATE TABLE cognition_embeddings (
    model  TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, sha256)
);
