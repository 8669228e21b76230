-- The cognition items retrieved for a node's design, as a JSON array of
-- item ids, so one can see which items inspired which designs.
ALTER TABLE nodes ADD COLUMN cognition TEXT NOT NULL DEFAULT '[]';
