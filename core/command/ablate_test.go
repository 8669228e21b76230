package command

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

func TestAblateComparesVariantsWithTheSameSeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	file := filepath.Join(testdataDir(t), "ablate.hcl")
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "ablate", "-off", "repair,cascade", "-seeds", "1,2", "-steps", "3", "-points", "3", "-json", file)
	if code != exitOK {
		t.Fatalf("ablate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var got struct {
		Primary  string       `json:"primary_metric"`
		Variants []string     `json:"variants"`
		Steps    []int        `json:"steps"`
		Best     [][]*float64 `json:"best"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("ablate -json: %v\n%s", err, stdout)
	}
	if strings.Join(got.Variants, ",") != "full,repair,cascade" || len(got.Steps) != 3 || got.Steps[2] != 3 || len(got.Best) != 3 {
		t.Fatalf("table = %+v", got)
	}
	for v, row := range got.Best {
		for i, x := range row {
			if x == nil {
				t.Fatalf("variant %s has no best score at step %d", got.Variants[v], got.Steps[i])
			}
		}
		// Each cell is the mean over the seeds of the best primary metric
		// the run's stored nodes reached by that step, read here from the
		// nodes' metrics.
		want := storedCurve(t, got.Variants[v], []int64{1, 2}, got.Primary, got.Steps)
		for i := range row {
			if math.Abs(*row[i]-want[i]) > 1e-9 {
				t.Fatalf("variant %s, step %d: table says %v, the stored nodes %v", got.Variants[v], got.Steps[i], *row[i], want[i])
			}
		}
	}
	// The search moved: the full campaign's best at the last step is not
	// the initial program's score.
	if initial := storedCurve(t, "full", []int64{1, 2}, got.Primary, []int{0}); *got.Best[0][2] <= initial[0] {
		t.Fatalf("full campaign: best %v after %d steps, initial program %v", *got.Best[0][2], got.Steps[2], initial[0])
	}
	// The offline researcher is never repaired, so with the same seeds the
	// variant without repairs is the full campaign, step for step.
	for i := range got.Steps {
		if *got.Best[0][i] != *got.Best[1][i] {
			t.Fatalf("step %d: full %v, no repair %v: same seeds should give the same run", got.Steps[i], *got.Best[0][i], *got.Best[1][i])
		}
	}
	if _, _, code := run(t, "ablate", "-off", "vibes", file); code != exitUsage {
		t.Fatalf("unknown piece: exit %d, want %d", code, exitUsage)
	}
	stdout, _, code = run(t, "ablate", "-off", "repair", "-seeds", "1", "-steps", "3", "-points", "3", file)
	if code != exitOK || !strings.Contains(stdout, "no repair") || !strings.Contains(stdout, "usd") {
		t.Fatalf("ablate table: exit %d\n%s", code, stdout)
	}
}

// storedCurve reads the ablation runs of one variant from their stores and
// returns, for each step, the best valid value of the primary metric among
// the nodes of steps 0..step, averaged over the seeds (circle packing
// maximises).
func storedCurve(t *testing.T, variant string, seeds []int64, primary string, steps []int) []float64 {
	t.Helper()
	out := make([]float64, len(steps))
	for _, seed := range seeds {
		dir := filepath.Join(campaignDir("ablate-ablate"), fmt.Sprintf("%s-seed%d", variant, seed))
		st, err := store.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := st.Nodes(context.Background())
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range steps {
			best := math.Inf(-1)
			for _, n := range nodes {
				if v, ok := n.Metrics[primary]; ok && n.Valid && n.Step <= int64(k) {
					best = max(best, v)
				}
			}
			if math.IsInf(best, -1) {
				t.Fatalf("%s: no valid node with metric %q by step %d", dir, primary, k)
			}
			out[i] += best / float64(len(seeds))
		}
	}
	return out
}
