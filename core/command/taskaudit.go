package command

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/asi-evolve/asi/core/backend"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/core/views"
)

// optionalFloat is a flag that may be left unset.
type optionalFloat struct{ v *float64 }

func (f *optionalFloat) String() string {
	if f.v == nil {
		return ""
	}
	return strconv.FormatFloat(*f.v, 'g', -1, 64)
}

func (f *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	f.v = &v
	return nil
}

// runTaskAudit attacks a task's evaluator with programs that try to score
// without solving the problem, each run through the task as a candidate
// would be: exit 0 when nothing beat the bound, 1 with the findings (or
// when the audit could not run).
func runTaskAudit(ctx context.Context, args []string, s Streams) int {
	fs := newFlags("task audit", "[flags] FILE|DIR|TASK", s)
	jsonOut := fs.Bool("json", false, "print the audit as JSON")
	cache := fs.String("cache", sandboxCacheDir(), "cache of builds and compiled modules")
	budget := fs.Int("budget", 0, fmt.Sprintf("evaluations the black-box optimiser may spend (default %d; -1 for none)", redteam.DefaultBudget))
	adversary := fs.String("adversary", "", "label of the campaign's model block that writes hack programs (default: the audit block's adversary; none runs offline)")
	attempts := fs.Int("attempts", 0, "programs the adversary model writes (default 4)")
	var knownBest optionalFloat
	fs.Var(&knownBest, "known-best", "a bound no honest program beats, such as a proven optimum (default: the audit block's known_best)")
	margin := fs.Float64("margin", 0, fmt.Sprintf("with no known best, how far past the honest score, relative, a finding must score (default %.2g)", redteam.DefaultMargin))
	state := fs.String("state", "", "campaign directory the findings are stored in (default .asi/<campaign>)")
	noStore := fs.Bool("no-store", false, "print the findings without storing them")
	pos, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitUsage
	}
	if *margin < 0 || *attempts < 0 {
		fmt.Fprintln(s.Stderr, "asi task audit: -margin and -attempts cannot be negative")
		return exitUsage
	}
	file, cfg, ok := auditedCampaign(pos[0], s)
	if !ok {
		return exitError
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	out := views.TaskAudit{File: file}
	view := views.View{W: s.Stdout, JSON: *jsonOut}
	if err := auditTask(ctx, cfg, auditFlags{
		cache: *cache, budget: *budget, adversary: *adversary, attempts: *attempts, knownBest: knownBest.v, margin: *margin,
		state: *state, noStore: *noStore, progress: !*jsonOut,
	}, &out, s); err != nil {
		out.Error = err.Error()
		if werr := view.TaskAudit(out, s.Stderr); werr != nil {
			return fail(werr, s)
		}
		return exitError
	}
	if err := view.TaskAudit(out, s.Stderr); err != nil {
		return fail(err, s)
	}
	if len(out.Findings) > 0 {
		return exitError
	}
	return exitOK
}

type auditFlags struct {
	cache, adversary string
	budget, attempts int
	knownBest        *float64
	margin           float64
	state            string
	noStore          bool
	progress         bool
}

