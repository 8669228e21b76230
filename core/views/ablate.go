package views

import (
	"fmt"
	"math"
)

// Ablation is the outcome of `asi ablate`: for each variant, the best
// primary score after each of Steps, the mean over the seeds (NaN where no
// run has a valid node yet).
type Ablation struct {
	Primary  string      `json:"primary_metric"`
	Seeds    []int64     `json:"seeds"`
	Steps    []int       `json:"steps"`
	Variants []string    `json:"variants"`
	Best     [][]float64 `json:"best"` // [variant][step index]
	Spend    []float64   `json:"usd"`  // per variant, summed over seeds
}

// AblationRun announces one run of an ablation.
func (v View) AblationRun(variant string, seed int64, dir string) {
	fmt.Fprintf(v.W, "ablate: %s, seed %d (%s)\n", variant, seed, dir)
}

// Ablation writes the table of an ablation: a row per step, a column per
// variant, and what each variant spent.
func (v View) Ablation(a Ablation) error {
	if v.JSON {
		return v.ablationJSON(a)
	}
	w := v.W
	fmt.Fprintf(w, "Best %s by step (mean over seeds %v)\n\n", a.Primary, a.Seeds)
	fmt.Fprintf(w, "%6s", "step")
	for _, name := range a.Variants {
		if name != "full" {
			name = "no " + name
		}
		fmt.Fprintf(w, "  %14s", name)
	}
	fmt.Fprintln(w)
	for i, st := range a.Steps {
		fmt.Fprintf(w, "%6d", st)
		for col := range a.Variants {
			if x := a.Best[col][i]; math.IsNaN(x) {
				fmt.Fprintf(w, "  %14s", "-")
			} else {
				fmt.Fprintf(w, "  %14.6g", x)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%6s", "usd")
	for _, usd := range a.Spend {
		fmt.Fprintf(w, "  %14.4f", usd)
	}
	fmt.Fprintln(w)
	return nil
}

func (v View) ablationJSON(a Ablation) error {
	// JSON has no NaN: a step with no valid node yet is null.
	best := make([][]*float64, len(a.Best))
	for col, row := range a.Best {
		best[col] = make([]*float64, len(row))
		for i, x := range row {
			if !math.IsNaN(x) {
				best[col][i] = &x
			}
		}
	}
	return v.json(struct {
		Ablation
		Best [][]*float64 `json:"best"`
	}{a, best})
}
