package store

import "time"

// Metric keys the engine stores on a node beside the task's own: what the
// research machinery around the model calls did for that node.
const (
	MetricRepairs      = "repairs"            // repair attempts made for the node
	MetricCascadeSaved = "cascade_saved_s"    // estimated evaluation seconds a threshold saved
	MetricNovelty      = "novelty_rejections" // 1 when the first design was a near twin
	MetricJudge        = "judge"              // the judge's score in [0, 1]
)

// ResearchCounters sum what the research machinery did over stored nodes:
// the engine keeps them for a running campaign, the read model counts
// them again from the store for `asi status`.
type ResearchCounters struct {
	Repairs           int           // repair attempts
	Repaired          int           // nodes valid after at least one repair
	CascadeStops      int           // candidates stopped early by a threshold
	CascadeSaved      time.Duration // estimated evaluation time those stops saved
	NoveltyRejections int           // candidates sent back as near twins
	Judged            int           // candidates the judge scored
}

// Add counts one stored node.
func (c *ResearchCounters) Add(n Node) {
	if r := n.Metrics[MetricRepairs]; r > 0 {
		c.Repairs += int(r)
		if n.Valid {
			c.Repaired++
		}
	}
	if s, ok := n.Metrics[MetricCascadeSaved]; ok {
		c.CascadeStops++
		c.CascadeSaved += time.Duration(s * float64(time.Second))
	}
	if n.Metrics[MetricNovelty] > 0 {
		c.NoveltyRejections++
	}
	if _, ok := n.Metrics[MetricJudge]; ok {
		c.Judged++
	}
}

// CountResearch sums the counters of nodes.
func CountResearch(nodes []Node) ResearchCounters {
	var c ResearchCounters
	for _, n := range nodes {
		c.Add(n)
	}
	return c
}
