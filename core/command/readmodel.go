package command

import (
	"context"
	"math"
	"sort"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/core/views"
)

// report reads a campaign's state from its store.
func report(ctx context.Context, st *store.Store, top int) (views.Report, error) {
	var r views.Report
	info, err := st.Info(ctx)
	if err != nil {
		return r, err
	}
	r.Campaign, r.Task, r.Primary, r.Direction, r.Budget = info.Campaign, info.Task, info.Primary, info.Direction, info.StepBudget
	r.Offline = info.Offline
	r.Dir = st.Dir()
	nodes, err := st.Nodes(ctx)
	if err != nil {
		return r, err
	}
	maximize := info.Maximize()
	var valid []store.Node
	for _, n := range nodes {
		if n.Step == 0 {
			s := views.Summarize(n)
			r.Initial = &s
			continue
		}
		r.Done++
		switch {
		case n.Status == store.StatusInfraFailed:
			r.InfraFailures++
		case !n.Valid:
			r.Failures++
		}
	}
	for _, n := range nodes {
		if n.Valid {
			valid = append(valid, n)
		}
	}
	sortByScore(valid, maximize)
	if len(valid) > 0 {
		s := views.Summarize(valid[0])
		r.Best = &s
	}
	for i := 0; i < len(valid) && i < top; i++ {
		r.Top = append(r.Top, views.Summarize(valid[i]))
	}
	counts, err := st.Steps(ctx)
	if err != nil {
		return r, err
	}
	r.Running = counts.Running + counts.Abandoned
	if r.Usage, err = st.Usage(ctx); err != nil {
		return r, err
	}
	events, err := st.Events(ctx, 8)
	if err != nil {
		return r, err
	}
	for _, e := range events {
		r.Events = append(r.Events, views.EventLine{Time: e.Time, Kind: e.Kind, Message: e.Message})
	}
	r.Research = views.ResearchOf(engine.CountersOf(nodes))
	r.Research.Guidance, _ = st.Meta(ctx, store.MetaResearcherGuidance)
	r.Research.Recommendations, _ = st.Meta(ctx, store.MetaRecommendations)
	return r, nil
}

// bestCurve reads a finished run: the best valid primary score among the
// nodes of steps 0..k for each k in steps.
func bestCurve(ctx context.Context, dir string, steps []int) ([]float64, string, float64, error) {
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, "", 0, err
	}
	defer st.Close()
	info, err := st.Info(ctx)
	if err != nil {
		return nil, "", 0, err
	}
	nodes, err := st.Nodes(ctx)
	if err != nil {
		return nil, "", 0, err
	}
	usage, err := st.Usage(ctx)
	if err != nil {
		return nil, "", 0, err
	}
	return curveOf(nodes, steps, info.Direction != string(task.Minimize)), info.Primary, usage.CostUSD, nil
}

func curveOf(nodes []store.Node, steps []int, maximize bool) []float64 {
	out := make([]float64, len(steps))
	for i, k := range steps {
		best := math.NaN()
		for _, n := range nodes {
			if !n.Valid || n.Step > int64(k) {
				continue
			}
			if math.IsNaN(best) || (maximize && n.Score > best) || (!maximize && n.Score < best) {
				best = n.Score
			}
		}
		out[i] = best
	}
	return out
}

// sortByScore orders valid nodes best first; ties go to the older node.
func sortByScore(nodes []store.Node, maximize bool) {
	sort.SliceStable(nodes, func(i, j int) bool {
		if nodes[i].Score == nodes[j].Score {
			return nodes[i].ID < nodes[j].ID
		}
		if maximize {
			return nodes[i].Score > nodes[j].Score
		}
		return nodes[i].Score < nodes[j].Score
	})
}
