package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/asi-evolve/asi/internal/sqlitedb"
	lru "github.com/hashicorp/golang-lru/v2"
)

// FileName is the database file inside a campaign directory.
const FileName = "campaign.db"

// InlineArtifactLimit is the largest artifact kept inside the database.
const InlineArtifactLimit = 64 << 10

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open campaign database. It is safe for concurrent use.
type Store struct {
	db  *sql.DB
	dir string
	// reads serves the step's reads of stored nodes while a write holds
	// db's one connection: they need not wait for another step's commit.
	// When db is free they go to db, whose page cache stays warm (a
	// reader's is dropped whenever another connection commits).
	reads *sql.DB
	// checkpoints copies the WAL into the database file beside the
	// commits, off the writing connection (internal/sqlitedb.Checkpointer).
	checkpoints *sqlitedb.Checkpointer

	statements statements
	claims     claims
	batcher    batcher
	nodes      *lru.Cache[int64, Node] // stored nodes by id, recently used
	// The artifact names of nodes this process stored, recently.
	artifactNames *lru.Cache[int64, []string]
}

// Open opens (creating if needed) the campaign database in dir and brings
// its schema up to date.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "artifacts"), 0o755); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db, err := sqlitedb.Open(filepath.Join(dir, FileName), true)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if _, err := sqlitedb.Migrate(ctx, db, "schema_migrations", migrations, "migrations"); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	reads, err := sqlitedb.OpenReader(filepath.Join(dir, FileName), readConns)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	st := &Store{db: db, reads: reads, dir: dir, nodes: newNodeCache(), artifactNames: newNamesCache()}
	if err := st.statements.prepare(ctx, db, reads); err != nil {
		db.Close()
		reads.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	if st.checkpoints, err = sqlitedb.StartCheckpointer(filepath.Join(dir, FileName), checkpointPause); err != nil {
		st.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// checkpointPause is the least time between two of the checkpointer's
// copies: each costs two fsyncs.
const checkpointPause = 50 * time.Millisecond

// readConns is how many reads of stored nodes run at once.
const readConns = 4

// reader returns the statement prepared on the writing connection, or
// while a batch holds that connection, the one prepared on the readers'.
func (s *Store) reader(onWriter, onReaders *sql.Stmt) *sql.Stmt {
	if s.batcher.busy() {
		return onReaders
	}
	return onWriter
}

// Dir is the campaign directory.
func (s *Store) Dir() string { return s.dir }

// Close closes the database.
func (s *Store) Close() error {
	var stopped error
	if s.checkpoints != nil { // nil when Open failed before starting it
		stopped = s.checkpoints.Close()
	}
	s.statements.close()
	return errors.Join(stopped, s.reads.Close(), s.db.Close())
}

// SchemaVersion returns the newest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return sqlitedb.Version(ctx, s.db, "schema_migrations")
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return sqlitedb.InTx(ctx, s.db, fn)
}

func now() string { return timestamp(time.Now()) }

// timestamp is how the store writes a time.
func timestamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Meta returns a campaign-level value, or ErrNotFound.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("meta %q: %w", key, ErrNotFound)
	}
	return v, err
}

// SetMeta stores a campaign-level value.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set meta %q: %w", key, err)
	}
	return nil
}

// SamplerState returns a stored sampler value, or ErrNotFound.
func (s *Store) SamplerState(ctx context.Context, key string) ([]byte, error) {
	var v []byte
	err := s.db.QueryRowContext(ctx, `SELECT value FROM sampler_state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sampler state %q: %w", key, ErrNotFound)
	}
	return v, err
}

// SetSamplerState stores a sampler value.
func (s *Store) SetSamplerState(ctx context.Context, key string, value []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sampler_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// StepCounts summarises the steps table.
type StepCounts struct {
	Done      int // steps with a stored node, the initial program included
	Running   int // steps claimed and not finished
	Abandoned int // steps whose run was cut short, waiting to be claimed again
}

// Steps counts done and running steps. Another process sees a step as
// running from its first stored LLM call on.
func (s *Store) Steps(ctx context.Context) (StepCounts, error) {
	var c StepCounts
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'running'), 0),
		COALESCE(SUM(status = 'abandoned'), 0) FROM steps`).Scan(&c.Done, &c.Running, &c.Abandoned)
	// Claims of this process that stored nothing yet have no row.
	s.claims.mu.Lock()
	c.Running += len(s.claims.pending)
	s.claims.mu.Unlock()
	return c, err
}

