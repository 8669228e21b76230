package views

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// taskUsage lists the sub-verbs of `asi task`.
const taskUsage = "Usage: asi task check [flags] FILE\n" +
	"       asi task new [flags] \"DESCRIPTION\"\n" +
	"       asi task audit [flags] FILE|DIR|TASK\n"

// TaskUsage writes the usage of `asi task`; with help set, also what each
// sub-verb is for.
func (v View) TaskUsage(help bool) error {
	if !help {
		_, err := io.WriteString(v.W, taskUsage)
		return err
	}
	_, err := fmt.Fprintf(v.W, "%s\ncheck evaluates the campaign's initial program once through its task, with no model,\n"+
		"and prints the score: run it before a campaign spends anything.\n"+
		"new has a model draft an evaluator, an initial program and a campaign file into a folder,\n"+
		"and checks the evaluator in the sandbox before calling it ready.\n"+
		"audit attacks a task's evaluator with programs that try to score without solving the problem,\n"+
		"run in the sandbox through the evaluator itself; it exits 1 when one beats the bound.\n"+
		"'asi task SUB -h' lists a sub-verb's flags.\n", taskUsage)
	return err
}

// TaskCheck is the outcome of `asi task check`: the score, or Error, why
// the initial program cannot start a campaign.
type TaskCheck struct {
	File      string             `json:"file"`
	OK        bool               `json:"ok"`
	Error     string             `json:"error,omitempty"`
	Task      string             `json:"task,omitempty"`
	Primary   string             `json:"primary,omitempty"`
	Direction string             `json:"direction,omitempty"`
	Score     float64            `json:"score"`
	Metrics   map[string]float64 `json:"metrics,omitempty"`
	Wall      time.Duration      `json:"-"`
	WallMS    float64            `json:"wall_ms"`
}

// TaskCheck writes a check. As text, a passed check goes to v.W and a
// failed one to stderr, as "asi task check: FILE: ERROR"; as JSON, one
// object goes to v.W either way.
func (v View) TaskCheck(c TaskCheck, stderr io.Writer) error {
	if v.JSON {
		c.WallMS = float64(c.Wall.Microseconds()) / 1000
		return v.json(c)
	}
	if !c.OK {
		_, err := fmt.Fprintf(stderr, "asi task check: %s: %s\n", c.File, c.Error)
		return err
	}
	w := v.W
	fmt.Fprintf(w, "The initial program of %s passes task %s.\n\n", c.File, c.Task)
	fmt.Fprintf(w, "  score:   %s = %.6g (%s)\n", c.Primary, c.Score, c.Direction)
	for _, name := range slices.Sorted(maps.Keys(c.Metrics)) {
		fmt.Fprintf(w, "  metric:  %s = %.6g\n", name, c.Metrics[name])
	}
	_, err := fmt.Fprintf(w, "  wall:    %s\n", c.Wall.Round(time.Millisecond))
	return err
}

// Imported is what `asi import` wrote.
type Imported struct {
	File, Kind, Name string
	// Unmapped names the settings with no counterpart, left as comments.
	Unmapped []string
}

// Imported says where the campaign file is and what to run next.
func (v View) Imported(i Imported) error {
	fmt.Fprintf(v.W, "Wrote %s: campaign %q runs the %s folder's evaluator through the script task.\n", i.File, i.Name, i.Kind)
	if len(i.Unmapped) > 0 {
		fmt.Fprintf(v.W, "%d setting(s) have no counterpart and are comments in the file: %s.\n", len(i.Unmapped), strings.Join(i.Unmapped, ", "))
	}
	_, err := fmt.Fprintf(v.W, "\nCheck it with:  asi task check %s\nRun it with:    asi apply %s\n", i.File, i.File)
	return err
}
