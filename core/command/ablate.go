package command

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/engine"
)

// ablatePieces are what `asi ablate --off` can turn off, each against the
// full campaign.
var ablatePieces = []string{"analyzer", "cognition", "repair", "cascade", "judge", "novelty", "manager", "bandit"}

// turnOff removes the named pieces from an engine configuration.
func turnOff(ec *engine.Config, off map[string]bool) {
	for piece := range off {
		switch piece {
		case "cognition":
			ec.Cognition = nil
		case "repair":
			ec.MaxRepairs = 0
		case "cascade":
			ec.NoCascade, ec.Thresholds = true, nil
		case "judge":
			ec.Judge = nil
		case "novelty":
			ec.Novelty = nil
		case "manager":
			ec.Manager = nil
		case "bandit":
			if len(ec.Researchers) > 0 {
				ec.Researcher, ec.Researchers = ec.Researchers[0].Provider, nil
			}
		}
	}
}

type ablateArgs struct {
	state  string
	off    []string
	seeds  []int64
	steps  int
	points int
	json   bool
}

func runAblate(ctx context.Context, args []string, s Streams) int {
	var a ablateArgs
	var off, seeds string
	fs := newFlags("ablate", "[flags] FILE", s)
	fs.StringVar(&off, "off", "", "comma-separated pieces to turn off one at a time: "+strings.Join(ablatePieces, ", "))
	fs.StringVar(&seeds, "seeds", "1", "comma-separated campaign seeds; each variant runs every seed")
	fs.IntVar(&a.steps, "steps", 0, "step budget of every run (default: the campaign's)")
	fs.IntVar(&a.points, "points", 10, "rows of the table: steps at which the best score is shown")
	fs.StringVar(&a.state, "state", "", "directory of the runs (default .asi/<campaign name>-ablate); runs found there resume")
	fs.BoolVar(&a.json, "json", false, "print the table as JSON")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 || off == "" {
		fs.Usage()
		return exitUsage
	}
	for _, p := range strings.Split(off, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(ablatePieces, p) {
			fmt.Fprintf(s.Stderr, "Error: unknown piece %q; known: %s\n", p, strings.Join(ablatePieces, ", "))
			return exitUsage
		}
		a.off = append(a.off, p)
	}
	for _, f := range strings.Split(seeds, ",") {
		seed, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			fmt.Fprintf(s.Stderr, "Error: seed %q is not an integer\n", f)
			return exitUsage
		}
		a.seeds = append(a.seeds, seed)
	}
	if err := ablate(ctx, pos[0], a, s); err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return exitOK
}

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

// ablate runs the full campaign and each variant with one piece off, with
// the same seeds, and prints the best score against the step.
func ablate(ctx context.Context, file string, a ablateArgs, s Streams) error {
	cfg, ok := loadCampaign(file, s.Stderr)
	if !ok {
		return fmt.Errorf("%s: the campaign file has errors", file)
	}
	if a.state == "" {
		a.state = campaignDir(cfg.Campaign.Name + "-ablate")
	}
	if a.steps > 0 {
		cfg.Campaign.Budget.Steps = a.steps
	}
	steps := cfg.Campaign.Budget.Steps
	if steps <= 0 {
		return fmt.Errorf("an ablation needs a step budget: set budget { steps = N } or -steps N")
	}
	variants := append([]string{"full"}, a.off...)
	out := Ablation{Seeds: a.seeds, Variants: variants}
	for i := 1; i <= max(a.points, 1); i++ {
		if st := int(math.Ceil(float64(steps) * float64(i) / float64(max(a.points, 1)))); len(out.Steps) == 0 || out.Steps[len(out.Steps)-1] != st {
			out.Steps = append(out.Steps, st)
		}
	}
	quiet := Streams{Stdin: s.Stdin, Stdout: io.Discard, Stderr: io.Discard}
	for _, variant := range variants {
		sums := make([]float64, len(out.Steps))
		counts := make([]int, len(out.Steps))
		spend := 0.0
		for _, seed := range a.seeds {
			run := *cfg
			run.Campaign.Seed = seed
			dir := filepath.Join(a.state, fmt.Sprintf("%s-seed%d", variant, seed))
			fmt.Fprintf(s.Stderr, "ablate: %s, seed %d (%s)\n", variant, seed, dir)
			off := map[string]bool{}
			if variant != "full" {
				off[variant] = true
				if variant == "analyzer" {
					run.Roles.Analyzer = "" // the offline analyzer: metric deltas, no model
				}
			}
			if err := apply(ctx, &run, applyArgs{file: file, state: dir, steps: steps, off: off}, quiet); err != nil {
				return fmt.Errorf("%s, seed %d: %w", variant, seed, err)
			}
			curve, primary, usd, err := bestCurve(ctx, dir, out.Steps)
			if err != nil {
				return err
			}
			out.Primary = primary
			spend += usd
			for i, v := range curve {
				if !math.IsNaN(v) {
					sums[i] += v
					counts[i]++
				}
			}
		}
		row := make([]float64, len(out.Steps))
		for i := range row {
			row[i] = math.NaN()
			if counts[i] > 0 {
				row[i] = sums[i] / float64(counts[i])
			}
		}
		out.Best = append(out.Best, row)
		out.Spend = append(out.Spend, spend)
	}
	if a.json {
		return writeAblationJSON(s.Stdout, out)
	}
	writeAblation(s.Stdout, out)
	return nil
}

func writeAblation(w io.Writer, a Ablation) {
	fmt.Fprintf(w, "Best %s by step (mean over seeds %v)\n\n", a.Primary, a.Seeds)
	fmt.Fprintf(w, "%6s", "step")
	for _, v := range a.Variants {
		name := v
		if v != "full" {
			name = "no " + v
		}
		fmt.Fprintf(w, "  %14s", name)
	}
	fmt.Fprintln(w)
	for i, st := range a.Steps {
		fmt.Fprintf(w, "%6d", st)
		for v := range a.Variants {
			if x := a.Best[v][i]; math.IsNaN(x) {
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
}

func writeAblationJSON(w io.Writer, a Ablation) error {
	// JSON has no NaN: a step with no valid node yet is null.
	best := make([][]*float64, len(a.Best))
	for v, row := range a.Best {
		best[v] = make([]*float64, len(row))
		for i, x := range row {
			if !math.IsNaN(x) {
				best[v][i] = &x
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Ablation
		Best [][]*float64 `json:"best"`
	}{a, best})
}
