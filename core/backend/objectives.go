package backend

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// objectives are the campaign's objective blocks as the store records
// them and the engine reads them; nil when the file has none.
func objectives(cfg *campaign.Config) []store.Objective {
	if len(cfg.Objectives) == 0 {
		return nil
	}
	out := make([]store.Objective, len(cfg.Objectives))
	for i, o := range cfg.Objectives {
		out[i] = store.Objective{Metric: o.Metric, Direction: o.Direction, Reference: o.Reference, Weight: o.Weight}
	}
	return out
}

// MissingObjectives returns the objective metrics absent from metrics, the
// metrics one evaluation reported, in file order: a node without them is on
// no Pareto front.
func MissingObjectives(cfg *campaign.Config, metrics map[string]float64) []string {
	var missing []string
	for _, o := range cfg.Objectives {
		if _, ok := metrics[o.Metric]; !ok {
			missing = append(missing, o.Metric)
		}
	}
	return missing
}

// checkObjectives warns about objective metrics the task does not list
// among the metrics it reports, when it lists any: nodes without them are
// on no front. A warning, not an error: a task may report more than it
// describes.
func checkObjectives(cfg *campaign.Config, d task.Description) hcl.Diagnostics {
	if len(d.Metrics) == 0 {
		return nil
	}
	known := []string{d.Primary}
	for _, m := range d.Metrics {
		if !slices.Contains(known, m.Name) {
			known = append(known, m.Name)
		}
	}
	var diags hcl.Diagnostics
	for _, o := range cfg.Objectives {
		if slices.Contains(known, o.Metric) {
			continue
		}
		rng := o.MetricRange
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Objective metric not reported by the task",
			Detail: fmt.Sprintf("Task %s describes the metrics %s, not %q; a node that does not report it is on no Pareto front.",
				cfg.Campaign.Task, strings.Join(known, ", "), o.Metric),
			Subject: &rng})
	}
	return diags
}
