package pareto

import (
	"math"
	"slices"
)

// Point is one candidate's objective values, larger better in each.
type Point []float64

// Dominates reports whether a is at least as good as b in every objective
// and better in one. Points of different lengths never dominate.
func Dominates(a, b Point) bool {
	if len(a) != len(b) {
		return false
	}
	better := false
	for i := range a {
		switch {
		case a[i] < b[i]:
			return false
		case a[i] > b[i]:
			better = true
		}
	}
	return better
}

// Finite reports whether every value of p is a finite number.
func Finite(p Point) bool {
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// Ranks sorts points into fronts (non-dominated sorting): ranks[0] holds
// the indexes of the points no other point dominates, ranks[1] those only
// ranks[0] dominates, and so on. Indexes within a rank are in increasing
// order. Equal points share a rank. O(k n²) for n points of k objectives.
func Ranks(points []Point) [][]int {
	n := len(points)
	dominatedBy := make([]int, n) // how many points dominate i
	dominates := make([][]int, n) // the points i dominates
	for i := range n {
		for j := i + 1; j < n; j++ {
			switch {
			case Dominates(points[i], points[j]):
				dominates[i] = append(dominates[i], j)
				dominatedBy[j]++
			case Dominates(points[j], points[i]):
				dominates[j] = append(dominates[j], i)
				dominatedBy[i]++
			}
		}
	}
	var ranks [][]int
	var current []int
	for i := range n {
		if dominatedBy[i] == 0 {
			current = append(current, i)
		}
	}
	for len(current) > 0 {
		ranks = append(ranks, current)
		var next []int
		for _, i := range current {
			for _, j := range dominates[i] {
				if dominatedBy[j]--; dominatedBy[j] == 0 {
					next = append(next, j)
				}
			}
		}
		slices.Sort(next)
		current = next
	}
	return ranks
}

// Front returns the indexes of the points no other point dominates, in
// increasing order.
func Front(points []Point) []int {
	var front []int
	for i, p := range points {
		dominated := false
		for j, q := range points {
			if j != i && Dominates(q, p) {
				dominated = true
				break
			}
		}
		if !dominated {
			front = append(front, i)
		}
	}
	return front
}

// Crowding returns the crowding distance of each point of one front
// (NSGA-II): the sum over objectives of the gap between a point's two
// neighbours along that objective, divided by the front's range in it.
// The extremes of each objective get +Inf, so they are kept first. An
// objective in which all points are equal adds nothing. Ties in an
// objective are ordered by index, so the result is deterministic.
func Crowding(points []Point) []float64 {
	n := len(points)
	dist := make([]float64, n)
	if n == 0 {
		return dist
	}
	if n <= 2 {
		for i := range dist {
			dist[i] = math.Inf(1)
		}
		return dist
	}
	order := make([]int, n)
	for k := range points[0] {
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch va, vb := points[a][k], points[b][k]; {
			case va < vb:
				return -1
			case va > vb:
				return 1
			}
			return a - b
		})
		lo, hi := points[order[0]][k], points[order[n-1]][k]
		if !(hi > lo) {
			continue
		}
		dist[order[0]], dist[order[n-1]] = math.Inf(1), math.Inf(1)
		for r := 1; r < n-1; r++ {
			dist[order[r]] += (points[order[r+1]][k] - points[order[r-1]][k]) / (hi - lo)
		}
	}
	return dist
}

// Hypervolume returns the volume of the region that the points dominate
// and that dominates ref: the union of the boxes from ref to each point.
// Points not strictly better than ref in every objective add nothing, so
// the value never falls as points are added. Two objectives are an exact
// sweep in O(n log n); more use exact slicing (HSO), fine for fronts of a
// few hundred points.
func Hypervolume(points []Point, ref Point) float64 {
	var kept []Point
	for _, p := range points {
		if len(p) == len(ref) && Finite(p) && strictlyBetter(p, ref) {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 || len(ref) == 0 {
		return 0
	}
	front := make([]Point, 0, len(kept))
	for _, i := range Front(kept) {
		front = append(front, kept[i])
	}
	return volume(front, ref)
}

func strictlyBetter(p, ref Point) bool {
	for i := range p {
		if !(p[i] > ref[i]) {
			return false
		}
	}
	return true
}

// volume is the hypervolume of points that all strictly dominate ref.
func volume(points []Point, ref Point) float64 {
	switch len(ref) {
	case 1:
		best := ref[0]
		for _, p := range points {
			best = max(best, p[0])
		}
		return best - ref[0]
	case 2:
		return sweep2D(points, ref)
	}
	// Slice along the last objective: between two consecutive values of
	// it, the points reaching at least the upper one form a (k-1)-D set.
	last := len(ref) - 1
	sorted := slices.Clone(points)
	slices.SortFunc(sorted, func(a, b Point) int {
		switch {
		case a[last] > b[last]:
			return -1
		case a[last] < b[last]:
			return 1
		}
		return 0
	})
	total := 0.0
	subRef := ref[:last]
	var layer []Point
	for i, p := range sorted {
		layer = append(layer, p[:last])
		lower := ref[last]
		if i+1 < len(sorted) {
			lower = sorted[i+1][last]
		}
		if height := p[last] - lower; height > 0 {
			total += height * volume(nonDominated(layer), subRef)
		}
	}
	return total
}

// nonDominated keeps the points of ps no other point of ps dominates,
// dropping repeats.
func nonDominated(ps []Point) []Point {
	var out []Point
	for _, i := range Front(ps) {
		if !slices.ContainsFunc(out, func(q Point) bool { return slices.Equal(q, ps[i]) }) {
			out = append(out, ps[i])
		}
	}
	return out
}

// sweep2D is the exact two-objective hypervolume: sorted by the first
// objective, best first, each point adds the strip between its second
// objective and the best second objective seen so far.
func sweep2D(points []Point, ref Point) float64 {
	sorted := slices.Clone(points)
	slices.SortFunc(sorted, func(a, b Point) int {
		switch {
		case a[0] > b[0]:
			return -1
		case a[0] < b[0]:
			return 1
		case a[1] > b[1]:
			return -1
		case a[1] < b[1]:
			return 1
		}
		return 0
	})
	total, reached := 0.0, ref[1]
	for _, p := range sorted {
		if p[1] > reached {
			total += (p[0] - ref[0]) * (p[1] - reached)
			reached = p[1]
		}
	}
	return total
}
