package sampling

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gridNode is node id on island isl with one feature x, scoring score.
func gridNode(id int64, isl int, x, score float64) Node {
	return Node{ID: id, Score: score, Valid: true, Island: isl, Features: []float64{x}}
}

func TestIslandGridsVisitIslandsInTurn(t *testing.T) {
	s := mustNew(t, "island_map_elites", Options{Islands: 3, MigrationInterval: 1000})
	for id := int64(1); id <= 9; id++ {
		s.Add(gridNode(id, int(id%3), float64(id), float64(id)))
	}
	var order []int
	for range 6 {
		ctx := s.Sample(newRNG(1), 10)
		isl := ctx[0].Island
		order = append(order, isl)
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

func TestIslandGridsKeepOneElitePerCell(t *testing.T) {
	tests := []struct {
		name  string
		nodes []Node
		want  map[int][]int64
	}{
		{
			// Island 0 spans [0, 10] over two bins: 0 and 4 share bin 0,
			// where 4 scores more; 10 is alone. Island 1 spans [0, 1].
			name: "each island bins its own range",
			nodes: []Node{
				gridNode(1, 0, 0, 1), gridNode(2, 1, 0, 1), gridNode(3, 0, 4, 5),
				gridNode(4, 0, 10, 2), gridNode(5, 1, 1, 0.5),
			},
			want: map[int][]int64{0: {3, 4}, 1: {2, 5}},
		},
		{
			name: "a worse node does not replace the elite, an invalid one never",
			nodes: []Node{
				gridNode(1, 0, 0, 3), gridNode(2, 1, 0, 1), gridNode(3, 0, 1, 1),
				gridNode(4, 0, 0.1, 2), {ID: 5, Score: 9, Island: 0, Features: []float64{0}},
				gridNode(6, 1, 1, 1),
			},
			want: map[int][]int64{0: {1, 3}, 1: {2, 6}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, "island_map_elites", Options{Islands: 2, GridBins: 2, MigrationInterval: 1000})
			for _, n := range tt.nodes {
				s.Add(n)
			}
			if diff := cmp.Diff(tt.want, islandContents(t, s, 2)); diff != "" {
				t.Errorf("island elites (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIslandGridsMigrationCompetesForCells checks that migrants are the
// best elites of the island before, and that in their new grid they only
// take a cell from a worse elite.
func TestIslandGridsMigrationCompetesForCells(t *testing.T) {
	s := mustNew(t, "island_map_elites", Options{Islands: 2, GridBins: 2, MigrationInterval: 6, MigrationRate: 0.5})
	for _, n := range []Node{
		// Island 0: elites 1 (x=0, score 9) and 3 (x=10, score 1).
		gridNode(1, 0, 0, 9), gridNode(3, 0, 10, 1),
		// Island 1: elites 2 (x=0, score 5) and 4 (x=10, score 7).
		gridNode(2, 1, 0, 5), gridNode(4, 1, 10, 7),
		gridNode(5, 1, 1, 0), gridNode(6, 0, 1, 0), // sixth node: migration
	} {
		s.Add(n)
	}
	// Half of two elites is one: node 1 moves to island 1, where it beats
	// node 2 for bin 0; node 4 moves to island 0, where it beats node 3.
	want := map[int][]int64{0: {1, 4}, 1: {1, 4}}
	if diff := cmp.Diff(want, islandContents(t, s, 2)); diff != "" {
		t.Errorf("island elites after migration (-want +got):\n%s", diff)
	}
}

func TestIslandGridsMigrantChildStays(t *testing.T) {
	s := mustNew(t, "island_map_elites", Options{Islands: 2, MigrationInterval: 2})
	s.Add(gridNode(1, 0, 0, 10))
	s.Add(gridNode(2, 1, 5, 1)) // migration: 1 -> island 1, 2 -> island 0
	for range 2 {
		for _, n := range s.Sample(newRNG(3), 2) {
			if n.ID == 1 && n.Island == 1 {
				if got := s.Island(n); got != 1 {
					t.Fatalf("Island(migrant drawn on island 1) = %d, want 1", got)
				}
				return
			}
		}
	}
	t.Fatal("migrant node 1 was never drawn on island 1")
}

// TestIslandGridsRebuild checks that a sampler rebuilt from the nodes one
// produced holds the same elites on every island.
func TestIslandGridsRebuild(t *testing.T) {
	opt := Options{Islands: 3, GridBins: 4, MigrationInterval: 7}
	s := mustNew(t, "island_map_elites", opt)
	nodes := simulate(s, newRNG(5), 3, 200, 1)
	rebuilt := mustNew(t, "island_map_elites", opt)
	for _, n := range nodes {
		rebuilt.Add(n)
	}
	if diff := cmp.Diff(islandContents(t, s, 3), islandContents(t, rebuilt, 3)); diff != "" {
		t.Errorf("rebuilt island elites (-first +rebuilt):\n%s", diff)
	}
	used := map[int]bool{}
	for _, n := range nodes {
		used[n.Island] = true
	}
	if len(used) != 3 {
		t.Errorf("islands used %v, want all 3", used)
	}
}

func TestIslandGridsRootsRoundRobin(t *testing.T) {
	s := mustNew(t, "island_map_elites", Options{Islands: 3})
	var got []int
	for range 4 {
		got = append(got, s.Island(Node{}))
	}
	if !slices.Equal(got, []int{0, 1, 2, 0}) {
		t.Errorf("root islands = %v, want [0 1 2 0]", got)
	}
}
