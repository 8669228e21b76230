package views

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/core/store"
)

// NodeDetail is everything `asi show` prints.
type NodeDetail struct {
	store.Node
	Artifacts []string     `json:"artifacts"`
	Calls     []store.Call `json:"llm_calls"`
}

// Node renders one node in full.
func (v View) Node(d NodeDetail, primary string) error {
	if v.JSON {
		return v.json(d)
	}
	n := d.Node
	w := v.W
	fmt.Fprintf(w, "Node %d  (step %d, island %d)\n", n.ID, n.Step, n.Island)
	fmt.Fprintf(w, "  name:       %s\n", n.Name)
	fmt.Fprintf(w, "  parents:    %v\n", n.Parents)
	fmt.Fprintf(w, "  status:     %s\n", n.Status)
	if n.Valid {
		fmt.Fprintf(w, "  %s = %.10g\n", primary, n.Score)
	}
	for _, k := range slices.Sorted(maps.Keys(n.Metrics)) {
		fmt.Fprintf(w, "    %-20s %.10g\n", k, n.Metrics[k])
	}
	fmt.Fprintf(w, "  evaluation: %s\n", n.EvalTime)
	section(w, "Motivation", n.Motivation)
	section(w, "Error", n.Error)
	section(w, "Feedback", n.Feedback)
	section(w, "Analysis", n.Analysis)
	section(w, "Code", n.Code)
	if len(d.Artifacts) > 0 {
		fmt.Fprintf(w, "\nArtifacts: %s\n", strings.Join(d.Artifacts, ", "))
	}
	for _, c := range d.Calls {
		if c.Provider == store.OfflineProvider {
			fmt.Fprintf(w, "Offline answer %d: %s by the offline search operator (no model), %s\n", c.ID, c.Role, c.Latency)
			continue
		}
		fmt.Fprintf(w, "LLM call %d: %s via %s %s, %d+%d tokens, $%.4f, %s\n", c.ID, c.Role, c.Provider, c.Model,
			c.PromptTokens, c.CompletionTokens, c.CostUSD, c.Latency)
	}
	return nil
}

func section(w io.Writer, title, body string) {
	if strings.TrimSpace(body) == "" {
		return
	}
	fmt.Fprintf(w, "\n%s:\n%s\n", title, strings.TrimRight(body, "\n"))
}

// Best prints the best program: only its code in text mode, so that
// `asi best > best.go` works.
func (v View) Best(n store.Node) error {
	if v.JSON {
		return v.json(n)
	}
	_, err := io.WriteString(v.W, n.Code)
	if !strings.HasSuffix(n.Code, "\n") {
		fmt.Fprintln(v.W)
	}
	return err
}