// auditedCampaign resolves what `asi task audit` attacks: a campaign
// file, a folder holding campaign.hcl (as `asi task new` writes), or the
// name of a task, audited with its own settings' defaults.
func auditedCampaign(arg string, s Streams) (string, *campaign.Config, bool) {
	file := arg
	if info, err := os.Stat(arg); err == nil && info.IsDir() {
		file = filepath.Join(arg, "campaign.hcl")
		if _, err := os.Stat(file); err != nil {
			fmt.Fprintf(s.Stderr, "asi task audit: %s holds no campaign.hcl\n", arg)
			return arg, nil, false
		}
	} else if err != nil && !strings.HasSuffix(arg, ".hcl") && !strings.ContainsAny(arg, `/\`) {
		return taskCampaign(arg, s)
	}
	cfg, ok := loadCampaign(file, s.Stderr)
	return file, cfg, ok
}

// taskCampaign is the campaign of a task alone: its defaults, offline.
func taskCampaign(name string, s Streams) (string, *campaign.Config, bool) {
	src := fmt.Sprintf("campaign %q {\n  task = %q\n}\n", "audit-"+name, name)
	p := campaign.NewParser()
	wd, _ := os.Getwd()
	cfg, diags := p.Parse([]byte(src), filepath.Join(wd, name+".hcl"))
	if !diags.HasErrors() {
		diags = append(diags, backend.CheckTask(cfg)...)
	}
	if diags.HasErrors() {
		fmt.Fprintf(s.Stderr, "asi task audit: %s is neither a campaign file, a folder nor a task asi can find:\n", name)
		p.WriteDiagnostics(s.Stderr, diags)
		return name, nil, false
	}
	return "task " + name, cfg, true
}

// auditTask runs the audit of cfg's task into out.
func auditTask(ctx context.Context, cfg *campaign.Config, f auditFlags, out *views.TaskAudit, s Streams) error {
	opts := redteam.Options{Budget: f.budget, Seed: cfg.Campaign.Seed, ModelAttempts: f.attempts}
	if label := cmp.Or(f.adversary, cfg.Audit.Adversary); label != "" {
		p, err := backend.AdversaryModel(cfg, label)
		if err != nil {
			return fmt.Errorf("adversary: %w", err)
		}
		opts.Adversary = p
	}
	if f.progress {
		fmt.Fprintf(s.Stderr, "Starting task %s...\n", cfg.Campaign.Task)
	}
	ev, err := backend.StartEvaluator(ctx, cfg, backend.CheckOptions{SandboxCacheDir: f.cache, SandboxProgress: views.ProgressLines(s.Stderr)})
	if err != nil {
		return fmt.Errorf("task %s: %w", cfg.Campaign.Task, err)
	}
	defer ev.Close()
	desc := ev.Description()
	out.Task, out.Primary, out.Direction = desc.Name, desc.Primary, string(desc.Direction)
	honest, err := ev.Evaluate(ctx, desc.InitialProgram, cfg.Campaign.Seed)
	if err != nil {
		return fmt.Errorf("evaluate the initial program: %w", err)
	}
	if !honest.Valid {
		return fmt.Errorf("the initial program is not valid, so there is no honest score to compare with (asi task check says why):\n%s",
			strings.TrimSpace(honest.Feedback))
	}
	target := redteam.Target{
		Language: desc.Language, Primary: desc.Primary, Minimize: desc.Direction == task.Minimize,
		Program: desc.InitialProgram, Honest: honest, Statement: desc.Statement,
		EvaluatorSource: backend.EvaluatorSource(cfg),
		KnownBest:       cmpOrFloat(f.knownBest, cfg.Audit.KnownBest),
		Margin:          f.margin,
	}
	if target.Margin == 0 {
		target.Margin = cfg.Audit.Margin
	}
	dir := cmp.Or(f.state, campaignDir(cfg.Campaign.Name))
	best, err := bestHonestScore(ctx, dir, target.Minimize)
	if err != nil {
		return fmt.Errorf("read the campaign's best node in %s: %w", dir, err)
	}
	if best != nil && target.Beats(*best, honest.Score) {
		target.BestHonest = best
	}
	if f.budget == 0 && cfg.Audit.AttackBudget != nil {
		opts.Budget = *cfg.Audit.AttackBudget
		if opts.Budget == 0 {
			opts.Budget = -1 // the file's 0 is no optimiser; the option's 0 is the default
		}
	}
	out.Honest = honest.Score
	out.Bound, out.BoundText = target.Bound()
	if f.progress {
		fmt.Fprintf(s.Stderr, "Honest score %s = %.6g; a finding must beat %.6g (%s).\n", desc.Primary, honest.Score, out.Bound, out.BoundText)
		opts.Progress = func(done int, a redteam.Attempt) { views.AuditAttempt(s.Stderr, done, a) }
	}
	rep, err := redteam.Run(ctx, ev, target, opts)
	if err != nil {
		return err
	}
	out.Attempts, out.Findings, out.Notes = len(rep.Attempts), rep.Findings, rep.Notes
	out.ByKind = map[string]int{}
	for _, a := range rep.Attempts {
		out.ByKind[a.Attack.Kind]++
		if a.Err == nil && a.Outcome.Valid {
			out.Valid++
		}
	}
	if f.noStore {
		return nil
	}
	if err := storeFindings(ctx, dir, rep); err != nil {
		return fmt.Errorf("store the findings in %s: %w", dir, err)
	}
	out.StoredIn = dir
	return nil
}

func cmpOrFloat(a, b *float64) *float64 {
	if a != nil {
		return a
	}
	return b
}

// bestHonestScore is the score of the campaign's best valid node that no
// audit flagged and no red-team pass found a hole from, when the campaign
// in dir ran; nil when it did not, or has no such node.
func bestHonestScore(ctx context.Context, dir string, minimize bool) (*float64, error) {
	if _, err := os.Stat(filepath.Join(dir, store.FileName)); err != nil {
		return nil, nil
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	suspect := map[int64]bool{}
	flagged, err := st.FlaggedAudits(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range flagged {
		suspect[a.NodeID] = true
	}
	findings, err := st.Findings(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range findings {
		suspect[f.NodeID] = true
	}
	top, err := st.TopNodes(ctx, len(suspect)+1, !minimize)
	if err != nil {
		return nil, err
	}
	for _, n := range top {
		if !suspect[n.ID] {
			return &n.Score, nil
		}
	}
	return nil, nil
}

// storeFindings stores an audit's findings, and an event that says it
// ran, in the campaign directory dir, created when the campaign never ran.
func storeFindings(ctx context.Context, dir string, rep redteam.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	st, err := store.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	fs := make([]store.Finding, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		fs = append(fs, store.Finding{
			NodeID: store.InitialProgramNode, Source: store.FindingSourceCommand,
			Attack: f.Attack, Kind: f.Kind, Description: f.Description,
			Score: f.Score, Bound: f.Bound, BoundText: f.BoundText, Code: f.Code, Feedback: f.Feedback,
		})
	}
	event := store.Event{Kind: store.EventRedteam,
		Message: fmt.Sprintf("asi task audit of the initial program: %d attempts, %d finding(s)", len(rep.Attempts), len(rep.Findings))}
	return st.AddFindings(ctx, fs, event)
}
