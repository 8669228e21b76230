package report

import (
	"context"

	"github.com/asi-evolve/asi/core/store"
)

// NodeDetail is one node in full, with what was recorded beside it.
type NodeDetail struct {
	Node      store.Node
	Artifacts []string     // names of the node's stored artifacts
	Calls     []store.Call // the LLM calls of its step, offline answers included
	Primary   string       // the campaign's primary metric
	// Prompt is the system prompt variant its researcher was shown; nil
	// without a prompts block.
	Prompt *store.PromptVariant
	// Audit is the node's latest audit; nil when it was never audited.
	Audit *store.Audit
	// Findings are the red team's findings from attacking this node.
	Findings []store.Finding
}

// LoadNode reads node id of the campaign in dir with its artifacts and
// calls, without reading the rest of the campaign. Errors are returned as
// the store gives them (a missing node wraps store.ErrNotFound).
func LoadNode(ctx context.Context, dir string, id int64) (NodeDetail, error) {
	var d NodeDetail
	st, err := store.Open(ctx, dir)
	if err != nil {
		return d, err
	}
	defer st.Close()
	if d.Node, err = st.Node(ctx, id); err != nil {
		return d, err
	}
	if d.Artifacts, err = st.ArtifactNames(ctx, d.Node.ID); err != nil {
		return d, err
	}
	if d.Calls, err = st.Calls(ctx, d.Node.ID); err != nil {
		return d, err
	}
	if d.Prompt, err = promptOf(ctx, st, d.Node.Step); err != nil {
		return d, err
	}
	audits, err := st.LatestAudits(ctx)
	if err != nil {
		return d, err
	}
	if a, ok := audits[d.Node.ID]; ok {
		d.Audit = &a
	}
	findings, err := st.Findings(ctx)
	if err != nil {
		return d, err
	}
	for _, f := range findings {
		if f.NodeID == d.Node.ID {
			d.Findings = append(d.Findings, f)
		}
	}
	info, err := st.Info(ctx)
	d.Primary = info.Primary
	return d, err
}
