package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/asi-evolve/asi/core/report"
)

// Front is a campaign's Pareto front for display: `asi status` shows its
// size and hypervolume, `asi best -front` its members.
type Front struct {
	Objectives []FrontObjective `json:"objectives"`
	Size       int              `json:"size"`
	// Hypervolume is nil when the reference point is unknown (no
	// reference set and the initial program failed or lacks a metric).
	Hypervolume *float64      `json:"hypervolume,omitempty"`
	Members     []FrontMember `json:"members"`
	// Preferred is the member with the largest weighted sum of normalised
	// objectives; nil when the front is empty.
	Preferred *FrontMember `json:"preferred,omitempty"`
}

// FrontObjective is one objective and its hypervolume reference value.
type FrontObjective struct {
	Metric    string   `json:"metric"`
	Direction string   `json:"direction"`
	Weight    float64  `json:"weight"`
	Reference *float64 `json:"reference,omitempty"`
}

// FrontMember is one node of the front: its values by metric.
type FrontMember struct {
	ID     int64              `json:"id"`
	Step   int64              `json:"step"`
	Name   string             `json:"name"`
	Values map[string]float64 `json:"values"`
}

// FrontOf converts the read model's front; nil when the campaign has no
// objectives.
func FrontOf(c *report.Campaign) *Front {
	if !c.HasObjectives() {
		return nil
	}
	f := c.Front()
	out := &Front{Size: len(f.Members), Members: []FrontMember{}}
	for k, o := range f.Objectives {
		fo := FrontObjective{Metric: o.Metric, Direction: o.Direction, Weight: o.Weight}
		if f.HasReference {
			ref := f.Reference[k]
			fo.Reference = &ref
		}
		out.Objectives = append(out.Objectives, fo)
	}
	if f.HasReference {
		hv := f.Hypervolume
		out.Hypervolume = &hv
	}
	for i, m := range f.Members {
		fm := FrontMember{ID: m.Node.ID, Step: m.Node.Step, Name: m.Node.Name, Values: map[string]float64{}}
		for k, o := range f.Objectives {
			fm.Values[o.Metric] = m.Values[k]
		}
		out.Members = append(out.Members, fm)
		if i == f.Preferred {
			p := fm
			out.Preferred = &p
		}
	}
	return out
}

// hypervolumeText is the hypervolume, or why it is unknown.
func (f *Front) hypervolumeText() string {
	if f.Hypervolume == nil {
		return "unknown (no reference point: set reference in each objective block)"
	}
	return fmt.Sprintf("%.6g", *f.Hypervolume)
}

// valuesText lists a member's values in objective order.
func (f *Front) valuesText(m FrontMember) string {
	parts := make([]string, len(f.Objectives))
	for k, o := range f.Objectives {
		parts[k] = fmt.Sprintf("%s = %.6g", o.Metric, m.Values[o.Metric])
	}
	return strings.Join(parts, ", ")
}

// frontLines writes the lines `asi status` shows about the front.
func (f *Front) frontLines(w io.Writer) {
	fmt.Fprintf(w, "  front:      %d node(s) on the Pareto front, hypervolume %s\n", f.Size, f.hypervolumeText())
	if f.Preferred != nil {
		fmt.Fprintf(w, "  preferred:  node %d (%s): %s\n", f.Preferred.ID, f.Preferred.Name, f.valuesText(*f.Preferred))
	}
}

// Front renders the whole front, for `asi best -front`.
func (v View) Front(f Front) error {
	if v.JSON {
		return v.json(f)
	}
	w := v.W
	fmt.Fprintf(w, "Pareto front: %d node(s), hypervolume %s\n", f.Size, f.hypervolumeText())
	fmt.Fprintf(w, "  %5s  %-24s", "node", "name")
	for _, o := range f.Objectives {
		fmt.Fprintf(w, "  %14s", o.Metric+arrow(o.Direction))
	}
	fmt.Fprintln(w)
	for _, m := range f.Members {
		mark := ' '
		if f.Preferred != nil && f.Preferred.ID == m.ID {
			mark = '*'
		}
		fmt.Fprintf(w, "%c %5d  %-24s", mark, m.ID, truncate(m.Name, 24))
		for _, o := range f.Objectives {
			fmt.Fprintf(w, "  %14.6g", m.Values[o.Metric])
		}
		fmt.Fprintln(w)
	}
	if f.Preferred != nil {
		fmt.Fprintf(w, "* preferred: the largest weighted sum of the objectives, each scaled to the front's range\n")
	}
	return nil
}

// MissingObjectives warns, on stderr, about objective metrics the initial
// program did not report; it says nothing when none is missing.
func (v View) MissingObjectives(metrics []string) {
	if len(metrics) == 0 {
		return
	}
	fmt.Fprintf(v.W, "Warning: the initial program reports no %s: a node without every objective metric is on no Pareto front, and without the initial value the hypervolume needs that objective's reference\n",
		strings.Join(metrics, ", "))
}

// PreferredNote tells, on stderr, which node `asi best` printed when the
// campaign has objectives.
func (v View) PreferredNote(f Front) {
	if f.Preferred == nil {
		return
	}
	fmt.Fprintf(v.W, "node %d: the preferred point of a Pareto front of %d (%s); `asi best -front` lists them all\n",
		f.Preferred.ID, f.Size, f.valuesText(*f.Preferred))
}

func arrow(direction string) string {
	if direction == "minimize" {
		return " (min)"
	}
	return " (max)"
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
