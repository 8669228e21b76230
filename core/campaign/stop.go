package campaign

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// Stop is the stop block: what happens when the best primary score has not
// improved by more than MinDelta for Patience stored steps in a row. While
// Responses are left, Response runs and the count starts again; then the
// campaign stops.
type Stop struct {
	Enabled   bool
	Patience  int     // stored steps without improvement; required, at least 1
	MinDelta  float64 // an improvement must exceed this; default 0
	Response  string  // one of StallResponses; default "none"
	Responses int     // times Response runs before the campaign stops; default 1
	DeclRange hcl.Range
}

// StallResponses are the values stop's response may take.
var StallResponses = []string{"none", "reseed", "temperature", "switch_model"}

const defaultStallResponses = 1

// islandSamplers are the samplers that can reseed an island.
var islandSamplers = []string{"island", "island_map_elites"}

var stopSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "patience", Required: true}, {Name: "min_delta"}, {Name: "response"}, {Name: "responses"},
}}

// decodeStop decodes the stop block; block is nil when the file has none.
// The database and roles blocks are decoded by then.
func (d *decoder) decodeStop(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	s := Stop{Enabled: true, Response: "none", Responses: defaultStallResponses, DeclRange: block.DefRange}
	content, diags := block.Body.Content(stopSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes
	d.count(attrs, "patience", 1, &s.Patience)
	if delta, attr, ok := d.number(attrs, "min_delta"); ok {
		if delta < 0 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"min_delta\" is how much the best score must improve by to count; it must not be negative.")
		} else {
			s.MinDelta = delta
		}
	}
	d.count(attrs, "responses", 1, &s.Responses)
	if r, attr, ok := d.oneOf(attrs, "response", "Unknown stall response", StallResponses); ok {
		s.Response = r
		switch {
		case r == "reseed" && !slices.Contains(islandSamplers, cfg.Database.Sampler):
			d.errorf(attr.Expr.Range(), "Reseed needs islands",
				"\"reseed\" re-populates an island, and the database sampler %q has none: set database's sampler to %s, or choose another response.",
				cfg.Database.Sampler, quoteList(islandSamplers))
		case r == "switch_model" && len(cfg.Roles.Researchers) < 2:
			d.errorf(attr.Expr.Range(), "Switch model needs several researchers",
				"\"switch_model\" hands the next steps to another researcher model: list several in roles, such as researcher = [model.a, model.b].")
		}
	}
	cfg.Stop = s
}
