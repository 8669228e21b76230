package sampling

import (
	"fmt"
	"math"
	"strings"
)

// Names lists the samplers New knows, in the order the documentation gives
// them.
var Names = []string{"ucb1", "greedy", "random", "island", "map_elites", "pareto", "island_map_elites"}

// IslandCapacity is how many nodes, best first, one island keeps eligible
// for sampling, its own and migrants together.
const IslandCapacity = 1000

// Options tune the samplers; each sampler reads only the fields it needs. A
// zero field takes its value from DefaultOptions, so Options{} is valid.
type Options struct {
	// Islands is the number of islands of the island sampler. Default 4.
	Islands int
	// MigrationInterval is the number of added nodes between two island
	// migrations. Default 50.
	MigrationInterval int
	// GridBins is the number of MAP-Elites bins per feature dimension.
	// Default 10.
	GridBins int
	// MigrationRate is the fraction of each island, best first, copied to
	// the next island at a migration; at least one node always moves. In
	// (0, 1]. Default 0.1.
	MigrationRate float64
	// Exploration is the UCB1 constant c of the ucb1 and island samplers,
	// weighing sqrt(ln N / n_i) against a score normalised to [0, 1].
	// Default sqrt(2), the classic UCB1 value.
	Exploration float64
	// FeatureDims is the number of MAP-Elites feature dimensions. Default 0
	// means the length of the Features of the first valid node that has
	// any.
	FeatureDims int
}

// DefaultOptions returns the values a zero Options field stands for.
func DefaultOptions() Options {
	return Options{
		Islands:           4,
		MigrationInterval: 50,
		GridBins:          10,
		MigrationRate:     0.1,
		Exploration:       math.Sqrt2,
	}
}

// withDefaults fills zero fields and rejects values out of range.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{
		{"islands", &o.Islands, d.Islands},
		{"migration interval", &o.MigrationInterval, d.MigrationInterval},
		{"grid bins", &o.GridBins, d.GridBins},
		{"feature dims", &o.FeatureDims, d.FeatureDims},
	} {
		if *f.v < 0 {
			return o, fmt.Errorf("%s %d: %w: must not be negative", f.name, *f.v, ErrBadOption)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if o.MigrationRate == 0 {
		o.MigrationRate = d.MigrationRate
	}
	if !(o.MigrationRate > 0 && o.MigrationRate <= 1) {
		return o, fmt.Errorf("migration rate %v: %w: must be in (0, 1]", o.MigrationRate, ErrBadOption)
	}
	if o.Exploration == 0 {
		o.Exploration = d.Exploration
	}
	if !(o.Exploration > 0) || math.IsInf(o.Exploration, 1) {
		return o, fmt.Errorf("exploration %v: %w: must be a positive number", o.Exploration, ErrBadOption)
	}
	return o, nil
}

// New returns the sampler called name, tuned by opt. An unknown name is an
// error wrapping ErrUnknownSampler that lists the valid names; an option out
// of range is an error wrapping ErrBadOption.
func New(name string, opt Options) (Sampler, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("sampler %q: %w", name, err)
	}
	switch name {
	case "ucb1":
		return newUCB1(opt), nil
	case "greedy":
		return newGreedy(), nil
	case "random":
		return newRandom(), nil
	case "island":
		return newIsland(opt), nil
	case "map_elites":
		return newMapElites(opt), nil
	case "island_map_elites":
		return newIslandGrids(opt), nil
	case "pareto":
		return newPareto(), nil
	}
	return nil, fmt.Errorf("sampler %q: %w; valid names: %s", name, ErrUnknownSampler, strings.Join(Names, ", "))
}
