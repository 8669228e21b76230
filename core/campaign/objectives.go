package campaign

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Objective is one objective block: a metric the campaign optimises beside
// the others, for a Pareto front. A campaign has none (the task's primary
// metric alone) or two and more.
type Objective struct {
	Metric    string // the block label: a metric the task reports
	Direction string // "maximize" or "minimize"; required
	// Reference is the metric's value at the hypervolume's reference
	// point; nil takes the initial program's value.
	Reference *float64
	// Weight is the objective's share in choosing one preferred point of
	// the front (`asi best`); at least 0, default 1.
	Weight      float64
	MetricRange hcl.Range // the label, for errors about the metric
	DeclRange   hcl.Range
}

const defaultObjectiveWeight = 1

// Directions are the values an objective's direction may take.
var Directions = []string{"maximize", "minimize"}

// SamplerPareto is the sampler that needs objective blocks.
const SamplerPareto = "pareto"

var objectiveSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "direction", Required: true}, {Name: "reference"}, {Name: "weight"},
}}

// decodeObjectives decodes the objective blocks; the database block is
// decoded by then.
func (d *decoder) decodeObjectives(blocks []*hcl.Block, cfg *Config) {
	for _, block := range blocks {
		o := Objective{Metric: block.Labels[0], Weight: defaultObjectiveWeight, MetricRange: block.LabelRanges[0], DeclRange: block.DefRange}
		if strings.TrimSpace(o.Metric) == "" {
			d.errorf(o.MetricRange, "Missing objective metric", "The label names a metric the task reports, such as objective \"score\" { ... }.")
		}
		if i := slices.IndexFunc(cfg.Objectives, func(p Objective) bool { return p.Metric == o.Metric }); i >= 0 {
			d.errorf(o.MetricRange, "Duplicate objective",
				"The metric %q already has an objective block at %s; each metric is one objective.", o.Metric, where(cfg.Objectives[i].DeclRange))
			continue
		}
		content, diags := block.Body.Content(objectiveSchema)
		d.diags = append(d.diags, diags...)
		attrs := content.Attributes
		if dir, _, ok := d.oneOf(attrs, "direction", "Unknown direction", Directions); ok {
			o.Direction = dir
		}
		if ref, _, ok := d.number(attrs, "reference"); ok {
			o.Reference = &ref
		}
		if w, attr, ok := d.number(attrs, "weight"); ok {
			if w < 0 {
				d.errorf(attr.Expr.Range(), "Value out of range", "\"weight\" must not be negative; 0 leaves the objective out of the preferred point.")
			} else {
				o.Weight = w
			}
		}
		cfg.Objectives = append(cfg.Objectives, o)
	}
	if len(cfg.Objectives) == 1 {
		d.errorf(cfg.Objectives[0].MetricRange, "Only one objective",
			"A Pareto front needs two objectives or more; with one, optimise it as the task's primary metric (the task block's primary setting, where the task has one) and remove this block.")
	}
	if cfg.Database.Sampler == SamplerPareto && len(blocks) == 0 {
		d.errorf(cfg.Database.SamplerRange, "Pareto sampler without objectives",
			"The pareto sampler ranks nodes by their objectives: add two objective blocks or more, such as objective \"score\" { direction = \"maximize\" }, or choose another sampler.")
	}
}

// ObjectiveMetrics returns the objectives' metric names in file order.
func (c *Config) ObjectiveMetrics() []string {
	names := make([]string, len(c.Objectives))
	for i, o := range c.Objectives {
		names[i] = o.Metric
	}
	return names
}
