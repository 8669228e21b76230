package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/store"
)

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
	// Front is the Pareto front; nil when the campaign has no objectives.
	Front *Front `json:"front,omitempty"`
	// Audit is what the audit of the best nodes found; nil when nothing
	// was audited.
	Audit *AuditReport `json:"audit,omitempty"`
	// Findings are the red team's findings, furthest past their bound
	// first, and RedteamPasses how many passes it made; absent when it
	// never ran.
	Findings      []StoredFinding `json:"findings,omitempty"`
	RedteamPasses int             `json:"redteam_passes,omitempty"`
	// Prompts is the archive of the researcher's system prompts; nil
	// without a prompts block.
	Prompts []PromptLine `json:"prompt_variants,omitempty"`
}

// Research counts what the machinery around the LLM calls did, summed
// over the campaign's nodes (report.Research), with the manager's latest
// words.
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

// ResearchOf converts the read model's counters for display.
func ResearchOf(r report.Research) Research {
	return Research{
		Repairs: r.Repairs, Repaired: r.Repaired, CascadeStops: r.CascadeStops,
		CascadeSavedSec: r.CascadeSaved.Seconds(), NoveltyRejections: r.NoveltyRejections, Judged: r.Judged,
	}
}

// reportEvents is how many recent events a Report lists.
const reportEvents = 8

// ReportOf is what apply and status show about the campaign c, with its
// top valid nodes, best first.
func ReportOf(c *report.Campaign, top int) Report {
	r := Report{
		Campaign: c.Name, Task: c.Task, Dir: c.Dir, Primary: c.Primary, Direction: c.Direction, Budget: c.Budget,
		Offline: c.Offline, Done: c.Done(), Failures: c.FailureCount(), InfraFailures: c.InfraFailureCount(),
		Running: c.Unfinished(), Usage: c.Usage, Research: ResearchOf(c.Research()),
	}
	r.Research.Guidance, r.Research.Recommendations = c.Guidance, c.Recommendations
	r.Front = FrontOf(c)
	r.Audit = AuditReportOf(c)
	r.Findings, r.RedteamPasses = FindingsOf(c), c.RedteamPasses
	r.Prompts = PromptsOf(c)
	if n, ok := c.Initial(); ok {
		s := Summarize(n)
		r.Initial = &s
	}
	if n, ok := c.Best(); ok {
		s := Summarize(n)
		r.Best = &s
	}
	for _, n := range c.Top(top) {
		r.Top = append(r.Top, Summarize(n))
	}
	for _, e := range c.RecentEventsN(reportEvents) {
		r.Events = append(r.Events, EventLine{Time: e.Time, Kind: e.Kind, Message: e.Message})
	}
	return r
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
	if r.Front != nil {
		r.Front.frontLines(w)
	}
	if r.Audit != nil {
		r.Audit.lines(w, r.Primary)
	}
	redteamLines(w, r)
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
	promptLines(w, r.Prompts)
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

// firstLineOf is the first line of s, marked when more lines follow.
func firstLineOf(s string) string {
	line, _, more := strings.Cut(strings.TrimSpace(s), "\n")
	if more {
		return line + " ..."
	}
	return line
}
