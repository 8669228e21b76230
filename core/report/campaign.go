package report

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/asi-evolve/asi/core/store"
)

// Campaign is a snapshot of one campaign's store.
type Campaign struct {
	Name      string
	Task      string
	Primary   string   // primary metric name
	Direction string   // "maximize" or "minimize"
	Budget    int      // step budget, 0 when unlimited
	Features  []string // names of the MAP-Elites feature dimensions
	Dir       string
	Nodes     []store.Node // id order
	Usage     store.Usage
	Steps     store.StepCounts
	Offline   []string // roles that ran with no model (store.Info)

	byID map[int64]int
}

// Load reads a snapshot of the campaign in st.
func Load(ctx context.Context, st *store.Store) (*Campaign, error) {
	c := &Campaign{Dir: st.Dir()}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("load campaign %s: %w", st.Dir(), err)
	}
	c.Name, c.Task, c.Primary, c.Direction, c.Budget = info.Campaign, info.Task, info.Primary, info.Direction, info.StepBudget
	c.Features, c.Offline = info.Features, info.Offline
	if c.Nodes, err = st.Nodes(ctx); err != nil {
		return nil, fmt.Errorf("load campaign %s: %w", st.Dir(), err)
	}
	if c.Usage, err = st.Usage(ctx); err != nil {
		return nil, fmt.Errorf("load campaign %s: %w", st.Dir(), err)
	}
	if c.Steps, err = st.Steps(ctx); err != nil {
		return nil, fmt.Errorf("load campaign %s: %w", st.Dir(), err)
	}
	c.index()
	return c, nil
}

func (c *Campaign) index() {
	c.byID = make(map[int64]int, len(c.Nodes))
	for i, n := range c.Nodes {
		c.byID[n.ID] = i
	}
}

// Maximize says whether a larger primary score is better (the default when
// the direction was never recorded).
func (c *Campaign) Maximize() bool { return c.Direction != "minimize" }

// Better reports whether score a beats score b.
func (c *Campaign) Better(a, b float64) bool {
	if c.Maximize() {
		return a > b
	}
	return a < b
}

// Node returns the node with id.
func (c *Campaign) Node(id int64) (store.Node, bool) {
	if c.byID == nil {
		c.index()
	}
	i, ok := c.byID[id]
	if !ok {
		return store.Node{}, false
	}
	return c.Nodes[i], true
}

// Done counts the steps with a node, the initial program excluded.
func (c *Campaign) Done() int {
	n := 0
	for _, node := range c.Nodes {
		if node.Step != 0 {
			n++
		}
	}
	return n
}

// FailureCount counts failed candidates, the initial program excluded;
// nodes whose evaluation could not run are InfraFailureCount's.
func (c *Campaign) FailureCount() int {
	n := 0
	for _, node := range c.Nodes {
		if node.Step != 0 && !node.Valid && node.Status != store.StatusInfraFailed {
			n++
		}
	}
	return n
}

// InfraFailureCount counts the nodes whose evaluation could not run (the
// task or its plugin failed), the initial program excluded.
func (c *Campaign) InfraFailureCount() int {
	n := 0
	for _, node := range c.Nodes {
		if node.Step != 0 && node.Status == store.StatusInfraFailed {
			n++
		}
	}
	return n
}

// Initial returns the initial program's node (step 0).
func (c *Campaign) Initial() (store.Node, bool) {
	for _, n := range c.Nodes {
		if n.Step == 0 {
			return n, true
		}
	}
	return store.Node{}, false
}

// Top returns up to k valid nodes, best first; ties go to the older node.
func (c *Campaign) Top(k int) []store.Node {
	var valid []store.Node
	for _, n := range c.Nodes {
		if n.Valid {
			valid = append(valid, n)
		}
	}
	sort.SliceStable(valid, func(i, j int) bool { return c.Better(valid[i].Score, valid[j].Score) })
	if len(valid) > k {
		valid = valid[:k]
	}
	return valid
}

// Best returns the best valid node.
func (c *Campaign) Best() (store.Node, bool) {
	top := c.Top(1)
	if len(top) == 0 {
		return store.Node{}, false
	}
	return top[0], true
}

// Lineage returns the chain of edited parents (Parents[0]) that led to id,
// the root first and id last.
func (c *Campaign) Lineage(id int64) []store.Node {
	var chain []store.Node
	seen := map[int64]bool{}
	for {
		n, ok := c.Node(id)
		if !ok || seen[id] {
			break
		}
		seen[id] = true
		chain = append(chain, n)
		if len(n.Parents) == 0 {
			break
		}
		id = n.Parents[0]
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain
}

// Point is one step of the score curve.
type Point struct {
	Step  int64
	Node  int64
	Score float64 // meaningless when !Valid
	Valid bool
	Best  float64 // best score so far, in step order
	Has   bool    // whether Best is set (some valid node so far)
}

// Curve returns every node in step order with the best score so far.
func (c *Campaign) Curve() []Point {
	nodes := append([]store.Node(nil), c.Nodes...)
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Step < nodes[j].Step })
	points := make([]Point, 0, len(nodes))
	var best float64
	has := false
	for _, n := range nodes {
		if n.Valid && (!has || c.Better(n.Score, best)) {
			best, has = n.Score, true
		}
		points = append(points, Point{Step: n.Step, Node: n.ID, Score: n.Score, Valid: n.Valid, Best: best, Has: has})
	}
	return points
}

// Reason groups failed nodes that failed the same way.
type Reason struct {
	Reason  string
	Count   int
	Example store.Node // the newest node that failed this way
}

// Failures groups the failed candidates by FailureReason, most frequent
// first; nodes whose evaluation could not run are left out.
func (c *Campaign) Failures() []Reason {
	byReason := map[string]*Reason{}
	var order []string
	for _, n := range c.Nodes {
		if n.Valid || n.Status == store.StatusInfraFailed {
			continue
		}
		key := FailureReason(n.Error)
		r, ok := byReason[key]
		if !ok {
			r = &Reason{Reason: key}
			byReason[key] = r
			order = append(order, key)
		}
		r.Count++
		r.Example = n
	}
	out := make([]Reason, 0, len(order))
	for _, k := range order {
		out = append(out, *byReason[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// FailureReason reduces a node's error to its kind, so that failures that
// differ only in details (a line number, a value) count together: the
// text before the last ": " of the first line, at most two clauses deep
// ("edit", `stage "run": invalid candidate`).
func FailureReason(errText string) string {
	line := strings.TrimSpace(errText)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if line == "" {
		return "unknown"
	}
	parts := strings.SplitN(line, ": ", 3)
	switch {
	case len(parts) == 1:
		return clip(parts[0], 80)
	case parts[0] == "edit":
		return "edit"
	case len(parts) == 3 && len(parts[1]) < 40:
		return clip(parts[0]+": "+parts[1], 80)
	}
	return clip(parts[0], 80)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
