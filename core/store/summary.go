package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// summaryErrorChars is how much of a node's error the nodes_summary
// index holds (SQLite's substr counts characters); the expression below
// must stay the one migration 005 indexes.
const summaryErrorChars = 400

// summaryColumns are the columns of the nodes_summary index: a query
// naming only these reads the index, never the rows with the text.
const summaryColumns = `id, step, parents, score, valid, status, island, features, metrics, eval_ms, created_at,
	substr(error, 1, 400)`

// summaryBatch is how many summaries one query reads. The rows are closed
// before fn sees them, so fn may use the store (it has one connection).
const summaryBatch = 4096

// EachSummary calls fn with every stored node in id order, as a summary:
// a Node without its name, motivation, code, feedback, analysis and
// cognition, and with only the first line of its error. It reads the
// nodes_summary index, not the rows, so a resume costs what selection
// needs, not what the campaign wrote. fn may use the store; an error
// from fn stops the reading and is returned as is.
func (s *Store) EachSummary(ctx context.Context, fn func(Node) error) error {
	var after int64
	for {
		batch, err := s.SummariesAfter(ctx, after, summaryBatch)
		if err != nil {
			return err
		}
		for _, n := range batch {
			if err := fn(n); err != nil {
				return err
			}
		}
		if len(batch) < summaryBatch {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

// SummariesAfter returns, as EachSummary does, up to limit nodes whose id
// is above after, in id order.
func (s *Store) SummariesAfter(ctx context.Context, after int64, limit int) ([]Node, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryColumns+` FROM nodes INDEXED BY nodes_summary
		WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("node summaries after %d: %w", after, err)
	}
	defer rows.Close()
	nodes := make([]Node, 0, min(limit, summaryBatch))
	var cut []int // nodes whose first error line is longer than the index holds
	names := map[string]string{}
	for rows.Next() {
		n, truncated, err := scanSummary(rows, names)
		if err != nil {
			return nil, fmt.Errorf("node summaries after %d: %w", after, err)
		}
		if truncated {
			cut = append(cut, len(nodes))
		}
		nodes = append(nodes, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("node summaries after %d: %w", after, err)
	}
	rows.Close()
	for _, i := range cut {
		if err := s.db.QueryRowContext(ctx, `SELECT error FROM nodes WHERE id = ?`, nodes[i].ID).Scan(&nodes[i].Error); err != nil {
			return nil, fmt.Errorf("node %d error: %w", nodes[i].ID, err)
		}
		nodes[i].Error = firstErrorLine(nodes[i].Error)
	}
	return nodes, nil
}

// Summary returns one node as EachSummary does, or ErrNotFound.
func (s *Store) Summary(ctx context.Context, id int64) (Node, error) {
	nodes, err := s.SummariesAfter(ctx, id-1, 1)
	if err != nil {
		return Node{}, err
	}
	if len(nodes) == 0 || nodes[0].ID != id {
		return Node{}, fmt.Errorf("node %d: %w", id, ErrNotFound)
	}
	return nodes[0], nil
}

// scanSummary reads a summary; truncated says the index cut the error's
// first line.
func scanSummary(rows *sql.Rows, names map[string]string) (n Node, truncated bool, err error) {
	var parents, features, metrics, created, errHead string
	var score sql.NullFloat64
	var evalMS int64
	if err := rows.Scan(&n.ID, &n.Step, &parents, &score, &n.Valid, &n.Status, &n.Island, &features, &metrics,
		&evalMS, &created, &errHead); err != nil {
		return n, false, err
	}
	n.Score = score.Float64
	n.EvalTime = time.Duration(evalMS) * time.Millisecond
	n.CreatedAt = parseTime(created)
	var whole bool
	n.Error, _, whole = strings.Cut(errHead, "\n")
	truncated = !whole && utf8.RuneCountInString(errHead) >= summaryErrorChars
	if n.Parents, err = decodeList(parents, parseInt); err != nil {
		return n, false, fmt.Errorf("node %d parents: %w", n.ID, err)
	}
	if n.Metrics, err = decodeMetrics(metrics, names); err != nil {
		return n, false, fmt.Errorf("node %d metrics: %w", n.ID, err)
	}
	if n.Features, err = decodeList(features, parseFloat); err != nil {
		return n, false, fmt.Errorf("node %d features: %w", n.ID, err)
	}
	return n, truncated, nil
}

// The JSON of a summary's lists and metrics is what Commit wrote with
// encoding/json: flat, no spaces, keys sorted. Decoding it by hand is
// several times faster than encoding/json, which counts at a million
// nodes; anything else (a key with an escape, say) goes to encoding/json.

func parseInt(s string) (int64, error) {
	if !jsonNumber(s) {
		return 0, errNotJSONNumber
	}
	return strconv.ParseInt(s, 10, 64)
}

func parseFloat(s string) (float64, error) {
	if !jsonNumber(s) {
		return 0, errNotJSONNumber
	}
	return strconv.ParseFloat(s, 64)
}

// plainKey reports whether key reads the same from JSON as it is: valid
// UTF-8 without control characters (escapes are sent to encoding/json
// before).
func plainKey(key string) bool {
	for _, r := range key {
		if r < 0x20 || r == utf8.RuneError {
			return false
		}
	}
	return true
}

var errNotJSONNumber = errors.New("not a JSON number")

// jsonNumber reports whether s is a number as JSON writes one (strconv
// also reads "+1", "01", "Inf" and hex).
func jsonNumber(s string) bool {
	digits := func() bool {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		s = s[n:]
		return n > 0
	}
	s = strings.TrimPrefix(s, "-")
	if strings.HasPrefix(s, "0") {
		s = s[1:]
	} else if !digits() {
		return false
	}
	if rest, ok := strings.CutPrefix(s, "."); ok {
		if s = rest; !digits() {
			return false
		}
	}
	if len(s) > 0 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		if !digits() {
			return false
		}
	}
	return s == ""
}

// decodeList decodes a JSON array of numbers; [] is nil.
func decodeList[T int64 | float64](text string, parse func(string) (T, error)) ([]T, error) {
	inner, open := strings.CutPrefix(text, "[")
	inner, closed := strings.CutSuffix(inner, "]")
	if !open || !closed {
		return nil, fmt.Errorf("not a JSON array: %.40q", text)
	}
	if inner == "" {
		return nil, nil
	}
	out := make([]T, 0, strings.Count(inner, ",")+1)
	for item := range strings.SplitSeq(inner, ",") {
		v, err := parse(item)
		if err != nil {
			var slow []T
			if err := json.Unmarshal([]byte(text), &slow); err != nil {
				return nil, err
			}
			return slow, nil
		}
		out = append(out, v)
	}
	return out, nil
}

// decodeMetrics decodes a flat JSON object of numbers. names interns the
// metrics' names, which repeat on every node.
func decodeMetrics(text string, names map[string]string) (map[string]float64, error) {
	slow := func() (map[string]float64, error) {
		var m map[string]float64
		err := json.Unmarshal([]byte(text), &m)
		return m, err
	}
	inner, open := strings.CutPrefix(text, "{")
	inner, closed := strings.CutSuffix(inner, "}")
	if !open || !closed || strings.ContainsRune(inner, '\\') {
		return slow()
	}
	m := make(map[string]float64, strings.Count(inner, ":"))
	for inner != "" {
		rest, ok := strings.CutPrefix(inner, `"`)
		end := strings.IndexByte(rest, '"')
		if !ok || end < 0 || len(rest) < end+2 || rest[end+1] != ':' {
			return slow()
		}
		key, value := rest[:end], rest[end+2:]
		if !plainKey(key) {
			return slow()
		}
		var more bool
		value, inner, more = strings.Cut(value, ",")
		v, err := parseFloat(value)
		if err != nil || more && inner == "" {
			return slow()
		}
		name, known := names[key]
		if !known {
			name = strings.Clone(key)
			names[name] = name
		}
		m[name] = v
	}
	return m, nil
}

func firstErrorLine(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	return line
}

// EachCode calls fn with the id and code of every stored node, in id
// order, reading a batch of rows at a time so that no more than a batch
// of programs is held. fn may use the store.
func (s *Store) EachCode(ctx context.Context, fn func(id int64, code string) error) error {
	const batch = 256
	var after int64
	for {
		type program struct {
			id   int64
			code string
		}
		var got []program
		rows, err := s.db.QueryContext(ctx, `SELECT id, code FROM nodes WHERE id > ? ORDER BY id LIMIT ?`, after, batch)
		if err != nil {
			return fmt.Errorf("node code after %d: %w", after, err)
		}
		for rows.Next() {
			var p program
			if err := rows.Scan(&p.id, &p.code); err != nil {
				rows.Close()
				return fmt.Errorf("node code after %d: %w", after, err)
			}
			got = append(got, p)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("node code after %d: %w", after, err)
		}
		for _, p := range got {
			if err := fn(p.id, p.code); err != nil {
				return err
			}
		}
		if len(got) < batch {
			return nil
		}
		after = got[len(got)-1].id
	}
}

// Analysis is a node's analysis with what names it.
type Analysis struct {
	NodeID int64
	Step   int64
	Name   string
	Text   string
}

// RecentAnalyses returns the analyses of the newest limit nodes that have
// one (blank ones skipped), newest first; the initial program's is left
// out. It reads those rows only.
func (s *Store) RecentAnalyses(ctx context.Context, limit int) ([]Analysis, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, step, name, analysis FROM nodes
		WHERE step <> 0 AND analysis <> '' ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("recent analyses: %w", err)
	}
	defer rows.Close()
	var out []Analysis
	for len(out) < limit && rows.Next() {
		var a Analysis
		if err := rows.Scan(&a.NodeID, &a.Step, &a.Name, &a.Text); err != nil {
			return nil, fmt.Errorf("recent analyses: %w", err)
		}
		if strings.TrimSpace(a.Text) != "" {
			out = append(out, a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("recent analyses: %w", err)
	}
	return out, nil
}

// CallCost is a recorded LLM call without its prompt and reply. A call
// belongs to the node of its step (NodeID(Step)) once that is stored.
type CallCost struct {
	Step     int64
	Role     string
	Provider string
	CostUSD  float64
}

// EachCallCost calls fn with every recorded LLM call in step order (a
// step's calls in the order recorded), reading the llm_calls_cost index
// and not the calls' text. fn must not use the store: the rows stay open
// while it runs.
func (s *Store) EachCallCost(ctx context.Context, fn func(CallCost) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT step, role, provider, cost_usd FROM llm_calls INDEXED BY llm_calls_cost
		ORDER BY step, id`)
	if err != nil {
		return fmt.Errorf("call costs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c CallCost
		if err := rows.Scan(&c.Step, &c.Role, &c.Provider, &c.CostUSD); err != nil {
			return fmt.Errorf("call costs: %w", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("call costs: %w", err)
	}
	return nil
}

// AddNodes stores nodes made elsewhere (an import, a benchmark's campaign)
// and LLM calls in one transaction: each node with its step marked done,
// each call as recorded, linked to the node of its step. Nodes keep the
// ids NodeID gives their steps; no artifacts or events are written. A
// step stored before fails the whole batch.
func (s *Store) AddNodes(ctx context.Context, nodes []Node, calls []Call) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		insNode, err := tx.PrepareContext(ctx, `INSERT INTO nodes (id, step, parents, name, motivation, code, metrics, score,
			valid, status, error, feedback, analysis, island, features, eval_ms, cognition, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("add nodes: %w", err)
		}
		defer insNode.Close()
		insStep, err := tx.PrepareContext(ctx, `INSERT INTO steps (step, status, claimed_at) VALUES (?, 'done', ?)
			ON CONFLICT (step) DO UPDATE SET status = 'done'`)
		if err != nil {
			return fmt.Errorf("add nodes: %w", err)
		}
		defer insStep.Close()
		created := now()
		for i := range nodes {
			n := &nodes[i]
			parents, _ := json.Marshal(nonNil(n.Parents))
			metrics, err := json.Marshal(nonNilMap(n.Metrics))
			if err != nil {
				return fmt.Errorf("add node for step %d: metrics: %w", n.Step, err)
			}
			features, err := json.Marshal(nonNilF(n.Features))
			if err != nil {
				return fmt.Errorf("add node for step %d: features: %w", n.Step, err)
			}
			cognition, _ := json.Marshal(nonNilS(n.Cognition))
			var score any
			if n.Valid {
				score = n.Score
			}
			n.ID = NodeID(n.Step)
			if _, err := insNode.ExecContext(ctx, n.ID, n.Step, string(parents), n.Name, n.Motivation, n.Code, string(metrics),
				score, n.Valid, n.Status, n.Error, n.Feedback, n.Analysis, n.Island, string(features), n.EvalTime.Milliseconds(),
				string(cognition), created); err != nil {
				return fmt.Errorf("add node for step %d: %w", n.Step, err)
			}
			if _, err := insStep.ExecContext(ctx, n.Step, created); err != nil {
				return fmt.Errorf("add node for step %d: %w", n.Step, err)
			}
		}
		insCall, err := tx.PrepareContext(ctx, `INSERT INTO llm_calls (step, node_id, role, provider, model, prompt_tokens,
			completion_tokens, cost_usd, latency_ms, prompt, reply, error, created_at)
			VALUES (?, (SELECT id FROM nodes WHERE step = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("add calls: %w", err)
		}
		defer insCall.Close()
		for _, c := range calls {
			if _, err := insCall.ExecContext(ctx, c.Step, c.Step, c.Role, c.Provider, c.Model, c.PromptTokens, c.CompletionTokens,
				c.CostUSD, c.Latency.Milliseconds(), c.Prompt, c.Reply, c.Error, created); err != nil {
				return fmt.Errorf("add call of step %d: %w", c.Step, err)
			}
		}
		return nil
	})
}
