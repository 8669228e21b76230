package backend

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/asi-evolve/asi/cognition"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
)

// Options say where a run keeps its state and what it turns off.
type Options struct {
	// StateDir is the campaign directory; Open creates it. Required.
	StateDir string
	// Steps, when positive, replaces the campaign's step budget (total
	// steps, not steps of this run).
	Steps int
	// Off names the pieces an ablation turns off (AblationPieces).
	Off map[string]bool
	// SandboxCacheDir keeps compiled modules and builds between campaigns.
	SandboxCacheDir string
	// SandboxProgress is told about one-time builds the sandbox does
	// first (the JavaScript interpreter); nil says nothing.
	SandboxProgress func(line string)
	// Progress makes what shows the run's progress, once the task's
	// primary metric is known; nil shows nothing.
	Progress func(primary string) Progress
}

// Progress shows a run's progress (views.Progress is one).
type Progress interface {
	Update(engine.Progress)
	Finish()
}

// Run is an opened campaign, ready to run: Engine.Run it, then Close.
type Run struct {
	Engine *engine.Engine
	// Store is the campaign's store, for reading the result.
	Store *store.Store
	// Progress is what Options.Progress made, or a no-op; the engine
	// reports to it.
	Progress Progress
	// Description is what the run is, for the header apply prints.
	Description Description

	closers []func() // in the order opened
}

// Description says what a run is made of, in words, for a header.
type Description struct {
	Campaign   string // the campaign's name
	Task       string // the task's name, as the task plugin gives it
	Primary    string // the primary metric
	Workers    int
	Sampler    string
	Researcher string // DescribeRole of the researcher
	StateDir   string
	Offline    []string // roles that run with no model
	Cognition  string   // the cognition store
	SeedFiles  int      // cognition seed files found
	SeedAdded  int      // items they added to the base
	// SeedErr is why seeding the cognition base failed; the run goes on
	// without the seed (a shared store that is down must not stop it).
	SeedErr  error
	Research string // which research pieces are on, in one line
}

// Open opens everything a run of cfg needs, claiming opts.StateDir for
// the campaign. On error nothing stays open.
func Open(ctx context.Context, cfg *campaign.Config, opts Options) (*Run, error) {
	if opts.StateDir == "" {
		return nil, errors.New("backend: no campaign directory")
	}
	if opts.Steps > 0 || opts.Off["analyzer"] {
		run := *cfg
		if opts.Steps > 0 {
			run.Campaign.Budget.Steps = opts.Steps
		}
		if opts.Off["analyzer"] {
			run.Roles.Analyzer = "" // the offline analyzer: metric deltas, no model
		}
		cfg = &run
	}
	r := &Run{}
	if err := r.open(ctx, cfg, opts); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Close closes what Open opened, in reverse order. It is safe to call
// more than once.
func (r *Run) Close() {
	for _, c := range slices.Backward(r.closers) {
		c()
	}
	r.closers = nil
}

func (r *Run) onClose(c func()) { r.closers = append(r.closers, c) }

// open fills r, registering each thing it opens with onClose.
func (r *Run) open(ctx context.Context, cfg *campaign.Config, opts Options) error {
	unlock, err := lockDir(opts.StateDir)
	if err != nil {
		return err
	}
	r.onClose(unlock)
	if r.Store, err = store.Open(ctx, opts.StateDir); err != nil {
		return err
	}
	r.onClose(func() { r.Store.Close() })
	if err := claimDir(ctx, r.Store, cfg); err != nil {
		return err
	}
	tk, desc, err := r.startPlugins(ctx, cfg, opts)
	if err != nil {
		return err
	}
	ec, err := r.engineConfig(ctx, cfg, opts, tk, desc)
	if err != nil {
		return err
	}
	if err := r.openCognition(ctx, cfg, opts.StateDir, ec); err != nil {
		return err
	}
	feedbackAndStall(cfg, ec)
	if err := auditConfig(cfg, ec, desc); err != nil {
		return err
	}
	turnOff(ec, opts.Off)
	r.Description.Research = describeResearch(*ec)
	if a := describeAudit(*ec, desc); a != "" {
		r.Description.Research += ", " + a
	}
	r.Progress = noProgress{}
	if opts.Progress != nil {
		r.Progress = opts.Progress(r.Description.Primary)
	}
	ec.Progress = r.Progress.Update
	r.Engine, err = engine.New(ctx, *ec)
	return err
}

// startPlugins starts the sandbox, the executors and the task plugin,
// which lends the executors and the sandbox to the task, and asks the task
// to describe itself.
func (r *Run) startPlugins(ctx context.Context, cfg *campaign.Config, opts Options) (*plugins.Task, task.Description, error) {
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: opts.SandboxCacheDir, Progress: opts.SandboxProgress})
	if err != nil {
		return nil, task.Description{}, err
	}
	r.onClose(func() { rt.Close(context.WithoutCancel(ctx)) })
	logger, closeLog, err := pluginLogger(opts.StateDir)
	if err != nil {
		return nil, task.Description{}, err
	}
	r.onClose(closeLog)
	execs, err := plugins.StartExecutors(ctx, executorSpecs(cfg), plugins.ExecutorOptions{StateDir: opts.StateDir, Finder: Finder(cfg), Logger: logger})
	if err != nil {
		return nil, task.Description{}, err
	}
	r.onClose(execs.Close)
	tk, err := startTask(ctx, cfg, opts, rt, execs, logger)
	if err != nil {
		return nil, task.Description{}, fmt.Errorf("task %s: %w", cfg.Campaign.Task, err)
	}
	r.onClose(func() { tk.Close() })
	desc, err := tk.Describe(ctx)
	if err != nil {
		return nil, task.Description{}, fmt.Errorf("task %s: %w", cfg.Campaign.Task, err)
	}
	return tk, desc, nil
}

