package command

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/views"
)

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
	fs.StringVar(&off, "off", "", "comma-separated pieces to turn off one at a time: "+strings.Join(backend.AblationPieces, ", "))
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
	var err error
	if a.off, a.seeds, err = parseAblation(off, seeds); err != nil {
		views.View{W: s.Stderr}.Error(err)
		return exitUsage
	}
	if err := ablate(ctx, pos[0], a, s); err != nil {
		views.View{W: s.Stderr}.Error(err)
		return exitError
	}
	return exitOK
}

// parseAblation reads -off and -seeds.
func parseAblation(off, seeds string) (pieces []string, seedList []int64, err error) {
	for _, p := range strings.Split(off, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(backend.AblationPieces, p) {
			return nil, nil, fmt.Errorf("unknown piece %q; known: %s", p, strings.Join(backend.AblationPieces, ", "))
		}
		pieces = append(pieces, p)
	}
	for _, f := range strings.Split(seeds, ",") {
		seed, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("seed %q is not an integer", f)
		}
		seedList = append(seedList, seed)
	}
	return pieces, seedList, nil
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
	out := views.Ablation{Seeds: a.seeds, Variants: append([]string{"full"}, a.off...), Steps: ablationSteps(steps, a.points)}
	for _, variant := range out.Variants {
		row, spend, err := ablateVariant(ctx, cfg, file, variant, a, &out, s)
		if err != nil {
			return err
		}
		out.Best = append(out.Best, row)
		out.Spend = append(out.Spend, spend)
	}
	return (views.View{W: s.Stdout, JSON: a.json}).Ablation(out)
}

// ablationSteps are the steps at which the table shows the best score:
// points of them, evenly spread up to steps, without repeats.
func ablationSteps(steps, points int) []int {
	var out []int
	for i := 1; i <= max(points, 1); i++ {
		if st := int(math.Ceil(float64(steps) * float64(i) / float64(max(points, 1)))); len(out) == 0 || out[len(out)-1] != st {
			out = append(out, st)
		}
	}
	return out
}

// ablateVariant runs one variant with every seed and returns its row of
// the table (the mean best score at each of out.Steps) and its spend. It
// sets out.Primary.
func ablateVariant(ctx context.Context, cfg *campaign.Config, file, variant string, a ablateArgs, out *views.Ablation, s Streams) ([]float64, float64, error) {
	quiet := Streams{Stdin: s.Stdin, Stdout: io.Discard, Stderr: io.Discard}
	sums := make([]float64, len(out.Steps))
	counts := make([]int, len(out.Steps))
	spend := 0.0
	for _, seed := range a.seeds {
		run := *cfg
		run.Campaign.Seed = seed
		dir := filepath.Join(a.state, fmt.Sprintf("%s-seed%d", variant, seed))
		(views.View{W: s.Stderr}).AblationRun(variant, seed, dir)
		off := map[string]bool{}
		if variant != "full" {
			off[variant] = true
		}
		if err := apply(ctx, &run, applyArgs{file: file, state: dir, steps: cfg.Campaign.Budget.Steps, off: off}, quiet); err != nil {
			return nil, 0, fmt.Errorf("%s, seed %d: %w", variant, seed, err)
		}
		curve, primary, usd, err := bestCurve(ctx, dir, out.Steps)
		if err != nil {
			return nil, 0, err
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
	return row, spend, nil
}
