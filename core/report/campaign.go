package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/asi-evolve/asi/core/store"
)

// RecentEvents is how many of the newest events Load keeps.
const RecentEvents = 50

// Campaign is a snapshot of one campaign's store: the one read model every
// reader of a stored campaign (status, apply's final report, best, export,
// ablate, the dashboard, /metrics, the HTML report) goes through.
type Campaign struct {
	Name      string
	Task      string
	Primary   string   // primary metric name
	Direction string   // "maximize", "minimize", or empty when never recorded
	Budget    int      // step budget, 0 when unlimited
	Features  []string // names of the MAP-Elites feature dimensions
	Dir       string
	Nodes     []store.Node // id order
	Usage     store.Usage
	Steps     store.StepCounts
	Offline   []string      // roles that ran with no model (store.Info)
	Events    []store.Event // the newest RecentEvents events, oldest first
	// Guidance is the manager's latest guidance to the researcher and
	// Recommendations its latest advice to the user; empty when no manager
	// ran.
	Guidance        string
	Recommendations string
	// Objectives are the campaign's objective blocks (store.MetaObjectives);
	// nil when it optimises the primary metric alone.
	Objectives []store.Objective
	// Prompts is the archive of the researcher's system prompts, in id
	// order; nil when the campaign has no prompts block.
	Prompts []PromptVariant
	// Audits are the audits of the best nodes, oldest first; nil when the
	// campaign has no audit block.
	Audits []store.Audit
	// Findings are the red team's findings, oldest first, and
	// RedteamPasses how many passes it made (findings or not); nil and 0
	// when it never ran.
	Findings      []store.Finding
	RedteamPasses int

	byID       map[int64]int
	promptUses map[int64]int64 // the variant of each step, by step
}

// Source is the part of a campaign's store that Load reads; *store.Store
// is one.
type Source interface {
	Dir() string
	Info(ctx context.Context) (store.Info, error)
	Nodes(ctx context.Context) ([]store.Node, error)
	Usage(ctx context.Context) (store.Usage, error)
	Steps(ctx context.Context) (store.StepCounts, error)
	Events(ctx context.Context, limit int) ([]store.Event, error)
	Meta(ctx context.Context, key string) (string, error)
}

// Load reads a snapshot of the campaign in st.
func Load(ctx context.Context, st Source) (*Campaign, error) {
	c := &Campaign{Dir: st.Dir()}
	if err := c.load(ctx, st); err != nil {
		return nil, fmt.Errorf("load campaign %s: %w", st.Dir(), err)
	}
	c.index()
	return c, nil
}

func (c *Campaign) load(ctx context.Context, st Source) error {
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	c.Name, c.Task, c.Primary, c.Direction, c.Budget = info.Campaign, info.Task, info.Primary, info.Direction, info.StepBudget
	c.Features, c.Offline = info.Features, info.Offline
	if c.Nodes, err = st.Nodes(ctx); err != nil {
		return err
	}
	if c.Usage, err = st.Usage(ctx); err != nil {
		return err
	}
	if c.Steps, err = st.Steps(ctx); err != nil {
		return err
	}
	if c.Events, err = st.Events(ctx, RecentEvents); err != nil {
		return err
	}
	if c.Guidance, err = optionalMeta(ctx, st, store.MetaResearcherGuidance); err != nil {
		return err
	}
	if c.Recommendations, err = optionalMeta(ctx, st, store.MetaRecommendations); err != nil {
		return err
	}
	objs, err := optionalMeta(ctx, st, store.MetaObjectives)
	if err != nil {
		return err
	}
	if c.Objectives, err = store.ParseObjectives(objs); err != nil {
		return err
	}
	if err := c.loadAudits(ctx, st); err != nil {
		return err
	}
	if err := c.loadFindings(ctx, st); err != nil {
		return err
	}
	return c.loadPrompts(ctx, st)
}

// optionalMeta reads a meta key that only some campaigns write.
func optionalMeta(ctx context.Context, st Source, key string) (string, error) {
	v, err := st.Meta(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return v, err
}

// LoadDir opens the campaign store in dir, reads it with Load and closes
// it. Errors opening the store are returned as the store gives them.
func LoadDir(ctx context.Context, dir string) (*Campaign, error) {
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	return Load(ctx, st)
}

func (c *Campaign) index() {
	c.byID = make(map[int64]int, len(c.Nodes))
	for i, n := range c.Nodes {
		c.byID[n.ID] = i
	}
}

// Maximize says whether a larger primary score is better (the default when
// the direction was never recorded); the rule is store.Info's.
func (c *Campaign) Maximize() bool { return store.Info{Direction: c.Direction}.Maximize() }

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

// Unfinished counts the steps claimed and never finished: running now, or
// abandoned by a run that stopped (the next apply resumes them).
func (c *Campaign) Unfinished() int { return c.Steps.Running + c.Steps.Abandoned }

// RecentEventsN returns the newest n of Events, oldest first.
func (c *Campaign) RecentEventsN(n int) []store.Event {
	return c.Events[max(len(c.Events)-n, 0):]
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
	// Nodes are in id order, so a stable sort leaves ties oldest first.
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
	slices.Reverse(chain)
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
	nodes := slices.Clone(c.Nodes)
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

// BestAt returns, for each k in steps, the best valid primary score among
// the nodes of steps 0..k; NaN where no such node is valid yet.
func (c *Campaign) BestAt(steps []int) []float64 {
	out := make([]float64, len(steps))
	for i, k := range steps {
		best := math.NaN()
		for _, n := range c.Nodes {
			if n.Valid && n.Step <= int64(k) && (math.IsNaN(best) || c.Better(n.Score, best)) {
				best = n.Score
			}
		}
		out[i] = best
	}
	return out
}

var _ Source = (*store.Store)(nil)
