package pareto

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDominates(t *testing.T) {
	tests := []struct {
		name string
		a, b Point
		want bool
	}{
		{name: "better in all", a: Point{2, 2}, b: Point{1, 1}, want: true},
		{name: "better in one, equal in other", a: Point{2, 1}, b: Point{1, 1}, want: true},
		{name: "equal", a: Point{1, 1}, b: Point{1, 1}, want: false},
		{name: "trade-off", a: Point{2, 0}, b: Point{1, 1}, want: false},
		{name: "worse", a: Point{0, 0}, b: Point{1, 1}, want: false},
		{name: "lengths differ", a: Point{2, 2, 2}, b: Point{1, 1}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Dominates(tt.a, tt.b); got != tt.want {
				t.Errorf("Dominates(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestRanks(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		want   [][]int
	}{
		{name: "none", points: nil, want: nil},
		{
			name:   "three fronts",
			points: []Point{{1, 3}, {2, 2}, {3, 1}, {1, 1}, {0, 0}, {2, 1}, {3, 1}},
			// {1,1} is dominated by {2,1}, which {2,2} and {3,1} dominate.
			want: [][]int{{0, 1, 2, 6}, {5}, {3}, {4}},
		},
		{
			name:   "three objectives",
			points: []Point{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 0}},
			want:   [][]int{{0, 1, 2}, {3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Ranks(tt.points)); diff != "" {
				t.Errorf("Ranks (-want +got):\n%s", diff)
			}
			var front []int
			if len(tt.want) > 0 {
				front = tt.want[0]
			}
			if diff := cmp.Diff(front, Front(tt.points)); diff != "" {
				t.Errorf("Front (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCrowding(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name   string
		points []Point
		want   []float64
	}{
		{name: "two points are both extremes", points: []Point{{0, 1}, {1, 0}}, want: []float64{inf, inf}},
		{
			name:   "four points",
			points: []Point{{0, 4}, {1, 3.5}, {3, 1}, {4, 0}},
			// (1, 3.5): (3-0)/4 + (4-1)/4; (3, 1): (4-1)/4 + (3.5-0)/4.
			want: []float64{inf, 1.5, 1.625, inf},
		},
		{
			name:   "a flat objective adds nothing",
			points: []Point{{0, 7}, {1, 7}, {3, 7}},
			want:   []float64{inf, 1, inf}, // (3-0)/3
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Crowding(tt.points)); diff != "" {
				t.Errorf("Crowding (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHypervolume(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		ref    Point
		want   float64
	}{
		{name: "empty", points: nil, ref: Point{0, 0}, want: 0},
		{name: "one box", points: []Point{{2, 3}}, ref: Point{0, 0}, want: 6},
		{name: "staircase", points: []Point{{1, 3}, {2, 2}, {3, 1}}, ref: Point{0, 0}, want: 6},
		{name: "dominated point adds nothing", points: []Point{{1, 3}, {2, 2}, {3, 1}, {1, 1}}, ref: Point{0, 0}, want: 6},
		{name: "reference not at the origin", points: []Point{{1, 3}, {2, 2}, {3, 1}}, ref: Point{1, 1}, want: 1},
		{name: "point on the reference adds nothing", points: []Point{{5, 1}, {2, 2}}, ref: Point{1, 1}, want: 1},
		{name: "minimised metrics, negated", points: []Point{{-1, -4}, {-3, -2}}, ref: Point{-5, -5}, want: 4*1 + 2*2},
		{name: "one objective", points: []Point{{3}, {5}}, ref: Point{1}, want: 4},
		{name: "3-D unit cube", points: []Point{{1, 1, 1}}, ref: Point{0, 0, 0}, want: 1},
		{name: "3-D overlap", points: []Point{{1, 1, 1}, {2, 2, 0.5}}, ref: Point{0, 0, 0}, want: 1 + 2 - 0.5},
		// Each box holds 2, pairs overlap in the unit cube, as do all three.
		{name: "3-D three boxes", points: []Point{{2, 1, 1}, {1, 2, 1}, {1, 1, 2}}, ref: Point{0, 0, 0}, want: 3*2 - 3*1 + 1},
		{name: "4-D", points: []Point{{2, 1, 1, 1}, {1, 1, 1, 3}}, ref: Point{0, 0, 0, 0}, want: 2 + 3 - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hypervolume(tt.points, tt.ref); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("Hypervolume = %v, want %v", got, tt.want)
			}
		})
	}
}

// gridVolume counts the unit cells of [0, 5)^k that some point covers:
// the hypervolume of integer points from the origin, by brute force.
func gridVolume(points []Point, k int) float64 {
	cells := 1
	for range k {
		cells *= 5
	}
	covered := 0
	for c := range cells {
		cell := make([]float64, k)
		for d, rest := 0, c; d < k; d, rest = d+1, rest/5 {
			cell[d] = float64(rest % 5)
		}
		for _, p := range points {
			inside := true
			for d := range k {
				if p[d] < cell[d]+1 {
					inside = false
					break
				}
			}
			if inside {
				covered++
				break
			}
		}
	}
	return float64(covered)
}

func randomPoints(rng *rand.Rand, n, k int) []Point {
	points := make([]Point, n)
	for i := range points {
		points[i] = make(Point, k)
		for d := range k {
			points[i][d] = float64(rng.IntN(6))
		}
	}
	return points
}

func TestHypervolumeMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range []int{2, 3, 4} {
		for trial := range 60 {
			points := randomPoints(rng, 1+rng.IntN(12), k)
			ref := make(Point, k)
			got, want := Hypervolume(points, ref), gridVolume(points, k)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("k=%d trial %d: Hypervolume(%v) = %v, brute force %v", k, trial, points, got, want)
			}
		}
	}
}

func TestFrontProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, k := range []int{2, 3} {
		for trial := range 100 {
			points := randomPoints(rng, 1+rng.IntN(20), k)
			front := Front(points)
			on := map[int]bool{}
			for _, i := range front {
				on[i] = true
				for j, q := range points {
					if Dominates(q, points[i]) {
						t.Fatalf("k=%d trial %d: front member %v dominated by point %d %v", k, trial, points[i], j, q)
					}
				}
			}
			for j, p := range points {
				if on[j] {
					continue
				}
				dominated := false
				for _, i := range front {
					dominated = dominated || Dominates(points[i], p)
				}
				if !dominated {
					t.Fatalf("k=%d trial %d: point %v left off the front though no member dominates it", k, trial, p)
				}
			}
		}
	}
}

func TestHypervolumeNeverFalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range []int{2, 3} {
		for trial := range 30 {
			ref := make(Point, k)
			var points []Point
			prev := 0.0
			for range 25 {
				points = append(points, randomPoints(rng, 1, k)...)
				hv := Hypervolume(points, ref)
				if hv < prev-1e-12 {
					t.Fatalf("k=%d trial %d: hypervolume fell from %v to %v after adding %v", k, trial, prev, hv, points[len(points)-1])
				}
				prev = hv
			}
		}
	}
}
