package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
)

// statements are the queries of the engine's step, prepared once when the
// store opens: SQLite parses and plans a statement each time it is
// prepared, which cost a sixth of a step's CPU when every call prepared
// its own. They are prepared before any transaction because the store
// has one connection: preparing inside a transaction would wait for it.
// Inside a transaction use tx.StmtContext, which reuses them.
type statements struct {
	nodeExists, insertNode, insertArtifact, insertEvent *sql.Stmt
	stepDone, stepClaimed, stepClaimedAgain             *sql.Stmt
	insertCall, selectNode, selectArtifact              *sql.Stmt
	readNode, readArtifact                              *sql.Stmt // on the readers' handle
}

// The reads of a step, prepared on both handles (see Store.reader).
const (
	selectNodeQuery     = `SELECT ` + nodeColumns + ` FROM nodes WHERE id = ?`
	selectArtifactQuery = `SELECT sha256, size, content FROM artifacts WHERE node_id = ? AND name = ?`
)

func (p *statements) prepare(ctx context.Context, db, reads *sql.DB) error {
	for _, q := range []struct {
		stmt  **sql.Stmt
		query string
		db    *sql.DB
	}{
		{&p.nodeExists, `SELECT COUNT(*) FROM nodes WHERE step = ?`, db},
		{&p.insertNode, `INSERT INTO nodes (id, step, parents, name, motivation, code, metrics, score, valid,
			status, error, feedback, analysis, island, features, eval_ms, cognition, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db},
		{&p.insertArtifact, `INSERT INTO artifacts (node_id, name, sha256, size, content) VALUES (?, ?, ?, ?, ?)`, db},
		{&p.insertEvent, `INSERT INTO events (step, node_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?)`, db},
		{&p.stepDone, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'done', ?)
			ON CONFLICT (step) DO UPDATE SET status = 'done'`, db},
		{&p.stepClaimed, `INSERT INTO steps (step, status, claimed_at) VALUES (?, ?, ?) ON CONFLICT (step) DO NOTHING`, db},
		{&p.stepClaimedAgain, `UPDATE steps SET status = 'running', attempts = attempts + 1, claimed_at = ? WHERE step = ?`, db},
		{&p.insertCall, `INSERT INTO llm_calls (step, role, provider, model, prompt_tokens, completion_tokens,
			cost_usd, latency_ms, prompt, reply, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db},
		{&p.selectNode, selectNodeQuery, db},
		{&p.readNode, selectNodeQuery, reads},
		{&p.selectArtifact, selectArtifactQuery, db},
		{&p.readArtifact, selectArtifactQuery, reads},
	} {
		stmt, err := q.db.PrepareContext(ctx, q.query)
		if err != nil {
			p.close()
			return fmt.Errorf("prepare %q: %w", strings.Fields(q.query)[0:3], err)
		}
		*q.stmt = stmt
	}
	return nil
}

// close closes every prepared statement.
func (p *statements) close() {
	for _, stmt := range []*sql.Stmt{p.nodeExists, p.insertNode, p.insertArtifact, p.insertEvent,
		p.stepDone, p.stepClaimed, p.stepClaimedAgain, p.insertCall, p.selectNode, p.selectArtifact,
		p.readNode, p.readArtifact} {
		if stmt != nil {
			stmt.Close()
		}
	}
}

// nodeCacheSize bounds the nodes kept in memory: enough for the context
// nodes a sampler keeps returning (the best, an island's elites), a few
// MB of code and prose at a real campaign's node size.
const nodeCacheSize = 1024

// newNodeCache returns an empty cache of stored nodes by id. Nodes are
// never changed once stored, so a cached node is never stale.
func newNodeCache() *lru.Cache[int64, Node] {
	c, err := lru.New[int64, Node](nodeCacheSize)
	if err != nil {
		panic(err) // only for a size ≤ 0
	}
	return c
}

// newNamesCache returns an empty cache of the artifact names of nodes
// stored by this process, by node id.
func newNamesCache() *lru.Cache[int64, []string] {
	c, err := lru.New[int64, []string](nodeCacheSize)
	if err != nil {
		panic(err)
	}
	return c
}

// cloneNode copies a node's slices and maps, so a caller that changes
// what it was given does not change the cached node.
func cloneNode(n Node) Node {
	n.Parents = slices.Clone(n.Parents)
	n.Metrics = maps.Clone(n.Metrics)
	n.Features = slices.Clone(n.Features)
	n.Cognition = slices.Clone(n.Cognition)
	return n
}

// asRead is the node as a read from the database returns it: what the
// columns keep of each field (no score when invalid, milliseconds, empty
// JSON arrays as empty slices), so a node cached at commit is the node a
// read would give.
func asRead(n Node, id int64, created string) Node {
	n.ID = id
	n.Parents = slices.Clone(nonNil(n.Parents))
	n.Metrics = maps.Clone(nonNilMap(n.Metrics))
	n.Features = slices.Clone(nonNilF(n.Features))
	if len(n.Cognition) == 0 {
		n.Cognition = nil
	} else {
		n.Cognition = slices.Clone(n.Cognition)
	}
	if !n.Valid {
		n.Score = 0
	}
	n.EvalTime = n.EvalTime.Truncate(1e6)
	n.CreatedAt = parseTime(created)
	return n
}
