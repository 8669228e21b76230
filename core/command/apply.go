package command

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/views"
)

type applyArgs struct {
	file  string
	state string
	json  bool
	steps int
	// off names the pieces an ablation turns off (backend.AblationPieces).
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
	if err := apply(ctx, cfg, a, s); err != nil {
		views.View{W: s.Stderr}.Error(err)
		return exitError
	}
	return exitOK
}

// apply runs a campaign to the end of its budget (or an interrupt) and
// prints its report.
func apply(ctx context.Context, cfg *campaign.Config, a applyArgs, s Streams) error {
	run, err := backend.Open(ctx, cfg, backend.Options{
		StateDir: a.state, Steps: a.steps, Off: a.off,
		SandboxCacheDir: sandboxCacheDir(), SandboxProgress: views.ProgressLines(s.Stderr),
		Progress: func(primary string) backend.Progress { return views.NewProgress(s.Stderr, a.json, primary) },
	})
	if err != nil {
		return err
	}
	defer run.Close()
	(views.View{W: s.Stderr, JSON: a.json}).ApplyHeader(applyHeader(run.Description))

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer stopOnInterrupt(runCtx, run.Engine, cancel, s)()
	sum, runErr := run.Engine.Run(runCtx)
	run.Progress.Finish()
	r, err := campaignReport(context.WithoutCancel(ctx), run.Store, 10)
	if err != nil {
		return errors.Join(runErr, err)
	}
	r.Reason = string(sum.Reason)
	r.Elapsed = sum.Elapsed.Round(1e8).String()
	out := views.View{W: s.Stdout, JSON: a.json}
	if err := out.Report(r); err != nil {
		return err
	}
	if runErr == nil {
		out.NextSteps(a.state)
	}
	return runErr
}

// stopOnInterrupt handles Ctrl-C during a run. First: finish the steps in
// flight. Second: stop now (cancel); the unfinished steps run again on the
// next apply. The returned function stops listening.
func stopOnInterrupt(runCtx context.Context, eng interface{ Stop() }, cancel func(), s Streams) (stop func()) {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	msgs := views.View{W: s.Stderr}
	go func() {
		interrupts := 0
		for {
			select {
			case <-signals:
				interrupts++
				msgs.Interrupted(interrupts)
				if interrupts == 1 {
					eng.Stop()
				} else {
					cancel()
					return
				}
			case <-runCtx.Done():
				return
			}
		}
	}()
	return func() { signal.Stop(signals) }
}

func applyHeader(d backend.Description) views.ApplyHeader {
	return views.ApplyHeader{
		Campaign: d.Campaign, Task: d.Task, Workers: d.Workers, Sampler: d.Sampler, Researcher: d.Researcher, Dir: d.StateDir,
		Offline: d.Offline, Cognition: d.Cognition, SeedFiles: d.SeedFiles, SeedAdded: d.SeedAdded, SeedErr: d.SeedErr, Research: d.Research,
	}
}
