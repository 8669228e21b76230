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
	"time"

	"github.com/asi-evolve/asi/internal/sqlitedb"
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
	return &Store{db: db, dir: dir}, nil
}

// Dir is the campaign directory.
func (s *Store) Dir() string { return s.dir }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// SchemaVersion returns the newest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return sqlitedb.Version(ctx, s.db, "schema_migrations")
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return sqlitedb.InTx(ctx, s.db, fn)
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

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

// Steps counts done and running steps.
func (s *Store) Steps(ctx context.Context) (StepCounts, error) {
	var c StepCounts
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'running'), 0),
		COALESCE(SUM(status = 'abandoned'), 0) FROM steps`).Scan(&c.Done, &c.Running, &c.Abandoned)
	return c, err
}

// ClaimStep hands out the next step to run. Steps left running by a
// process that died are handed out first (resumed is true), lowest first,
// each at most once per call to ReleaseAbandoned; otherwise a new step
// number is allocated. limit caps the number of steps that may exist
// (done plus running); 0 means no cap. ok is false when the cap is reached.
func (s *Store) ClaimStep(ctx context.Context, limit int) (step int64, resumed, ok bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT step FROM steps WHERE status = 'abandoned' ORDER BY step LIMIT 1`).Scan(&step)
		if err == nil {
			resumed, ok = true, true
			_, err = tx.ExecContext(ctx, `UPDATE steps SET status = 'running', attempts = attempts + 1, claimed_at = ? WHERE step = ?`, now(), step)
			return err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// Step numbers are handed out densely from 0 and never deleted, so
		// the next number is also the count (MAX uses the key; COUNT scans).
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(step), -1) + 1 FROM steps`).Scan(&step); err != nil {
			return err
		}
		if limit > 0 && step >= int64(limit) {
			return nil
		}
		ok = true
		_, err = tx.ExecContext(ctx, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'running', ?)`, step, now())
		return err
	})
	if err != nil {
		return 0, false, false, fmt.Errorf("claim step: %w", err)
	}
	return step, resumed, ok, nil
}

// ReleaseAbandoned marks every running step as abandoned so ClaimStep hands
// it out again, and returns how many steps wait to be run again. Call it
// once when a campaign (re)starts, before any worker claims a step.
func (s *Store) ReleaseAbandoned(ctx context.Context) (int, error) {
	if _, err := s.db.ExecContext(ctx, `UPDATE steps SET status = 'abandoned' WHERE status = 'running'`); err != nil {
		return 0, fmt.Errorf("release abandoned steps: %w", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM steps WHERE status = 'abandoned'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("release abandoned steps: %w", err)
	}
	return n, nil
}

// ReleaseStep returns one running step to the pool (its run was cancelled).
func (s *Store) ReleaseStep(ctx context.Context, step int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE steps SET status = 'abandoned' WHERE step = ? AND status = 'running'`, step)
	return err
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
// artifacts, the events, the step marked done, and the step's LLM calls
// linked to it. It returns the node's id.
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
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM nodes WHERE step = ?`, n.Step).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			return fmt.Errorf("step %d: %w", n.Step, ErrStepDone)
		}
		created := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO nodes (id, step, parents, name, motivation, code, metrics, score, valid,
			status, error, feedback, analysis, island, features, eval_ms, cognition, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			NodeID(n.Step), n.Step, string(parents), n.Name, n.Motivation, n.Code, string(metrics), score, n.Valid,
			n.Status, n.Error, n.Feedback, n.Analysis, n.Island, string(features), n.EvalTime.Milliseconds(), string(cognition), created)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, a := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO artifacts (node_id, name, sha256, size, content) VALUES (?, ?, ?, ?, ?)`,
				id, a.name, a.sum, a.size, a.content); err != nil {
				return err
			}
		}
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO events (step, node_id, kind, message, created_at) VALUES (?, ?, ?, ?, ?)`,
				n.Step, id, e.Kind, e.Message, created); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE llm_calls SET node_id = ? WHERE step = ? AND node_id IS NULL`, id, n.Step); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'done', ?)
			ON CONFLICT (step) DO UPDATE SET status = 'done'`, n.Step, created)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("commit node for step %d: %w", n.Step, err)
	}
	n.ID = id
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
	var sum string
	var size int
	var content []byte
	err := s.db.QueryRowContext(ctx, `SELECT sha256, size, content FROM artifacts WHERE node_id = ? AND name = ?`, nodeID, name).Scan(&sum, &size, &content)
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

// Node returns one node by id.
func (s *Store) Node(ctx context.Context, id int64) (Node, error) {
	n, err := scanNode(s.db.QueryRowContext(ctx, `SELECT `+nodeColumns+` FROM nodes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("node %d: %w", id, ErrNotFound)
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
	NodeID           int64 // 0 until the step's node is committed
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
	CreatedAt        time.Time
}

// RecordCall stores an LLM exchange right away, so its cost counts even if
// the step is interrupted before its node is committed.
func (s *Store) RecordCall(ctx context.Context, c Call) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO llm_calls (step, role, provider, model, prompt_tokens, completion_tokens,
		cost_usd, latency_ms, prompt, reply, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Step, c.Role, c.Provider, c.Model, c.PromptTokens, c.CompletionTokens, c.CostUSD, c.Latency.Milliseconds(),
		c.Prompt, c.Reply, c.Error, now())
	if err != nil {
		return fmt.Errorf("record llm call of step %d: %w", c.Step, err)
	}
	return nil
}

// Calls returns the LLM calls of a node (or of a step when nodeID is 0 and
// step is given).
func (s *Store) Calls(ctx context.Context, nodeID int64) ([]Call, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, step, COALESCE(node_id, 0), role, provider, model, prompt_tokens,
		completion_tokens, cost_usd, latency_ms, prompt, reply, error, created_at FROM llm_calls WHERE node_id = ? ORDER BY id`, nodeID)
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
