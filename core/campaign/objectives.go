package campaign

import "github.com/hashicorp/hcl/v2"

// Objective is one objective block: a metric the campaign optimises beside
// (or instead of) the task's primary metric.
type Objective struct {
	Metric    string // the block label: a metric the task reports
	Direction string // "maximize" or "minimize"
	DeclRange hcl.Range
}

// decodeObjectives decodes the objective blocks.
func (d *decoder) decodeObjectives(blocks []*hcl.Block, cfg *Config) {
	for _, block := range blocks {
		cfg.Objectives = append(cfg.Objectives, Objective{Metric: block.Labels[0], DeclRange: block.DefRange})
	}
}
