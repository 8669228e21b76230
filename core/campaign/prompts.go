package campaign

import "github.com/hashicorp/hcl/v2"

// Prompts is the prompts block: the researcher's system prompt is drawn from an archive of variants.
type Prompts struct {
	Enabled   bool
	DeclRange hcl.Range // zero when the file has no such block
}

// decodePrompts decodes the prompts block; block is nil when the file has none.
func (d *decoder) decodePrompts(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	cfg.Prompts = Prompts{Enabled: true, DeclRange: block.DefRange}
}
