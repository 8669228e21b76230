package views

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

// PromptLine is one variant of the researcher's system prompt for
// display: where it came from, how often it was shown, and the mean
// credit of the nodes it produced (in [-1, 1]).
type PromptLine struct {
	ID          int64   `json:"id"`
	Parent      int64   `json:"parent,omitempty"`
	Origin      string  `json:"origin"`
	CreatedStep int64   `json:"created_step"`
	Uses        int     `json:"uses"`
	MeanCredit  float64 `json:"mean_credit"`
	Retired     bool    `json:"retired"`
	RetiredStep int64   `json:"retired_step,omitempty"`
	Text        string  `json:"text"`
}

// NodePrompt names the system prompt variant a node's researcher was
// shown.
type NodePrompt struct {
	ID     int64  `json:"id"`
	Origin string `json:"origin"`
	Text   string `json:"text"`
}

// PromptLineOf converts a variant and its standing for display.
func PromptLineOf(v store.PromptVariant, uses int, meanCredit float64) PromptLine {
	return PromptLine{
		ID: v.ID, Parent: v.Parent, Origin: v.Origin, CreatedStep: v.CreatedStep, Uses: uses, MeanCredit: meanCredit,
		Retired: v.Retired, RetiredStep: v.RetiredStep, Text: v.Text,
	}
}

// PromptsOf lists the campaign's prompt archive; nil without one.
func PromptsOf(c *report.Campaign) []PromptLine {
	var out []PromptLine
	for _, v := range c.Prompts {
		out = append(out, PromptLineOf(v.PromptVariant, v.Uses, v.MeanCredit))
	}
	return out
}

// promptLines prints the archive as a table. Variants grow by sentences
// added at the end, so each text is shown by its end.
func promptLines(w io.Writer, ps []PromptLine) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintln(w, "\nPrompt variants (researcher system prompt):")
	fmt.Fprintf(w, "  %4s  %-8s %5s %12s  %-12s %s\n", "id", "origin", "uses", "mean credit", "state", "text")
	for _, p := range ps {
		state := "in use"
		if p.Retired {
			state = fmt.Sprintf("retired@%d", p.RetiredStep)
		}
		fmt.Fprintf(w, "  %4d  %-8s %5d %+12.3f  %-12s %s\n", p.ID, p.Origin, p.Uses, p.MeanCredit, state, tail(p.Text, 60))
	}
}

// tail is the last n runes of s on one line, marking a cut.
func tail(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	return "..." + string(r[len(r)-n+3:])
}

// cut shortens s to at most n runes, marking the cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}

// ExportPrompts writes the prompt archive, as Export writes nodes: jsonl
// (one PromptLine a line) or csv (the same fields, text last).
func ExportPrompts(w io.Writer, ps []PromptLine, format string) error {
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		for _, p := range ps {
			if err := enc.Encode(p); err != nil {
				return fmt.Errorf("export prompt variant %d: %w", p.ID, err)
			}
		}
		return nil
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"id", "parent", "origin", "created_step", "uses", "mean_credit", "retired", "retired_step", "text"})
		for _, p := range ps {
			cw.Write([]string{strconv.FormatInt(p.ID, 10), strconv.FormatInt(p.Parent, 10), p.Origin,
				strconv.FormatInt(p.CreatedStep, 10), strconv.Itoa(p.Uses), strconv.FormatFloat(p.MeanCredit, 'g', -1, 64),
				strconv.FormatBool(p.Retired), strconv.FormatInt(p.RetiredStep, 10), p.Text})
		}
		cw.Flush()
		return cw.Error()
	}
	return fmt.Errorf("unknown export format %q (use %s)", format, strings.Join(ExportFormats, " or "))
}
