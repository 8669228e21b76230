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
	// Files lists a program of several files; Node fills it, and it is
	// absent for a program of one file.
	Files []ProgramFile `json:"files,omitempty"`
	// Prompt is the system prompt variant the researcher was shown; nil
	// without a prompts block.
	Prompt *NodePrompt `json:"prompt_variant,omitempty"`
	// Audit is the node's latest audit; nil when it was never audited.
	Audit *FlaggedNode `json:"audit,omitempty"`
	// Flagged says whether that audit flagged the node.
	Flagged bool `json:"flagged,omitempty"`
	// Findings are what the red team found attacking the evaluator from
	// this node.
	Findings []store.Finding `json:"findings,omitempty"`
}

// Node renders one node in full.
func (v View) Node(d NodeDetail, primary string) error {
	if v.JSON {
		if d.Files == nil {
			// A bad path is shown in text; JSON lists only files a
			// script may safely write.
			d.Files, _ = ProgramFiles(d.Code)
		}
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
	if p := d.Prompt; p != nil {
		fmt.Fprintf(w, "  prompt:     variant %d (%s): %s\n", p.ID, p.Origin, cut(firstLineOf(p.Text), 80))
	}
	if a := d.Audit; a != nil {
		state := "passed"
		if d.Flagged {
			state = "FLAGGED as a suspected reward hack"
		}
		fmt.Fprintf(w, "  audit:      %s at step %d: public %.6g, %s", state, a.Step, a.PublicScore, a.heldOutText())
		if a.Verdict != "" {
			fmt.Fprintf(w, ", judge: %s", a.Verdict)
		}
		fmt.Fprintln(w)
		if a.Reason != "" {
			fmt.Fprintf(w, "              %s\n", firstLineOf(a.Reason))
		}
	}
	for _, f := range d.Findings {
		fmt.Fprintf(w, "  red team:   FINDING %s (%s): %s = %.6g past %.6g, %s\n", f.Attack, f.Kind, primary, f.Score, f.Bound, f.BoundText)
	}
	section(w, "Motivation", n.Motivation)
	section(w, "Error", n.Error)
	section(w, "Feedback", n.Feedback)
	section(w, "Analysis", n.Analysis)
	programSection(w, n.Code)
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

// bestJSON is the node best -json prints, with the files of a program of
// several files.
type bestJSON struct {
	store.Node
	Files []ProgramFile `json:"files,omitempty"`
}

// Best prints the best program: only its code in text mode, so that
// `asi best > best.go` works. In JSON, a program of several files gains
// its files; one whose paths are invalid is an error.
func (v View) Best(n store.Node) error {
	if v.JSON {
		files, err := ProgramFiles(n.Code)
		if err != nil {
			return fmt.Errorf("node %d: %w", n.ID, err)
		}
		return v.json(bestJSON{Node: n, Files: files})
	}
	_, err := io.WriteString(v.W, n.Code)
	if !strings.HasSuffix(n.Code, "\n") {
		fmt.Fprintln(v.W)
	}
	return err
}

// BestFilesHint tells, on stderr, that the joined text printed is a
// program of several files and how to get them as a folder.
func (v View) BestFilesHint(files int) {
	fmt.Fprintf(v.W, "program of %d files; `asi best -o DIR` writes them as a folder\n", files)
}

// BestWritten says where best -o wrote the program of node id: the file
// path, or the folder path with files (nil for a program of one file).
func (v View) BestWritten(id int64, path string, files []string) error {
	if v.JSON {
		return v.json(struct {
			Node  int64    `json:"node"`
			Path  string   `json:"path"`
			Files []string `json:"files,omitempty"`
		}{id, path, files})
	}
	if files == nil {
		_, err := fmt.Fprintf(v.W, "Wrote the program of node %d to %s\n", id, path)
		return err
	}
	_, err := fmt.Fprintf(v.W, "Wrote the program of node %d to %s/ (%d files: %s)\n", id, path, len(files), strings.Join(files, ", "))
	return err
}
