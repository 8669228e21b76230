-- llm_calls_cost (step, role, ...) answers every lookup of a step's calls,
-- so llm_calls_step only cost a page written with every call stored.
DROP INDEX IF EXISTS llm_calls_step;
