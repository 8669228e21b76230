package sampling

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIslandRoundRobinForRoots(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 3})
	var got []int
	for range 4 {
		got = append(got, s.Island(Node{}))
	}
	if diff := cmp.Diff([]int{0, 1, 2, 0}, got); diff != "" {
		t.Fatalf("root islands (-want +got):\n%s", diff)
	}
	for i, isl := range got {
		s.Add(Node{ID: int64(i + 1), Valid: true, Island: isl})
	}
	// The four roots are stored: the next root goes on with island 4 mod 3.
	if got := s.Island(Node{}); got != 1 {
		t.Errorf("after four roots: Island(Node{}) = %d, want 1", got)
	}
	resumed := mustNew(t, "island", Options{Islands: 3})
	for i, isl := range []int{0, 1, 2, 0} {
		resumed.Add(Node{ID: int64(i + 1), Valid: true, Island: isl})
	}
	if got := resumed.Island(Node{}); got != 1 {
		t.Errorf("resumed: Island(Node{}) = %d, want 1", got)
	}
}

func TestIslandOfChild(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 3})
	tests := []struct {
		name   string
		parent Node
		want   int
	}{
		{name: "own island", parent: Node{ID: 5, Island: 2}, want: 2},
		{name: "beyond K wraps", parent: Node{ID: 5, Island: 4}, want: 1},
		{name: "negative wraps", parent: Node{ID: 5, Island: -1}, want: 2},
		{name: "node with ID 0 but a score is a parent", parent: Node{Score: 1, Island: 2}, want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Island(tt.parent); got != tt.want {
				t.Errorf("Island() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestIslandSampleVisitsIslandsInTurn(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 3, MigrationInterval: 1000})
	for id := int64(1); id <= 9; id++ {
		s.Add(Node{ID: id, Score: float64(id), Valid: true, Island: int(id % 3)})
	}
	var order []int
	for range 6 {
		ctx := s.Sample(newRNG(1), 10)
		isl := ctx[0].Island
		order = append(order, isl)
		if len(ctx) != 3 {
			t.Fatalf("island %d: %d nodes, want its 3", isl, len(ctx))
		}
		for _, n := range ctx {
			if n.Island != isl || int(n.ID%3) != isl {
				t.Fatalf("context %+v mixes islands", ctx)
			}
		}
	}
	if diff := cmp.Diff([]int{0, 1, 2, 0, 1, 2}, order); diff != "" {
		t.Errorf("island order (-want +got):\n%s", diff)
	}
}

func TestIslandSampleSkipsEmptyIslands(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 4})
	s.Add(Node{ID: 1, Score: 1, Valid: true, Island: 2})
	s.Add(Node{ID: 2, Score: 1, Valid: false, Island: 3})
	for range 10 {
		if ctx := s.Sample(newRNG(1), 3); len(ctx) != 1 || ctx[0].ID != 1 || ctx[0].Island != 2 {
			t.Fatalf("Sample() = %+v, want node 1 from island 2", ctx)
		}
	}
}

// TestIslandChildrenStayHome runs a campaign without migration and checks
// that every node lives on the island of the root it descends from.
func TestIslandChildrenStayHome(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 4, MigrationInterval: 100000})
	nodes := simulate(s, newRNG(3), 4, 400, 3)
	byID := map[int64]Node{}
	islandsUsed := map[int]bool{}
	for _, n := range nodes {
		byID[n.ID] = n
		root := n
		for len(root.Parents) > 0 {
			root = byID[root.Parents[0]]
		}
		if n.Island != root.Island {
			t.Fatalf("node %d on island %d descends from root %d on island %d", n.ID, n.Island, root.ID, root.Island)
		}
		islandsUsed[n.Island] = true
	}
	if len(islandsUsed) != 4 {
		t.Errorf("islands used %v, want all 4", islandsUsed)
	}
}

// islandContents samples until every island has been drawn once and
// returns the IDs each holds.
func islandContents(t *testing.T, s Sampler, k int) map[int][]int64 {
	t.Helper()
	out := map[int][]int64{}
	for range k {
		ctx := s.Sample(newRNG(1), 1000)
		got := ids(ctx)
		slices.Sort(got)
		out[ctx[0].Island] = got
	}
	if len(out) != k {
		t.Fatalf("%d samples reached islands %v, want %d", k, out, k)
	}
	return out
}

func TestIslandMigrationRing(t *testing.T) {
	tests := []struct {
		name     string
		islands  int
		interval int
		rate     float64
		nodes    int // node i (from 1) is on island i mod K and scores i
		want     map[int][]int64
	}{
		{
			// Islands hold {3,6,9}, {1,4,7,10}, {2,5,8}. At the tenth node
			// the best of each (rate 0.2 rounds down to 0, so 1) moves on.
			name: "at least one moves", islands: 3, interval: 10, rate: 0.2, nodes: 10,
			want: map[int][]int64{
				0: {3, 6, 8, 9},
				1: {1, 4, 7, 9, 10},
				2: {2, 5, 8, 10},
			},
		},
		{
			// Ten nodes per island; 0.2 of ten is two.
			name: "rate share moves", islands: 2, interval: 20, rate: 0.2, nodes: 20,
			want: map[int][]int64{
				0: {2, 4, 6, 8, 10, 12, 14, 16, 17, 18, 19, 20},
				1: {1, 3, 5, 7, 9, 11, 13, 15, 17, 18, 19, 20},
			},
		},
		{
			name: "before the interval nothing moves", islands: 2, interval: 21, rate: 0.5, nodes: 20,
			want: map[int][]int64{
				0: {2, 4, 6, 8, 10, 12, 14, 16, 18, 20},
				1: {1, 3, 5, 7, 9, 11, 13, 15, 17, 19},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, "island", Options{Islands: tt.islands, MigrationInterval: tt.interval, MigrationRate: tt.rate})
			for id := int64(1); id <= int64(tt.nodes); id++ {
				s.Add(Node{ID: id, Score: float64(id), Valid: true, Island: int(id) % tt.islands})
			}
			if diff := cmp.Diff(tt.want, islandContents(t, s, tt.islands)); diff != "" {
				t.Errorf("island contents (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIslandMigrantChildStays checks that a migrant drawn on its new island
// is returned with that island, so its child stays there.
func TestIslandMigrantChildStays(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 2, MigrationInterval: 2})
	s.Add(Node{ID: 1, Score: 10, Valid: true, Island: 0})
	s.Add(Node{ID: 2, Score: 1, Valid: true, Island: 1}) // migration: 1 -> island 1
	s.Add(Node{ID: 3, Parents: []int64{2}, Valid: false, Island: 1})
	// Island 1 now has node 1 (unvisited, best) and node 2 (visited).
	for range 2 {
		ctx := s.Sample(newRNG(1), 1)
		if ctx[0].ID == 1 && ctx[0].Island == 1 {
			if got := s.Island(ctx[0]); got != 1 {
				t.Fatalf("Island(migrant drawn on island 1) = %d, want 1", got)
			}
			return
		}
	}
	t.Fatal("migrant node 1 was never drawn on island 1")
}

func TestIslandCapacity(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 1})
	for id := int64(1); id <= IslandCapacity+200; id++ {
		s.Add(Node{ID: id, Score: float64(id), Valid: true})
	}
	got := s.Sample(newRNG(1), 5000)
	if len(got) != IslandCapacity {
		t.Fatalf("island holds %d nodes, want %d", len(got), IslandCapacity)
	}
	for _, n := range got {
		if n.ID <= 200 {
			t.Fatalf("node %d, among the 200 worst, is still on the island", n.ID)
		}
	}
}
