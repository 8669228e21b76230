package sampling

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSpreadRanks(t *testing.T) {
	tests := []struct {
		name string
		n, m int
		want []int
	}{
		{name: "one is the best", n: 10, m: 1, want: []int{0}},
		{name: "ends and middle", n: 9, m: 3, want: []int{0, 4, 8}},
		{name: "all", n: 4, m: 4, want: []int{0, 1, 2, 3}},
		{name: "rounded", n: 10, m: 4, want: []int{0, 3, 6, 9}},
		{name: "empty archive", n: 0, m: 0, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, spreadRanks(tt.n, tt.m)); diff != "" {
				t.Errorf("spreadRanks(%d, %d) (-want +got):\n%s", tt.n, tt.m, diff)
			}
		})
	}
}

// TestIslandReseedSpreadsOverScores reseeds the worst of three islands
// with nodes spread over the whole archive's score range.
func TestIslandReseedSpreadsOverScores(t *testing.T) {
	s := mustNew(t, "island", Options{Islands: 3, MigrationInterval: 1000})
	// Node i scores i. Island 2 holds the low scores 1..3, islands 0 and 1
	// the rest.
	for id := int64(1); id <= 12; id++ {
		isl := int(id % 2)
		if id <= 3 {
			isl = 2
		}
		s.Add(Node{ID: id, Score: float64(id), Valid: true, Island: isl})
	}
	island, members := s.(Reseeder).Reseed()
	// Twelve nodes over three islands: four, at ranks 0, 4, 7 and 11.
	if island != 2 {
		t.Errorf("reseeded island %d, want the worst, 2", island)
	}
	want := []int64{12, 8, 5, 1}
	if diff := cmp.Diff(want, members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if got := islandContents(t, s, 3)[2]; !cmp.Equal(got, []int64{1, 5, 8, 12}) {
		t.Errorf("island 2 samples %v, want the reseeded nodes", got)
	}
}

func TestWorstIsland(t *testing.T) {
	e := func(score float64) *entry { return &entry{node: Node{Score: score}} }
	tests := []struct {
		name  string
		bests []*entry
		want  int
	}{
		{name: "lowest best", bests: []*entry{e(3), e(1), e(2)}, want: 1},
		{name: "empty first", bests: []*entry{e(3), e(1), nil}, want: 2},
		{name: "tie to the lower index", bests: []*entry{e(3), e(1), e(1)}, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := worstIsland(tt.bests); got != tt.want {
				t.Errorf("worstIsland() = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestIslandGridsReseedSpreadsOverFeatures reseeds the worst island's grid
// with one elite per niche of the whole archive.
func TestIslandGridsReseedSpreadsOverFeatures(t *testing.T) {
	s := mustNew(t, "island_map_elites", Options{Islands: 2, GridBins: 3, MigrationInterval: 1000})
	for _, n := range []Node{
		// Island 0 explores x in [0, 10]; island 1 is stuck near x = 0.
		gridNode(1, 0, 0, 5), gridNode(2, 0, 10, 4), gridNode(3, 0, 9, 6), gridNode(6, 0, 5, 0.5),
		gridNode(4, 1, 0, 1), gridNode(5, 1, 0.5, 2),
	} {
		s.Add(n)
	}
	island, members := s.(Reseeder).Reseed()
	if island != 1 {
		t.Errorf("reseeded island %d, want 1", island)
	}
	// The archive spans [0, 10] in three bins: the first holds 1, 4, 5
	// (elite 1), the middle one 6 alone, the last 2 and 3 (elite 3). Node
	// 6, the worst of all, is the only one of its niche.
	if diff := cmp.Diff([]int64{3, 1, 6}, members); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[int][]int64{0: {1, 3, 6}, 1: {1, 3, 6}}, islandContents(t, s, 2)); diff != "" {
		t.Errorf("island elites (-want +got):\n%s", diff)
	}
}
