package command

import (
	"context"
	"fmt"
	"strconv"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/views"
)

func runPlan(ctx context.Context, args []string, s Streams) int {
	var state string
	var jsonOut bool
	fs := newFlags("plan", "[flags] FILE", s)
	fs.StringVar(&state, "state", "", "campaign directory (default .asi/<campaign name>)")
	fs.BoolVar(&jsonOut, "json", false, "print the plan as JSON")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	cfg, desc, ok := loadCampaignTask(pos[0], s.Stderr)
	if !ok {
		return exitError
	}
	if state == "" {
		state = campaignDir(cfg.Campaign.Name)
	}
	p := plan(ctx, cfg.Redacted(), pos[0], state)
	p.RunsOn = desc.RunsOn
	p.Forecast = costForecast(ctx, cfg.Redacted(), desc, state)
	return render((views.View{W: s.Stdout, JSON: jsonOut}).Plan(p), s)
}

// sandboxPlan is the sandbox block as plan shows it; "executor" appears
// when runs go to a cluster.
func sandboxPlan(sb campaign.Sandbox) map[string]string {
	out := map[string]string{
		"memory": strconv.FormatUint(sb.Memory>>20, 10) + "MiB", "timeout": sb.Timeout.String(),
		"output_limit": strconv.Itoa(sb.OutputLimit),
	}
	if sb.Executor != "" {
		out["executor"] = sb.Executor
	}
	return out
}

// plan says what apply would do with cfg in the directory state.
func plan(ctx context.Context, cfg *campaign.Config, file, state string) views.Plan {
	b := cfg.Campaign.Budget
	budget := map[string]string{}
	if b.Steps > 0 {
		budget["steps"] = strconv.Itoa(b.Steps)
	}
	if b.Wall > 0 {
		budget["wall"] = b.Wall.String()
	}
	if b.Tokens > 0 {
		budget["tokens"] = strconv.FormatInt(b.Tokens, 10)
	}
	if b.USD > 0 {
		budget["usd"] = strconv.FormatFloat(b.USD, 'f', -1, 64)
	}
	if b.Target != nil {
		budget["target"] = strconv.FormatFloat(*b.Target, 'g', -1, 64)
	}
	cognition := cfg.Cognition.Store
	if cfg.Cognition.URL != "" {
		cognition += " at " + cfg.Cognition.URL
	}
	return views.Plan{
		Campaign: cfg.Campaign.Name, File: file, Dir: state, Task: cfg.Campaign.Task, Workers: cfg.Campaign.Workers,
		Budget:     budget,
		Researcher: backend.DescribeRole(cfg, cfg.Roles.Researcher),
		Analyzer:   backend.DescribeRole(cfg, cfg.Roles.Analyzer),
		Sampler:    fmt.Sprintf("%s, %d context nodes", cfg.Database.Sampler, cfg.Database.SampleN),
		Sandbox:    sandboxPlan(cfg.Sandbox),
		Executors:  backend.DescribeExecutors(cfg),
		Cognition:  cognition,
		Resume:     backend.ResumeState(ctx, state),
		Objectives: objectivesPlan(cfg),
	}
}
