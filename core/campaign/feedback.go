package campaign

import "github.com/hashicorp/hcl/v2"

// Feedback is the feedback block: the parents' evaluator feedback and stderr in the researcher prompt.
type Feedback struct {
	Enabled   bool
	DeclRange hcl.Range // zero when the file has no such block
}

// decodeFeedback decodes the feedback block; block is nil when the file has none.
func (d *decoder) decodeFeedback(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	cfg.Feedback = Feedback{Enabled: true, DeclRange: block.DefRange}
}
