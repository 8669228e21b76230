package campaign

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Feedback is the feedback block: the parents' evaluator feedback, the tail
// of their stderr and any other artifacts named, shown under each context
// node of the researcher prompt. It is on when the file has no such block.
type Feedback struct {
	Enabled bool // default true
	// MaxChars is the budget of characters per context node, shared by
	// its feedback, stderr and artifacts; default 2000.
	MaxChars  int
	Stderr    bool      // show the tail of the "stderr" artifact; default true
	Artifacts []string  // more artifacts to show, by name; default none
	DeclRange hcl.Range // zero when the file has no such block
}

const defaultFeedbackMaxChars = 2000

var feedbackSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "enabled"}, {Name: "max_chars"}, {Name: "stderr"}, {Name: "artifacts"},
}}

// decodeFeedback decodes the feedback block; block is nil when the file
// has none, which means the defaults.
func (d *decoder) decodeFeedback(block *hcl.Block, cfg *Config) {
	if block == nil {
		return // defaultConfig holds the defaults
	}
	f := cfg.Feedback
	f.DeclRange = block.DefRange
	content, diags := block.Body.Content(feedbackSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes
	if v, _, ok := d.value(attrs, "enabled", cty.Bool); ok {
		f.Enabled = v.True()
	}
	// Fewer than 100 characters would cut every line of a stack trace.
	d.count(attrs, "max_chars", 100, &f.MaxChars)
	if v, _, ok := d.value(attrs, "stderr", cty.Bool); ok {
		f.Stderr = v.True()
	}
	if names, attr, ok := d.strings(attrs, "artifacts"); ok {
		for i, name := range names {
			switch {
			case name == "":
				d.errorf(attr.Expr.Range(), "Invalid artifact name", "\"artifacts\" names artifacts a task stores, such as \"stdout\"; an empty name is none.")
			case name == "stderr":
				d.errorf(attr.Expr.Range(), "Invalid artifact name", "stderr is shown by \"stderr = true\"; leave it out of \"artifacts\".")
			case slices.Contains(names[:i], name):
				d.errorf(attr.Expr.Range(), "Duplicate artifact name", "%q is listed twice in \"artifacts\".", name)
			default:
				f.Artifacts = append(f.Artifacts, name)
			}
		}
	}
	cfg.Feedback = f
}
