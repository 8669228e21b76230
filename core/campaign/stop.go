package campaign

import "github.com/hashicorp/hcl/v2"

// Stop is the stop block: stopping a campaign that no longer improves.
type Stop struct {
	Enabled   bool
	DeclRange hcl.Range // zero when the file has no such block
}

// decodeStop decodes the stop block; block is nil when the file has none.
func (d *decoder) decodeStop(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	cfg.Stop = Stop{Enabled: true, DeclRange: block.DefRange}
}
