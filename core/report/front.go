package report

import (
	"cmp"
	"math"
	"slices"

	"github.com/asi-evolve/asi/core/pareto"
	"github.com/asi-evolve/asi/core/store"
)

// Front is the Pareto front of a campaign with objectives, computed from
// its stored nodes: the valid nodes that report every objective metric and
// that no other such node dominates.
type Front struct {
	Objectives []store.Objective
	// Members are the front's nodes in id order; Values are their raw
	// metric values, in the order of Objectives.
	Members []FrontMember
	// Reference is the hypervolume's reference point, raw metric values:
	// each objective's reference, else the initial program's value.
	// HasReference is false when neither is known (the initial program
	// failed or lacks a metric) and Hypervolume is then 0.
	Reference    []float64
	HasReference bool
	// Hypervolume is the volume dominated by the front and dominating the
	// reference, in the metrics' own units (a product of them).
	Hypervolume float64
	// Preferred indexes Members: the member with the largest weighted sum
	// of its objectives, each normalised to [0, 1] over the front; -1 when
	// the front is empty.
	Preferred int
}

// FrontMember is one node of the front.
type FrontMember struct {
	Node   store.Node
	Values []float64
}

// HypervolumePoint is the hypervolume of the nodes of steps 0..Step.
type HypervolumePoint struct {
	Step        int64
	Hypervolume float64
}

// HasObjectives says whether the campaign declared objective blocks.
func (c *Campaign) HasObjectives() bool { return len(c.Objectives) > 0 }

// frontCandidates returns the oriented points of the nodes that can be on
// a front and those nodes, in id order.
func (c *Campaign) frontCandidates(nodes []store.Node) ([]pareto.Point, []store.Node) {
	var points []pareto.Point
	var kept []store.Node
	for _, n := range nodes {
		if !n.Valid {
			continue
		}
		if v, ok := store.ObjectiveValues(n, c.Objectives); ok {
			points = append(points, v)
			kept = append(kept, n)
		}
	}
	return points, kept
}

// reference returns the oriented reference point and whether it is known.
func (c *Campaign) reference() (pareto.Point, bool) {
	initial, hasInitial := c.Initial()
	ref := make(pareto.Point, len(c.Objectives))
	for i, o := range c.Objectives {
		switch v, ok := initial.Metrics[o.Metric]; {
		case o.Reference != nil:
			ref[i] = o.Orient(*o.Reference)
		case hasInitial && initial.Valid && ok && !math.IsNaN(v) && !math.IsInf(v, 0):
			ref[i] = o.Orient(v)
		default:
			return nil, false
		}
	}
	return ref, true
}

// Front returns the campaign's Pareto front; the zero Front, with
// Preferred -1, when it has no objectives.
func (c *Campaign) Front() Front {
	f := Front{Objectives: c.Objectives, Preferred: -1}
	if !c.HasObjectives() {
		return f
	}
	points, nodes := c.frontCandidates(c.Nodes)
	var front []pareto.Point
	for _, i := range pareto.Front(points) {
		front = append(front, points[i])
		values := make([]float64, len(c.Objectives))
		for k, o := range c.Objectives {
			values[k] = nodes[i].Metrics[o.Metric]
		}
		f.Members = append(f.Members, FrontMember{Node: nodes[i], Values: values})
	}
	if ref, ok := c.reference(); ok {
		f.HasReference = true
		f.Hypervolume = pareto.Hypervolume(front, ref)
		f.Reference = make([]float64, len(ref))
		for k, o := range c.Objectives {
			f.Reference[k] = o.Orient(ref[k]) // orienting twice restores the raw value
		}
	}
	f.Preferred = preferred(front, c.Objectives)
	return f
}

// preferred returns the index of the point with the largest weighted sum
// of its values normalised over the points' range; ties go to the first.
// An objective on which all points agree adds nothing.
func preferred(points []pareto.Point, objs []store.Objective) int {
	if len(points) == 0 {
		return -1
	}
	lo, hi := slices.Clone(points[0]), slices.Clone(points[0])
	for _, p := range points[1:] {
		for k, v := range p {
			lo[k], hi[k] = min(lo[k], v), max(hi[k], v)
		}
	}
	best, bestSum := 0, math.Inf(-1)
	for i, p := range points {
		sum := 0.0
		for k, v := range p {
			if hi[k] > lo[k] {
				sum += objs[k].Weight * (v - lo[k]) / (hi[k] - lo[k])
			}
		}
		if sum > bestSum {
			best, bestSum = i, sum
		}
	}
	return best
}

// HypervolumeCurve returns the hypervolume of the nodes stored up to each
// step, one point per node in step order; nil when the campaign has no
// objectives or no reference point. The reference is fixed for the
// campaign, so the curve never falls.
func (c *Campaign) HypervolumeCurve() []HypervolumePoint {
	ref, ok := c.reference()
	if !c.HasObjectives() || !ok {
		return nil
	}
	nodes := slices.Clone(c.Nodes)
	slices.SortStableFunc(nodes, func(a, b store.Node) int { return cmp.Compare(a.Step, b.Step) })
	var front []pareto.Point
	hv := 0.0
	out := make([]HypervolumePoint, 0, len(nodes))
	for _, n := range nodes {
		if p, ok := store.ObjectiveValues(n, c.Objectives); ok && n.Valid && !coveredBy(front, p) {
			front = append(front, p)
			kept := front[:0:0]
			for _, i := range pareto.Front(front) {
				kept = append(kept, front[i])
			}
			front = kept
			hv = pareto.Hypervolume(front, ref)
		}
		out = append(out, HypervolumePoint{Step: n.Step, Hypervolume: hv})
	}
	return out
}

// coveredBy reports whether a point of front dominates or equals p, so
// that adding p changes nothing.
func coveredBy(front []pareto.Point, p pareto.Point) bool {
	return slices.ContainsFunc(front, func(q pareto.Point) bool { return slices.Equal(q, p) || pareto.Dominates(q, p) })
}
