package campaign

import "github.com/hashicorp/hcl/v2"

// Prompts is the prompts block: the researcher's system prompt is drawn
// from an archive of variants, chosen each step by a UCB bandit on the
// credit of the nodes each variant produced, and every Every steps a new
// variant is proposed from the best and worst nodes' analyses.
type Prompts struct {
	Enabled     bool
	Model       string    // model label that writes new variants; "" uses the offline rules
	Every       int       // steps between proposals; default 10
	Archive     int       // variants kept in use at once, at least 2; default 8
	Exploration float64   // the UCB constant; default 1.414
	DeclRange   hcl.Range // zero when the file has no such block
}

const (
	defaultPromptsEvery       = 10
	defaultPromptsArchive     = 8
	defaultPromptsExploration = 1.414
)

var promptsSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "model"}, {Name: "every"}, {Name: "archive"}, {Name: "exploration"},
}}

// decodePrompts decodes the prompts block; block is nil when the file has
// none. Models are decoded by then.
func (d *decoder) decodePrompts(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	p := Prompts{
		Enabled: true, Every: defaultPromptsEvery, Archive: defaultPromptsArchive,
		Exploration: defaultPromptsExploration, DeclRange: block.DefRange,
	}
	content, diags := block.Body.Content(promptsSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes
	if attr, ok := attrs["model"]; ok {
		p.Model = d.modelRef(attr, cfg.Models)
	}
	d.count(attrs, "every", 1, &p.Every)
	// One slot holds the built-in framing; a second is needed for any
	// proposal to be tried against it.
	d.count(attrs, "archive", 2, &p.Archive)
	if c, attr, ok := d.number(attrs, "exploration"); ok {
		if c < 0 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"exploration\" is the UCB constant and must not be negative; 0 always picks the best mean credit.")
		} else {
			p.Exploration = c
		}
	}
	cfg.Prompts = p
}
