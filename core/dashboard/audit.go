package dashboard

import "github.com/asi-evolve/asi/core/report"

// auditJSON is what the audit of the best nodes found; only campaigns
// whose nodes were audited have one.
type auditJSON struct {
	Audited int           `json:"audited"`
	Flagged []flaggedJSON `json:"flagged"`
}

// flaggedJSON is a node the audit flagged as a suspected reward hack.
type flaggedJSON struct {
	ID          int64   `json:"id"`
	PublicScore float64 `json:"public_score"`
	// HeldOutScore is null when the task has no held-out stage or the
	// held-out run failed (drop is then 1).
	HeldOutScore *float64 `json:"held_out_score"`
	Drop         *float64 `json:"drop"`
	Verdict      string   `json:"verdict,omitempty"`
	Reason       string   `json:"reason,omitempty"`
}

// auditOf is c's audit for the API; nil when no node was audited.
func auditOf(c *report.Campaign) *auditJSON {
	if len(c.Audits) == 0 {
		return nil
	}
	out := &auditJSON{Audited: c.AuditedCount(), Flagged: []flaggedJSON{}}
	for _, a := range c.Flagged() {
		out.Flagged = append(out.Flagged, flaggedJSON{ID: a.NodeID, PublicScore: a.PublicScore, HeldOutScore: a.HeldOutScore,
			Drop: a.Drop, Verdict: a.Verdict, Reason: a.Reason})
	}
	return out
}
