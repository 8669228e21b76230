package views

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/asi-evolve/asi/core/forecast"
)

// View writes command output as text or, with JSON set, as one JSON value.
type View struct {
	W    io.Writer
	JSON bool
}

func (v View) json(x any) error {
	enc := json.NewEncoder(v.W)
	enc.SetIndent("", "  ")
	return enc.Encode(x)
}

// Plan is what `asi plan` shows.
type Plan struct {
	Campaign   string            `json:"campaign"`
	File       string            `json:"file"`
	Dir        string            `json:"dir"`
	Task       string            `json:"task"`
	Workers    int               `json:"workers"`
	Budget     map[string]string `json:"budget"`
	Researcher string            `json:"researcher"`
	Analyzer   string            `json:"analyzer"`
	Sampler    string            `json:"sampler"`
	Sandbox    map[string]string `json:"sandbox"`
	Executors  []string          `json:"executors"`
	Cognition  string            `json:"cognition"`
	Resume     string            `json:"resume"`
	// RunsOn is where the task runs candidates, when not the sandbox.
	RunsOn string `json:"runs_on,omitempty"`
	// Forecast is what the campaign is expected to cost from here on.
	Forecast *forecast.Forecast `json:"forecast,omitempty"`
	// Objectives are the objective blocks, "metric (direction)"; none
	// when the campaign optimises its primary metric alone.
	Objectives []string `json:"objectives,omitempty"`
}

// Plan renders a plan.
func (v View) Plan(p Plan) error {
	if v.JSON {
		return v.json(p)
	}
	w := v.W
	fmt.Fprintf(w, "Campaign %q from %s is valid.\n\n", p.Campaign, p.File)
	fmt.Fprintf(w, "  task:        %s\n", p.Task)
	fmt.Fprintf(w, "  workers:     %d\n", p.Workers)
	fmt.Fprintf(w, "  budget:      %s\n", kv(p.Budget))
	fmt.Fprintf(w, "  researcher:  %s\n", p.Researcher)
	fmt.Fprintf(w, "  analyzer:    %s\n", p.Analyzer)
	fmt.Fprintf(w, "  sampler:     %s\n", p.Sampler)
	if len(p.Objectives) > 0 {
		fmt.Fprintf(w, "  objectives:  %s (a Pareto front)\n", strings.Join(p.Objectives, ", "))
	}
	fmt.Fprintf(w, "  sandbox:     %s\n", kv(p.Sandbox))
	if p.RunsOn != "" {
		fmt.Fprintf(w, "  runs on:     %s\n", p.RunsOn)
	}
	// One executor a line: each names the isolation its jobs get and why.
	fmt.Fprintf(w, "  executors:   %s\n", strings.Join(p.Executors, "\n               "))
	fmt.Fprintf(w, "  cognition:   %s\n", p.Cognition)
	fmt.Fprintf(w, "  state:       %s (%s)\n", p.Dir, p.Resume)
	if p.Forecast != nil {
		writeForecast(w, *p.Forecast)
	}
	fmt.Fprintf(w, "\nRun it with: asi apply %s\n", p.File)
	return nil
}

func kv(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}
