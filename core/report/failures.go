package report

import (
	"sort"
	"strings"

	"github.com/asi-evolve/asi/core/store"
)

// Reason groups failed nodes that failed the same way.
type Reason struct {
	Reason  string
	Count   int
	Example store.Node // the newest node that failed this way
}

// Failures groups the failed candidates by FailureReason, most frequent
// first; nodes whose evaluation could not run are left out.
func (c *Campaign) Failures() []Reason {
	byReason := map[string]*Reason{}
	var order []string
	for _, n := range c.Nodes {
		if n.Valid || n.Status == store.StatusInfraFailed {
			continue
		}
		key := FailureReason(n.Error)
		r, ok := byReason[key]
		if !ok {
			r = &Reason{Reason: key}
			byReason[key] = r
			order = append(order, key)
		}
		r.Count++
		r.Example = n
	}
	out := make([]Reason, 0, len(order))
	for _, k := range order {
		out = append(out, *byReason[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}

// FailureReason reduces a node's error to its kind, so that failures that
// differ only in details (a line number, a value) count together: the
// text before the last ": " of the first line, at most two clauses deep
// ("edit", `stage "run": invalid candidate`).
func FailureReason(errText string) string {
	line := FirstLine(errText)
	if line == "" {
		return "unknown"
	}
	parts := strings.SplitN(line, ": ", 3)
	switch {
	case len(parts) == 1:
		return clip(parts[0], 80)
	case parts[0] == "edit":
		return "edit"
	case len(parts) == 3 && len(parts[1]) < 40:
		return clip(parts[0]+": "+parts[1], 80)
	}
	return clip(parts[0], 80)
}

// FirstLine is the first line of s with the surrounding space trimmed:
// how listings show a node's error or motivation.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
