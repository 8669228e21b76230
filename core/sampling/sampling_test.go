package sampling

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func mustNew(t testing.TB, name string, opt Options) Sampler {
	t.Helper()
	s, err := New(name, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(nodes []Node) []int64 {
	var out []int64
	for _, n := range nodes {
		out = append(out, n.ID)
	}
	return out
}

// chiSquare returns Pearson's statistic of counts against a uniform
// expectation.
func chiSquare(counts map[int64]int, categories int) float64 {
	total := 0
	for _, c := range counts {
		total += c
	}
	want := float64(total) / float64(categories)
	stat := 0.0
	for _, c := range counts {
		stat += (float64(c) - want) * (float64(c) - want) / want
	}
	// Categories never drawn count too.
	stat += float64(categories-len(counts)) * want
	return stat
}

func TestNew(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			s := mustNew(t, name, Options{})
			if s.Name() != name {
				t.Errorf("Name() = %q, want %q", s.Name(), name)
			}
			if got := s.Sample(newRNG(1), 3); got != nil {
				t.Errorf("Sample() on an empty sampler = %v, want nil", got)
			}
			s.Add(Node{ID: 1, Score: 1, Valid: false})
			if got := s.Sample(newRNG(1), 3); got != nil {
				t.Errorf("Sample() with only invalid nodes = %v, want nil", got)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name     string
		sampler  string
		opt      Options
		wantErr  error
		wantText string
	}{
		{name: "unknown", sampler: "best", wantErr: ErrUnknownSampler, wantText: "valid names: ucb1, greedy, random, island, map_elites"},
		{name: "case matters", sampler: "UCB1", wantErr: ErrUnknownSampler},
		{name: "negative islands", sampler: "island", opt: Options{Islands: -1}, wantErr: ErrBadOption, wantText: "islands -1"},
		{name: "negative bins", sampler: "map_elites", opt: Options{GridBins: -2}, wantErr: ErrBadOption},
		{name: "negative dims", sampler: "map_elites", opt: Options{FeatureDims: -1}, wantErr: ErrBadOption},
		{name: "negative interval", sampler: "island", opt: Options{MigrationInterval: -5}, wantErr: ErrBadOption},
		{name: "rate above one", sampler: "island", opt: Options{MigrationRate: 1.5}, wantErr: ErrBadOption, wantText: "migration rate 1.5"},
		{name: "negative rate", sampler: "island", opt: Options{MigrationRate: -0.1}, wantErr: ErrBadOption},
		{name: "negative exploration", sampler: "ucb1", opt: Options{Exploration: -1}, wantErr: ErrBadOption},
		{name: "NaN exploration", sampler: "ucb1", opt: Options{Exploration: math.NaN()}, wantErr: ErrBadOption},
		{name: "infinite exploration", sampler: "ucb1", opt: Options{Exploration: math.Inf(1)}, wantErr: ErrBadOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.sampler, tt.opt)
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("New() error = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
			}
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	got, err := Options{Islands: 7}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultOptions()
	want.Islands = 7
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

// simulate runs steps of a campaign against s: each step samples, builds a
// child on the parent's island and adds it, keeping up to inFlight samples
// open at once as concurrent workers do. Every fifth child is invalid. It
// returns all nodes added, in ID order.
func simulate(s Sampler, rng *rand.Rand, roots, steps, inFlight int) []Node {
	var all []Node
	nextID := int64(1)
	features := func(id int64) []float64 {
		return []float64{float64(id%7) * 1.5, float64(id%5) - 2}
	}
	for range roots {
		n := Node{ID: nextID, Score: float64(nextID % 3), Valid: true, Island: s.Island(Node{}), Features: features(nextID)}
		s.Add(n)
		all = append(all, n)
		nextID++
	}
	var open []Node
	for step := 0; step < steps || len(open) > 0; step++ {
		if step < steps {
			ctx := s.Sample(rng, 3)
			open = append(open, ctx[0])
			if len(open) < inFlight {
				continue
			}
		}
		parent := open[0]
		open = open[1:]
		child := Node{
			ID:       nextID,
			Parents:  []int64{parent.ID},
			Score:    parent.Score + rng.Float64() - 0.4,
			Valid:    nextID%5 != 0,
			Island:   s.Island(parent),
			Features: features(nextID),
		}
		s.Add(child)
		all = append(all, child)
		nextID++
	}
	return all
}

// TestResumeDeterminism checks that a sampler rebuilt from the stored nodes
// continues exactly like the one that produced them.
func TestResumeDeterminism(t *testing.T) {
	opt := Options{Islands: 3, MigrationInterval: 7, GridBins: 3}
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			first := mustNew(t, name, opt)
			nodes := simulate(first, newRNG(7), 4, 120, 3)

			resumed := mustNew(t, name, opt)
			for _, n := range nodes {
				resumed.Add(n)
			}
			rngA, rngB := newRNG(99), newRNG(99)
			for i := range 50 {
				a, b := first.Sample(rngA, 3), resumed.Sample(rngB, 3)
				if diff := cmp.Diff(a, b); diff != "" {
					t.Fatalf("sample %d differs (-first +resumed):\n%s", i, diff)
				}
				if ia, ib := first.Island(Node{}), resumed.Island(Node{}); ia != ib {
					t.Fatalf("Island(Node{}) %d: first %d, resumed %d", i, ia, ib)
				}
			}
		})
	}
}

func TestAddTwiceIsIgnored(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			once, twice := mustNew(t, name, Options{}), mustNew(t, name, Options{})
			for _, n := range []Node{{ID: 1, Score: 1, Valid: true}, {ID: 2, Parents: []int64{1}, Score: 2, Valid: true}} {
				once.Add(n)
				twice.Add(n)
				twice.Add(n)
			}
			rngA, rngB := newRNG(3), newRNG(3)
			for i := range 20 {
				if diff := cmp.Diff(once.Sample(rngA, 5), twice.Sample(rngB, 5)); diff != "" {
					t.Fatalf("sample %d differs (-once +twice):\n%s", i, diff)
				}
			}
		})
	}
}

// TestInvalidNeverReturned draws many samples from a population where the
// invalid nodes score best.
func TestInvalidNeverReturned(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			s := mustNew(t, name, Options{Islands: 2})
			for id := int64(1); id <= 40; id++ {
				valid := id%2 == 0
				score := float64(id)
				if !valid {
					score += 1000
				}
				s.Add(Node{ID: id, Score: score, Valid: valid, Island: int(id % 3), Features: []float64{float64(id % 4)}})
			}
			rng := newRNG(5)
			for range 2000 {
				for _, n := range s.Sample(rng, 4) {
					if !n.Valid {
						t.Fatalf("Sample() returned invalid node %d", n.ID)
					}
				}
			}
		})
	}
}
