package command

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/views"
	"github.com/asi-evolve/asi/plugins"
)

type applyArgs struct {
	file  string
	state string
	json  bool
	steps int
	// off names the pieces an ablation turns off (see ablatePieces).
	off map[string]bool
}

func runApply(ctx context.Context, args []string, s Streams) int {
	var a applyArgs
	fs := newFlags("apply", "[flags] FILE", s)
	fs.StringVar(&a.state, "state", "", "campaign directory (default .asi/<campaign name>)")
	fs.BoolVar(&a.json, "json", false, "print the final report as JSON and no progress bar")
	fs.IntVar(&a.steps, "steps", 0, "override the campaign's step budget (total steps, not steps of this run)")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	a.file = pos[0]
	cfg, ok := loadCampaign(a.file, s.Stderr)
	if !ok {
		return exitError
	}
	if a.state == "" {
		a.state = campaignDir(cfg.Campaign.Name)
	}
	if a.steps > 0 {
		cfg.Campaign.Budget.Steps = a.steps
	}
	if err := apply(ctx, cfg, a, s); err != nil {
		fmt.Fprintf(s.Stderr, "Error: %v\n", err)
		return exitError
	}
	return exitOK
}

func apply(ctx context.Context, cfg *campaign.Config, a applyArgs, s Streams) error {
	unlock, err := lockDir(a.state)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := store.Open(ctx, a.state)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := claimDir(ctx, st, cfg); err != nil {
		return err
	}

	rt, err := newSandbox(ctx, s.Stderr)
	if err != nil {
		return err
	}
	defer rt.Close(context.WithoutCancel(ctx))
	logger, closeLog, err := pluginLogger(a.state)
	if err != nil {
		return err
	}
	defer closeLog()
	execs, err := plugins.StartExecutors(ctx, cfg, plugins.ExecutorOptions{StateDir: a.state, Finder: finder(cfg), Logger: logger})
	if err != nil {
		return err
	}
	defer execs.Close()
	tk, err := startTask(ctx, cfg, rt, execs, logger)
	if err != nil {
		return fmt.Errorf("task %s: %w", cfg.Campaign.Task, err)
	}
	defer tk.Close()
	desc, err := tk.Describe(ctx)
	if err != nil {
		return fmt.Errorf("task %s: %w", cfg.Campaign.Task, err)
	}
	researcher, err := provider(cfg, cfg.Roles.Researcher)
	if err != nil {
		return err
	}
	an, err := analyzer(cfg, cfg.Campaign.Seed)
	if err != nil {
		return err
	}
	db := cfg.Database
	sampler, err := sampling.New(db.Sampler, sampling.Options{
		Islands: db.Islands, MigrationInterval: db.MigrationInterval, MigrationRate: db.MigrationRate,
		Exploration: db.Exploration, GridBins: db.GridBins, FeatureDims: len(desc.FeatureDimensions),
	})
	if err != nil {
		return err
	}
	if err := st.SetInfo(ctx, store.Info{
		Campaign: cfg.Campaign.Name, Task: cfg.Campaign.Task, Primary: desc.Primary, Direction: string(desc.Direction),
		StepBudget: cfg.Campaign.Budget.Steps, Features: desc.FeatureDimensions, Offline: offlineRoles(cfg),
	}); err != nil {
		return err
	}

	if !a.json {
		fmt.Fprintf(s.Stderr, "Campaign %s: task %s, %d worker(s), sampler %s\n", cfg.Campaign.Name, desc.Name, cfg.Campaign.Workers, db.Sampler)
		fmt.Fprintf(s.Stderr, "  researcher: %s\n  state:      %s\n", describeRole(cfg, cfg.Roles.Researcher), a.state)
		if offline := offlineRoles(cfg); len(offline) > 0 {
			fmt.Fprintf(s.Stderr, "  offline:    %s (no model: no calls or tokens are counted for them)\n", strings.Join(offline, ", "))
		}
	}
	base, cogDB, err := openCognition(ctx, cfg, a.state)
	if err != nil {
		return err
	}
	defer cogDB.Close()
	defer base.Close()
	if files, added, err := seedCognition(ctx, cfg, base); err != nil {
		// A shared store that is down must not stop the campaign.
		fmt.Fprintf(s.Stderr, "Warning: cognition seed: %v\n", err)
		st.AddEvent(ctx, store.Event{Kind: "warning", Message: "cognition seed failed: " + err.Error()})
	} else if !a.json && files > 0 {
		fmt.Fprintf(s.Stderr, "  cognition:  %s store, %d new item(s) from %d seed file(s)\n", cfg.Cognition.Store, added, files)
	}
	progress := views.NewProgress(s.Stderr, a.json, desc.Primary)
	b := cfg.Campaign.Budget
	ecfg := engine.Config{
		Store: st, Task: tk, Researcher: researcher, Analyzer: an, Sampler: sampler,
		Workers: cfg.Campaign.Workers, SampleN: db.SampleN, Seed: cfg.Campaign.Seed,
		Budget:    engine.Budget{Steps: b.Steps, Wall: b.Wall, Tokens: b.Tokens, USD: b.USD, Target: b.Target},
		Cognition: base, TopK: cfg.Cognition.TopK, MinScore: cfg.Cognition.MinScore,
		OfflineInsights: offlineInsights(cfg.Cognition),
		Progress:        progress.Update,

		MaxInfraFailures: cfg.Campaign.MaxInfraFailures,
	}
	if err := researchConfig(cfg, &ecfg, cogDB); err != nil {
		return err
	}
	turnOff(&ecfg, a.off)
	if !a.json {
		fmt.Fprintf(s.Stderr, "  research:   %s\n", describeResearch(ecfg))
	}
	eng, err := engine.New(ctx, ecfg)
	if err != nil {
		return err
	}

	// First Ctrl-C: finish the steps in flight. Second: stop now; the
	// unfinished steps run again on the next apply.
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	go func() {
		interrupts := 0
		for {
			select {
			case <-signals:
				interrupts++
				if interrupts == 1 {
					fmt.Fprintln(s.Stderr, "\nStopping after the steps in flight (interrupt again to stop now)...")
					eng.Stop()
				} else {
					fmt.Fprintln(s.Stderr, "\nStopping now; unfinished steps will run on the next apply.")
					cancel()
					return
				}
			case <-runCtx.Done():
				return
			}
		}
	}()

	sum, runErr := eng.Run(runCtx)
	progress.Finish()
	r, err := report(context.WithoutCancel(ctx), st, 10)
	if err != nil {
		return errors.Join(runErr, err)
	}
	r.Reason = string(sum.Reason)
	r.Elapsed = sum.Elapsed.Round(1e8).String()
	if err := (views.View{W: s.Stdout, JSON: a.json}).Report(r); err != nil {
		return err
	}
	if !a.json && runErr == nil {
		fmt.Fprintf(s.Stdout, "\nNext: asi best -state %s   (the best program)\n      asi show -state %s N  (one node)\n", a.state, a.state)
	}
	return runErr
}

// claimDir refuses to run a campaign in a directory another campaign or
// task owns.
func claimDir(ctx context.Context, st *store.Store, cfg *campaign.Config) error {
	info, err := st.Info(ctx)
	if err != nil {
		return err
	}
	switch {
	case info.Campaign != "" && info.Campaign != cfg.Campaign.Name:
		return fmt.Errorf("%s belongs to campaign %q, not %q: use another -state directory", st.Dir(), info.Campaign, cfg.Campaign.Name)
	case info.Task != "" && info.Task != cfg.Campaign.Task:
		return fmt.Errorf("%s belongs to task %q, not %q: use another -state directory", st.Dir(), info.Task, cfg.Campaign.Task)
	}
	return nil
}