// Status of a node.
const (
	StatusOK     = "ok"
	StatusFailed = "failed" // the candidate failed (edit, build, run, validation)
	// StatusInfraFailed: the evaluation could not run (the task or its
	// plugin failed, not the candidate). The node is not valid; it is
	// counted apart from the candidates that failed.
	StatusInfraFailed = "infra_failed"
)

// Node is one evaluated program.
type Node struct {
	ID         int64
	Step       int64
	Parents    []int64
	Name       string
	Motivation string
	Code       string
	Metrics    map[string]float64
	Score      float64 // primary metric; meaningless when !Valid
	Valid      bool
	Status     string // StatusOK, StatusFailed or StatusInfraFailed
	Error      string // why it failed: edit, build, run or validation
	Feedback   string // what the evaluator told the researcher
	Analysis   string
	Island     int
	Features   []float64
	EvalTime   time.Duration
	// Cognition holds the IDs of the cognition items shown to the
	// researcher when this node was designed, best first.
	Cognition []string
	CreatedAt time.Time
}

// Event is a line of the campaign's history.
type Event struct {
	Step    int64
	NodeID  int64
	Kind    string
	Message string
	Time    time.Time
}

// NodeID is the id of the node a step produces. Ids follow steps (the
// initial program, step 0, is node 1), so a node's id is known while its
// step runs and does not depend on the order in which workers finish.
func NodeID(step int64) int64 { return step + 1 }

