package campaign

import "github.com/hashicorp/hcl/v2"

// Audit is the audit block: the best nodes re-scored on the task's held-out stage.
type Audit struct {
	Enabled   bool
	DeclRange hcl.Range // zero when the file has no such block
}

// decodeAudit decodes the audit block; block is nil when the file has none.
func (d *decoder) decodeAudit(block *hcl.Block, cfg *Config) {
	if block == nil {
		return
	}
	cfg.Audit = Audit{Enabled: true, DeclRange: block.DefRange}
}