// engineConfig builds the roles and the sampler, records what the
// campaign is in the store and describes the run: the engine's
// configuration but cognition and research.
func (r *Run) engineConfig(ctx context.Context, cfg *campaign.Config, opts Options, tk *plugins.Task, desc task.Description) (*engine.Config, error) {
	researcher, err := provider(cfg, cfg.Roles.Researcher)
	if err != nil {
		return nil, err
	}
	an, err := analyzer(cfg, cfg.Campaign.Seed)
	if err != nil {
		return nil, err
	}
	db := cfg.Database
	sampler, err := sampling.New(db.Sampler, sampling.Options{
		Islands: db.Islands, MigrationInterval: db.MigrationInterval, MigrationRate: db.MigrationRate,
		Exploration: db.Exploration, GridBins: db.GridBins, FeatureDims: len(desc.FeatureDimensions),
	})
	if err != nil {
		return nil, err
	}
	offline := offlineRoles(cfg)
	if err := r.Store.SetInfo(ctx, store.Info{
		Campaign: cfg.Campaign.Name, Task: cfg.Campaign.Task, Primary: desc.Primary, Direction: string(desc.Direction),
		StepBudget: cfg.Campaign.Budget.Steps, Features: desc.FeatureDimensions, Offline: offline,
	}); err != nil {
		return nil, err
	}
	objs := objectives(cfg)
	if err := r.Store.SetObjectives(ctx, objs); err != nil {
		return nil, err
	}
	r.Description = Description{
		Campaign: cfg.Campaign.Name, Task: desc.Name, Primary: desc.Primary, Workers: cfg.Campaign.Workers, Sampler: db.Sampler,
		Researcher: DescribeRole(cfg, cfg.Roles.Researcher), StateDir: opts.StateDir, Offline: offline, Cognition: cfg.Cognition.Store,
	}
	b := cfg.Campaign.Budget
	return &engine.Config{
		Store: r.Store, Task: tk, Researcher: researcher, Analyzer: an, Sampler: sampler, Objectives: objs,
		Workers: cfg.Campaign.Workers, SampleN: db.SampleN, Seed: cfg.Campaign.Seed,
		Budget: engine.Budget{Steps: b.Steps, Wall: b.Wall, Tokens: b.Tokens, USD: b.USD, Target: b.Target},

		MaxInfraFailures: cfg.Campaign.MaxInfraFailures,
	}, nil
}

// openCognition opens and seeds the cognition base and sets the research
// machinery, which shares the base's embedder.
func (r *Run) openCognition(ctx context.Context, cfg *campaign.Config, dir string, ec *engine.Config) error {
	db, err := cognition.OpenDB(ctx, dir)
	if err != nil {
		return err
	}
	r.onClose(func() { db.Close() })
	emb := embedder(cfg, db)
	base, err := openBase(ctx, cfg, db, emb)
	if err != nil {
		return err
	}
	r.onClose(func() { base.Close() })
	if files, added, err := seedCognition(ctx, cfg, base); err != nil {
		r.Description.SeedErr = err
		r.Store.AddEvent(ctx, store.Event{Kind: "warning", Message: "cognition seed failed: " + err.Error()})
	} else {
		r.Description.SeedFiles, r.Description.SeedAdded = files, added
	}
	ec.Cognition, ec.TopK, ec.MinScore = base, cfg.Cognition.TopK, cfg.Cognition.MinScore
	ec.OfflineInsights = offlineInsights(cfg.Cognition)
	return researchConfig(cfg, ec, emb)
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

// ResumeState says whether apply would start or resume the campaign in
// dir, without creating anything.
func ResumeState(ctx context.Context, dir string) string {
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		return "new campaign"
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	defer st.Close()
	c, err := st.Steps(ctx)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return fmt.Sprintf("resumes after %d stored steps, %d unfinished", max(c.Done-1, 0), c.Running+c.Abandoned)
}

type noProgress struct{}

func (noProgress) Update(engine.Progress) {}
func (noProgress) Finish()                {}
