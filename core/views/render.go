package views

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/store"
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

// NodeSummary is a node without its code, for listings.
type NodeSummary struct {
	ID      int64              `json:"id"`
	Step    int64              `json:"step"`
	Name    string             `json:"name"`
	Valid   bool               `json:"valid"`
	Score   *float64           `json:"score,omitempty"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Error   string             `json:"error,omitempty"`
}

// Summarize drops a node's bulky fields.
func Summarize(n store.Node) NodeSummary {
	s := NodeSummary{ID: n.ID, Step: n.Step, Name: n.Name, Valid: n.Valid, Metrics: n.Metrics, Error: n.Error}
	if n.Valid {
		score := n.Score
		s.Score = &score
	}
	return s
}

// Report is what apply and status show about a campaign.
type Report struct {
	Campaign  string        `json:"campaign"`
	Task      string        `json:"task"`
	Dir       string        `json:"dir"`
	Primary   string        `json:"primary_metric"`
	Direction string        `json:"direction"`
	Reason    string        `json:"stopped_because,omitempty"`
	Done      int           `json:"steps_done"`
	Budget    int           `json:"step_budget,omitempty"`
	Running   int           `json:"steps_unfinished"`
	Failures  int           `json:"failures"`
	Initial   *NodeSummary  `json:"initial,omitempty"`
	Best      *NodeSummary  `json:"best,omitempty"`
	Usage     store.Usage   `json:"llm_usage"`
	Elapsed   string        `json:"elapsed,omitempty"`
	Events    []EventLine   `json:"recent_events,omitempty"`
	Top       []NodeSummary `json:"top,omitempty"`
	Research  Research      `json:"research"`
	// Offline names the roles that ran with no model (store.Info); their
	// answers are in Usage.Offline, not in its calls or tokens.
	Offline []string `json:"offline_roles,omitempty"`
	// InfraFailures are the steps whose evaluation could not run (the task
	// or its plugin failed); they are not in Failures.
	InfraFailures int `json:"infra_failures"`
}

// Research counts what the machinery around the LLM calls did, summed
// over the campaign's nodes (engine.CountersOf).
type Research struct {
	Repairs           int     `json:"repairs"`
	Repaired          int     `json:"repaired_nodes"`
	CascadeStops      int     `json:"cascade_stops"`
	CascadeSavedSec   float64 `json:"cascade_saved_seconds"`
	NoveltyRejections int     `json:"novelty_rejections"`
	Judged            int     `json:"judged"`
	Guidance          string  `json:"manager_guidance,omitempty"`
	Recommendations   string  `json:"manager_recommendations,omitempty"`
}

// ResearchOf converts the engine's counters for display.
func ResearchOf(c engine.Counters) Research {
	return Research{
		Repairs: c.Repairs, Repaired: c.Repaired, CascadeStops: c.CascadeStops,
		CascadeSavedSec: c.CascadeSaved.Seconds(), NoveltyRejections: c.NoveltyRejections, Judged: c.Judged,
	}
}

// EventLine is one event for display.
type EventLine struct {
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
}

// Report renders a campaign report.
func (v View) Report(r Report) error {
	if v.JSON {
		return v.json(r)
	}
	w := v.W
	fmt.Fprintf(w, "Campaign %s (task %s)\n", r.Campaign, r.Task)
	if r.Reason != "" {
		fmt.Fprintf(w, "  stopped:    %s", r.Reason)
		if r.Elapsed != "" {
			fmt.Fprintf(w, " after %s", r.Elapsed)
		}
		fmt.Fprintln(w)
	}
	budget := ""
	if r.Budget > 0 {
		budget = fmt.Sprintf(" of %d", r.Budget)
	}
	fmt.Fprintf(w, "  steps:      %d%s done, %d failed", r.Done, budget, r.Failures)
	if r.InfraFailures > 0 {
		fmt.Fprintf(w, ", %d not evaluated (the task plugin failed)", r.InfraFailures)
	}
	if r.Running > 0 {
		fmt.Fprintf(w, ", %d unfinished (resumed by the next apply)", r.Running)
	}
	fmt.Fprintln(w)
	if r.Initial != nil && r.Initial.Score == nil {
		fmt.Fprintf(w, "  initial:    failed (node %d): %s\n", r.Initial.ID, firstLineOf(r.Initial.Error))
	} else if r.Initial != nil {
		fmt.Fprintf(w, "  initial:    %s\n", scoreText(*r.Initial, r.Primary))
	}
	if r.Best != nil {
		fmt.Fprintf(w, "  best:       %s  (node %d, %s)\n", scoreText(*r.Best, r.Primary), r.Best.ID, r.Best.Name)
	}
	if r.Usage.Calls == 0 && (len(r.Offline) > 0 || r.Usage.Offline > 0) {
		fmt.Fprintln(w, "  llm:        no model called")
	} else {
		fmt.Fprintf(w, "  llm:        %d calls, %d tokens, $%.4f\n", r.Usage.Calls, r.Usage.Tokens(), r.Usage.CostUSD)
	}
	if len(r.Offline) > 0 {
		fmt.Fprintf(w, "  offline:    %s (no model)\n", strings.Join(r.Offline, ", "))
	}
	if q := r.Research; q.Repairs+q.CascadeStops+q.NoveltyRejections+q.Judged > 0 {
		fmt.Fprintf(w, "  research:   %d repair(s) (%d node(s) fixed), %d cascade stop(s) saving ~%.1fs, %d near twin(s) sent back, %d judged\n",
			q.Repairs, q.Repaired, q.CascadeStops, q.CascadeSavedSec, q.NoveltyRejections, q.Judged)
	}
	if r.Research.Recommendations != "" {
		fmt.Fprintf(w, "  manager:    %s\n", firstLineOf(r.Research.Recommendations))
	}
	fmt.Fprintf(w, "  results:    %s\n", r.Dir)
	if len(r.Top) > 0 {
		fmt.Fprintf(w, "\nTop nodes by %s:\n", r.Primary)
		for _, n := range r.Top {
			fmt.Fprintf(w, "  %5d  %-12s  %s\n", n.ID, scoreValue(n), n.Name)
		}
	}
	if len(r.Events) > 0 {
		fmt.Fprintln(w, "\nRecent events:")
		for _, e := range r.Events {
			fmt.Fprintf(w, "  %s  %-7s %s\n", e.Time.Local().Format("15:04:05"), e.Kind, e.Message)
		}
	}
	return nil
}

func scoreValue(n NodeSummary) string {
	if n.Score == nil {
		return "failed"
	}
	return fmt.Sprintf("%.6g", *n.Score)
}

func scoreText(n NodeSummary, primary string) string {
	return primary + " = " + scoreValue(n)
}

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
	for _, k := range sortedKeys(n.Metrics) {
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

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
	fmt.Fprintf(w, "  sandbox:     %s\n", kv(p.Sandbox))
	fmt.Fprintf(w, "  executors:   %s\n", strings.Join(p.Executors, ", "))
	fmt.Fprintf(w, "  cognition:   %s\n", p.Cognition)
	fmt.Fprintf(w, "  state:       %s (%s)\n", p.Dir, p.Resume)
	fmt.Fprintf(w, "\nRun it with: asi apply %s\n", p.File)
	return nil
}

func kv(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, " ")
}

func firstLineOf(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