// Commit stores a node for its step in one transaction: the node, its
// artifacts, the events, the step marked done, and the step's offline
// exchanges. It returns the node's id once the transaction is committed;
// the transaction may hold other steps' writes made at the same time
// (inBatch).
func (s *Store) Commit(ctx context.Context, n *Node, artifacts map[string][]byte, events []Event) (int64, error) {
	parents, _ := json.Marshal(nonNil(n.Parents))
	metrics, err := json.Marshal(nonNilMap(n.Metrics))
	if err != nil {
		return 0, fmt.Errorf("node for step %d: metrics: %w", n.Step, err)
	}
	features, err := json.Marshal(nonNilF(n.Features))
	if err != nil {
		return 0, fmt.Errorf("node for step %d: features: %w", n.Step, err)
	}
	cognition, _ := json.Marshal(nonNilS(n.Cognition))
	var score any
	if n.Valid {
		score = n.Score
	}
	// Files are written before the transaction; an orphan file left by a
	// crash is harmless (content-addressed) and never referenced twice.
	type stored struct {
		name, sum string
		size      int
		content   []byte
	}
	var rows []stored
	for name, content := range artifacts {
		sum := sha256.Sum256(content)
		hexSum := hex.EncodeToString(sum[:])
		row := stored{name: name, sum: hexSum, size: len(content)}
		if len(content) <= InlineArtifactLimit {
			row.content = content
		} else if err := s.writeArtifactFile(hexSum, content); err != nil {
			return 0, fmt.Errorf("node for step %d: %w", n.Step, err)
		}
		rows = append(rows, row)
	}
	var id int64
	var created string
	var claimRow bool
	err = s.inBatch(ctx, func(tx *sql.Tx) error {
		p := &s.statements
		if err := s.insertCalls(ctx, tx, s.deferred(n.Step)); err != nil {
			return err
		}
		var count int
		if err := tx.StmtContext(ctx, p.nodeExists).QueryRowContext(ctx, n.Step).Scan(&count); err != nil {
			return err
		}
		if count > 0 {
			return fmt.Errorf("step %d: %w", n.Step, ErrStepDone)
		}
		created = now()
		res, err := tx.StmtContext(ctx, p.insertNode).ExecContext(ctx,
			NodeID(n.Step), n.Step, string(parents), n.Name, n.Motivation, n.Code, string(metrics), score, n.Valid,
			n.Status, n.Error, n.Feedback, n.Analysis, n.Island, string(features), n.EvalTime.Milliseconds(), string(cognition), created)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if len(rows) > 0 {
			artifact := tx.StmtContext(ctx, p.insertArtifact)
			for _, a := range rows {
				if _, err := artifact.ExecContext(ctx, id, a.name, a.sum, a.size, a.content); err != nil {
					return err
				}
			}
		}
		if len(events) > 0 {
			event := tx.StmtContext(ctx, p.insertEvent)
			for _, e := range events {
				if _, err := event.ExecContext(ctx, n.Step, id, e.Kind, e.Message, created); err != nil {
					return err
				}
			}
		}
		// The step's LLM calls are not linked here: a call's node is its
		// step's (Calls), and rewriting call rows of tens of KB of prompt
		// to set a column cost more than the node's own row.
		if claimRow, err = s.claimRow(ctx, tx, n.Step, "done"); err != nil || claimRow {
			return err
		}
		_, err = tx.StmtContext(ctx, p.stepDone).ExecContext(ctx, n.Step, created)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("commit node for step %d: %w", n.Step, err)
	}
	s.closeClaim(n.Step)
	n.ID = id
	s.nodes.Add(id, asRead(*n, id, created))
	names := make([]string, 0, len(rows))
	for _, a := range rows {
		names = append(names, a.name)
	}
	s.artifactNames.Add(id, names)
	return id, nil
}

func (s *Store) writeArtifactFile(sum string, content []byte) error {
	path := filepath.Join(s.dir, "artifacts", sum)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Join(s.dir, "artifacts"), ".tmp-*")
	if err != nil {
		return fmt.Errorf("artifact %s: %w", sum, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return fmt.Errorf("artifact %s: %w", sum, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("artifact %s: %w", sum, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("artifact %s: %w", sum, err)
	}
	return os.Rename(tmp.Name(), path)
}

// Artifact returns one artifact of a node.
func (s *Store) Artifact(ctx context.Context, nodeID int64, name string) ([]byte, error) {
	// The next prompt asks for each context node's stderr, which most
	// nodes lack: a node stored by this process answers from memory.
	if names, ok := s.artifactNames.Get(nodeID); ok && !slices.Contains(names, name) {
		return nil, fmt.Errorf("node %d artifact %q: %w", nodeID, name, ErrNotFound)
	}
	var sum string
	var size int
	var content []byte
	err := s.reader(s.statements.selectArtifact, s.statements.readArtifact).QueryRowContext(ctx, nodeID, name).Scan(&sum, &size, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("node %d artifact %q: %w", nodeID, name, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if content != nil || size == 0 { // an empty artifact reads back as NULL
		return content, nil
	}
	return os.ReadFile(filepath.Join(s.dir, "artifacts", sum))
}

// ArtifactNames lists a node's artifacts.
func (s *Store) ArtifactNames(ctx context.Context, nodeID int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM artifacts WHERE node_id = ? ORDER BY name`, nodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

const nodeColumns = `id, step, parents, name, motivation, code, metrics, score, valid, status, error,
	feedback, analysis, island, features, eval_ms, cognition, created_at`

func scanNode(row interface{ Scan(...any) error }) (Node, error) {
	var n Node
	var parents, metrics, features, cognition, created string
	var score sql.NullFloat64
	var evalMS int64
	err := row.Scan(&n.ID, &n.Step, &parents, &n.Name, &n.Motivation, &n.Code, &metrics, &score, &n.Valid,
		&n.Status, &n.Error, &n.Feedback, &n.Analysis, &n.Island, &features, &evalMS, &cognition, &created)
	if err != nil {
		return n, err
	}
	n.Score = score.Float64
	n.EvalTime = time.Duration(evalMS) * time.Millisecond
	n.CreatedAt = parseTime(created)
	if err := json.Unmarshal([]byte(parents), &n.Parents); err != nil {
		return n, fmt.Errorf("node %d parents: %w", n.ID, err)
	}
	if err := json.Unmarshal([]byte(metrics), &n.Metrics); err != nil {
		return n, fmt.Errorf("node %d metrics: %w", n.ID, err)
	}
	if err := json.Unmarshal([]byte(features), &n.Features); err != nil {
		return n, fmt.Errorf("node %d features: %w", n.ID, err)
	}
	if err := json.Unmarshal([]byte(cognition), &n.Cognition); err != nil {
		return n, fmt.Errorf("node %d cognition: %w", n.ID, err)
	}
	if len(n.Cognition) == 0 {
		n.Cognition = nil
	}
	return n, nil
}

// Node returns one node by id, from memory when it was stored or read
// lately.
func (s *Store) Node(ctx context.Context, id int64) (Node, error) {
	if n, ok := s.nodes.Get(id); ok {
		return cloneNode(n), nil
	}
	n, err := scanNode(s.reader(s.statements.selectNode, s.statements.readNode).QueryRowContext(ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("node %d: %w", id, ErrNotFound)
	}
	if err == nil {
		s.nodes.Add(id, cloneNode(n))
	}
	return n, err
}

// Nodes returns every node in id order.
func (s *Store) Nodes(ctx context.Context) ([]Node, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+nodeColumns+` FROM nodes ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list nodes: %w", err)
	}
	defer rows.Close()
	var nodes []Node
	for rows.Next() {
		n, err := scanNode(rows)
		if err != nil {
			return nil, fmt.Errorf("list nodes: %w", err)
		}
		nodes = append(nodes, n)
	}
	return nodes, rows.Err()
}

// Best returns the valid node with the best score; ErrNotFound when none is
// valid. maximize says which way is better.
func (s *Store) Best(ctx context.Context, maximize bool) (Node, error) {
	order := "DESC"
	if !maximize {
		order = "ASC"
	}
	n, err := scanNode(s.db.QueryRowContext(ctx, `SELECT `+nodeColumns+` FROM nodes WHERE valid = 1
		ORDER BY score `+order+`, id ASC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("best node: %w", ErrNotFound)
	}
	return n, err
}

// Call is one recorded LLM exchange.
type Call struct {
	ID               int64
	Step             int64
	NodeID           int64 // the step's node; 0 until it is committed
	Role             string
	Provider         string
	Model            string
	PromptTokens     int
	CompletionTokens int
	CostUSD          float64
	Latency          time.Duration
	Prompt           string
	Reply            string
	Error            string
	CreatedAt        time.Time // when the call returned; RecordCall's time when zero
}

// RecordCall stores an LLM exchange right away, so its cost counts even if
// the step is interrupted before its node is committed. An exchange of the
// offline operator (OfflineProvider), which costs nothing, is stored with
// the node of its step, or when the step is released.
// The first call of a step claimed by this process also writes the
// step's row as running, in the same transaction.
func (s *Store) RecordCall(ctx context.Context, c Call) error {
	if s.deferOffline(c) {
		return nil
	}
	created := now()
	if !c.CreatedAt.IsZero() {
		created = timestamp(c.CreatedAt)
	}
	var claimRow bool
	err := s.inBatch(ctx, func(tx *sql.Tx) error {
		_, err := tx.StmtContext(ctx, s.statements.insertCall).ExecContext(ctx, c.Step, c.Role, c.Provider, c.Model, c.PromptTokens,
			c.CompletionTokens, c.CostUSD, c.Latency.Milliseconds(), c.Prompt, c.Reply, c.Error, created)
		if err != nil {
			return err
		}
		claimRow, err = s.claimRow(ctx, tx, c.Step, "running")
		return err
	})
	if err != nil {
		return fmt.Errorf("record llm call of step %d: %w", c.Step, err)
	}
	if claimRow {
		s.claimWritten(c.Step)
	}
	return nil
}

// Calls returns the LLM calls of a node: those of its step, the calls of
// an earlier attempt of the step cut short included. (Databases written
// before calls were linked by step alone also link them by node_id.)
func (s *Store) Calls(ctx context.Context, nodeID int64) ([]Call, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, step, ?, role, provider, model, prompt_tokens,
		completion_tokens, cost_usd, latency_ms, prompt, reply, error, created_at FROM llm_calls
		WHERE step = ? AND (node_id = ? OR node_id IS NULL) AND EXISTS (SELECT 1 FROM nodes WHERE id = ?) ORDER BY id`,
		nodeID, nodeID-1, nodeID, nodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var calls []Call
	for rows.Next() {
		var c Call
		var ms int64
		var created string
		if err := rows.Scan(&c.ID, &c.Step, &c.NodeID, &c.Role, &c.Provider, &c.Model, &c.PromptTokens, &c.CompletionTokens,
			&c.CostUSD, &ms, &c.Prompt, &c.Reply, &c.Error, &created); err != nil {
			return nil, err
		}
		c.Latency = time.Duration(ms) * time.Millisecond
		c.CreatedAt = parseTime(created)
		calls = append(calls, c)
	}
	// In the order they were made: offline exchanges are written with the
	// node, after a model's calls of the same step.
	slices.SortStableFunc(calls, func(a, b Call) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return calls, rows.Err()
}

// OfflineProvider is the provider name of exchanges no model answered
// (the offline search operator). They are recorded like calls, so a node
// shows its edit, but Usage counts them apart: no calls, tokens or cost.
const OfflineProvider = "offline"

// Usage totals every LLM call of the campaign, interrupted steps included.
// Calls, tokens and cost count only calls a model answered; Offline
// counts the exchanges recorded under OfflineProvider.
type Usage struct {
	Calls            int
	PromptTokens     int64
	CompletionTokens int64
	CostUSD          float64
	Offline          int
}

// Tokens is prompt plus completion tokens.
func (u Usage) Tokens() int64 { return u.PromptTokens + u.CompletionTokens }

// Usage sums the LLM calls.
func (s *Store) Usage(ctx context.Context) (Usage, error) {
	var u Usage
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0),
		COALESCE(SUM(cost_usd), 0), (SELECT COUNT(*) FROM llm_calls WHERE provider = ?) FROM llm_calls WHERE provider <> ?`,
		OfflineProvider, OfflineProvider).Scan(&u.Calls, &u.PromptTokens, &u.CompletionTokens, &u.CostUSD, &u.Offline)
	if err != nil {
		return u, fmt.Errorf("usage: %w", err)
	}
	return u, nil
}

// AddEvent records an event not tied to a node (campaign started, stopped).
func (s *Store) AddEvent(ctx context.Context, e Event) error {
	var node any
	if e.NodeID != 0 {
		node = e.NodeID
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO events (step, node_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?)`,
		e.Step, node, e.Kind, e.Message, now())
	return err
}

// Events returns the newest limit events, oldest first.
func (s *Store) Events(ctx context.Context, limit int) ([]Event, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT COALESCE(step, 0), COALESCE(node_id, 0), kind, message, created_at FROM
		(SELECT * FROM events ORDER BY id DESC LIMIT ?) ORDER BY id`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var events []Event
	for rows.Next() {
		var e Event
		var created string
		if err := rows.Scan(&e.Step, &e.NodeID, &e.Kind, &e.Message, &created); err != nil {
			return nil, err
		}
		e.Time = parseTime(created)
		events = append(events, e)
	}
	return events, rows.Err()
}

func nonNil(v []int64) []int64 {
	if v == nil {
		return []int64{}
	}
	return v
}

func nonNilS(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func nonNilF(v []float64) []float64 {
	if v == nil {
		return []float64{}
	}
	return v
}

func nonNilMap(m map[string]float64) map[string]float64 {
	if m == nil {
		return map[string]float64{}
	}
	return m
}
