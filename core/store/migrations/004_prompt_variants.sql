-- The archive of the researcher's system prompts (the prompts block): the
-- built-in framing and the variants proposed since. A retired variant
-- stays, marked with the step that retired it, so its nodes keep a name.
CREATE TABLE prompt_variants (
    id           INTEGER PRIMARY KEY,
    parent       INTEGER REFERENCES prompt_variants (id), -- NULL for the built-in framing
    text         TEXT NOT NULL,
    origin       TEXT NOT NULL CHECK (origin IN ('builtin', 'model', 'offline')),
    created_step INTEGER NOT NULL,
    retired_step INTEGER,                                   -- NULL while in use
    created_at   TEXT NOT NULL
);

-- The variant each step's researcher was shown. It is written before the
-- step's node, keyed by step (a node's id is its step + 1), so every
-- stored node has its variant and the credits can be rebuilt on resume.
CREATE TABLE prompt_uses (
    step       INTEGER PRIMARY KEY,
    variant_id INTEGER NOT NULL REFERENCES prompt_variants (id)
);
