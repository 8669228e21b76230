package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// finder finds plugins for a campaign: its plugin blocks first, then the
// standard directories.
func finder(cfg *campaign.Config) plugins.Finder {
	declared := make(map[string]plugins.Declared, len(cfg.Plugins))
	for name, p := range cfg.Plugins {
		declared[name] = plugins.Declared{Path: cfg.Resolve(p.Path), SHA256: p.SHA256}
	}
	return plugins.NewFinder(declared)
}

// checkTask finds the campaign's task plugin and has it check the task
// block, returning located diagnostics for what the user can fix: an
// unknown task, a missing or altered binary, a plugin of another protocol
// version, a setting the task refuses.
func checkTask(cfg *campaign.Config) hcl.Diagnostics {
	name := cfg.Campaign.Task
	found, err := finder(cfg).Find(plugins.KindTask, name)
	if err != nil {
		return findDiagnostics(cfg, err)
	}
	tk, err := plugins.StartTask(context.Background(), found, plugins.TaskOptions{
		Settings: cfg.Task.Values(), Limits: taskLimits(cfg),
	})
	if err != nil {
		return taskDiagnostics(cfg, err)
	}
	tk.Close()
	return nil
}

// startTask starts the campaign's task plugin for a run, lending it the
// sandbox and the campaign's executors (nil: none). Its stderr goes to
// logger.
func startTask(ctx context.Context, cfg *campaign.Config, rt *sandbox.Runtime, execs *plugins.Executors, logger hclog.Logger) (*plugins.Task, error) {
	found, err := finder(cfg).Find(plugins.KindTask, cfg.Campaign.Task)
	if err != nil {
		return nil, err
	}
	host := sdk.Host{Sandbox: plugins.NewSandbox(rt, sandboxConfig(cfg))}
	if execs != nil { // a nil *Executors in the interface would not read as "none"
		host.Executor = execs
	}
	return plugins.StartTask(ctx, found, plugins.TaskOptions{
		Settings: cfg.Task.Values(),
		Limits:   taskLimits(cfg),
		Host:     host,
		Logger:   logger,

		EvaluateTimeout: cfg.Campaign.EvaluationTimeout,
	})
}

// pluginLogFile is where a campaign directory keeps what its plugins wrote
// to stderr, and the host's notes about them (crashes, restarts).
const pluginLogFile = "plugins.log"

// pluginLogger appends to the campaign directory's plugin log.
func pluginLogger(state string) (hclog.Logger, func(), error) {
	f, err := os.OpenFile(filepath.Join(state, pluginLogFile), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("plugin log: %w", err)
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "asi", Output: f, Level: hclog.Info})
	return logger, func() { _ = f.Close() }, nil
}

func taskLimits(cfg *campaign.Config) sdk.Limits {
	return sdk.Limits{Memory: cfg.Sandbox.Memory, Timeout: cfg.Sandbox.Timeout, OutputLimit: int64(cfg.Sandbox.OutputLimit)}
}

// findDiagnostics explains why the task plugin was not found.
func findDiagnostics(cfg *campaign.Config, err error) hcl.Diagnostics {
	name := cfg.Campaign.Task
	if p, ok := cfg.Plugins[name]; ok {
		rng := p.PathRange
		summary := "Task plugin not found"
		if errors.Is(err, plugins.ErrChecksum) {
			rng, summary = p.SHA256Range, "Task plugin refused"
		}
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: capitalize(err.Error()) + ".", Subject: &rng}}
	}
	var names []string
	for _, l := range finder(cfg).All(plugins.KindTask) {
		if l.Shadowed == "" {
			names = append(names, l.Name)
		}
	}
	sort.Strings(names)
	detail := fmt.Sprintf("There is no task named %q.", name)
	if len(names) > 0 {
		detail += fmt.Sprintf(" Known tasks: %s.", strings.Join(names, ", "))
	}
	for _, n := range names {
		if levenshtein.Distance(n, name, nil) <= 3 {
			detail += fmt.Sprintf(" Did you mean %q?", n)
			break
		}
	}
	detail += fmt.Sprintf(" A task is a plugin binary named %s, found through a plugin block or in the plugin directories (run `asi plugins` to list them); `make build` puts the built-in ones beside bin/asi.",
		plugins.BinaryName(plugins.KindTask, name))
	rng := cfg.Campaign.TaskRange
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown task", Detail: detail, Subject: &rng}}
}

// taskDiagnostics turns what StartTask refused into diagnostics: each
// problem with a setting at its attribute, anything else at the task name.
func taskDiagnostics(cfg *campaign.Config, err error) hcl.Diagnostics {
	var errs sdk.ConfigErrors
	if errors.As(err, &errs) {
		var diags hcl.Diagnostics
		for _, e := range errs {
			rng := cfg.TaskRange(e.Path)
			detail := e.Detail
			if len(e.Path) > 0 {
				detail = fmt.Sprintf("task.%s: %s", plugins.PathString(e.Path), detail)
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: e.Summary, Detail: detail, Subject: &rng})
		}
		return diags
	}
	summary := "Task plugin failed to start"
	if errors.Is(err, plugins.ErrProtocol) {
		summary = "Task plugin version mismatch"
	}
	rng := cfg.Campaign.TaskRange
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: capitalize(err.Error()) + ".", Subject: &rng}}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// cacheDir is where compiled sandbox modules and candidate builds are kept
// between campaigns; they are keyed by content, so sharing is safe.
func cacheDir() string {
	if d := os.Getenv("ASI_CACHE_DIR"); d != "" {
		return d
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "asi-cache")
	}
	return filepath.Join(base, "asi")
}

func sandboxConfig(cfg *campaign.Config) sandbox.Config {
	return sandbox.NewConfig().
		WithMemoryLimit(cfg.Sandbox.Memory).
		WithTimeout(cfg.Sandbox.Timeout).
		WithOutputLimit(cfg.Sandbox.OutputLimit)
}

// provider builds the provider of a role; label "" is the offline provider.
func provider(cfg *campaign.Config, label string) (llm.Provider, error) {
	if label == "" {
		return llm.NewOffline(), nil
	}
	m := cfg.Models[label]
	var p llm.Provider
	switch m.Provider {
	case "offline":
		p = llm.NewOffline()
	case "replay":
		r, err := llm.NewReplayer(cfg.Resolve(m.File))
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", label, err)
		}
		p = r
	default:
		o, err := llm.NewOpenAI(llm.OpenAIConfig{
			BaseURL: m.BaseURL, APIKey: m.APIKey, Model: m.Name, Temperature: m.Temperature,
			MaxTokens: m.MaxTokens, Timeout: m.Timeout, PriceInput: m.PriceInput, PriceOutput: m.PriceOutput,
			ReasoningEffort: m.ReasoningEffort,
		})
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", label, err)
		}
		p = o
	}
	if m.Record != "" {
		r, err := llm.NewRecorder(p, cfg.Resolve(m.Record))
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", label, err)
		}
		p = r
	}
	return p, nil
}

// describeRole says in words what runs a role, for plan and apply.
func describeRole(cfg *campaign.Config, label string) string {
	if label == "" {
		return "offline (built-in search operator, no model)"
	}
	m := cfg.Models[label]
	switch m.Provider {
	case "offline":
		return fmt.Sprintf("model.%s: offline", label)
	case "replay":
		return fmt.Sprintf("model.%s: replay of %s", label, m.File)
	}
	base := m.BaseURL
	if base == "" {
		base = "the default OpenAI endpoint"
	}
	return fmt.Sprintf("model.%s: %s at %s", label, m.Name, base)
}

// offlineRoles names the roles that run with no model, for the header,
// the store's Info and the reports.
func offlineRoles(cfg *campaign.Config) []string {
	offline := func(label string) bool {
		m, ok := cfg.Models[label]
		return !ok || m.Provider == campaign.ProviderOffline
	}
	researchers := cfg.Roles.Researchers
	if len(researchers) == 0 {
		researchers = []string{cfg.Roles.Researcher}
	}
	var roles []string
	for _, r := range []struct {
		role   string
		labels []string
	}{
		{"researcher", researchers},
		{"analyzer", []string{cfg.Roles.Analyzer}},
		{"judge", []string{cfg.Research.Judge.Model}},
		{"novelty", []string{cfg.Research.Novelty.Confirm}},
		{"manager", []string{cfg.Research.Manager.Model}},
	} {
		for _, label := range r.labels {
			optional := r.role != "researcher" && r.role != "analyzer"
			if (label != "" || !optional) && offline(label) {
				roles = append(roles, r.role)
				break
			}
		}
	}
	return roles
}

// offlineInsights says whether the offline analyzer's insights go to the
// cognition base: always to the embedded one, the campaign's own; to a
// weaviate base, which other campaigns read, only when the file asks.
func offlineInsights(c campaign.Cognition) bool {
	return c.Store != campaign.StoreWeaviate || c.ShareOfflineInsights
}

// analyzer builds the analyzer role. A model that cannot analyze (the
// offline provider) gets the offline analyzer.
func analyzer(cfg *campaign.Config, seed int64) (roles.Analyzer, error) {
	label := cfg.Roles.Analyzer
	if label == "" || cfg.Models[label].Provider == "offline" {
		return roles.OfflineAnalyzer{}, nil
	}
	p, err := provider(cfg, label)
	if err != nil {
		return nil, err
	}
	return roles.LLMAnalyzer{Provider: p, Seed: seed}, nil
}

// newSandbox starts the campaign's sandbox; a one-time build it must do
// first (the JavaScript interpreter) is announced on progress.
func newSandbox(ctx context.Context, progress io.Writer) (*sandbox.Runtime, error) {
	return sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: sandboxCacheDir(), Progress: progressTo(progress)})
}

// openCognition opens the campaign's cognition base in dir as the file
// configures it. The caller closes the DB after the base.
func openCognition(ctx context.Context, cfg *campaign.Config, dir string) (*cognition.Base, *cognition.DB, error) {
	c := cfg.Cognition
	db, err := cognition.OpenDB(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	var emb cognition.Embedder = cognition.NewOffline(c.Dimensions)
	if c.Embedder != "" {
		m := cfg.Models[c.Embedder]
		emb = cognition.NewOpenAI(cognition.OpenAIConfig{BaseURL: m.BaseURL, APIKey: m.APIKey, Model: m.Name, Cache: db}, c.Dimensions)
	}
	var st cognition.Store
	switch c.Store {
	case campaign.StoreWeaviate:
		collection := c.Collection
		if collection == "" {
			collection = cognition.CollectionName(cfg.Campaign.Task)
		}
		st, err = cognition.OpenWeaviate(cognition.WeaviateConfig{URL: c.URL, Collection: collection}, emb.Name(), emb.Dim())
	default:
		st, err = cognition.OpenEmbedded(ctx, db, emb.Name(), emb.Dim())
	}
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("cognition: %w", err)
	}
	return cognition.NewBase(st, emb, db, cognition.Options{}), db, nil
}

// seedCognition imports the documents the file's seed globs match. It is
// idempotent: an item already stored is not stored again.
func seedCognition(ctx context.Context, cfg *campaign.Config, base *cognition.Base) (files, added int, err error) {
	var paths []string
	for _, g := range cfg.Cognition.Seed {
		m, err := filepath.Glob(cfg.Resolve(g))
		if err != nil {
			return 0, 0, fmt.Errorf("cognition seed %q: %w", g, err)
		}
		paths = append(paths, m...)
	}
	sort.Strings(paths)
	items, err := readCognitionFiles(paths)
	if err != nil {
		return 0, 0, err
	}
	added, err = base.Import(ctx, items)
	return len(paths), added, err
}

// readCognitionFiles reads Markdown (.md) and exported (.jsonl) files.
func readCognitionFiles(paths []string) ([]cognition.Item, error) {
	var items []cognition.Item
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("cognition: %w", err)
		}
		var got []cognition.Item
		if strings.HasSuffix(p, ".jsonl") {
			got, err = cognition.ReadJSONL(f)
		} else {
			got, err = cognition.ParseMarkdown(f, filepath.Base(p))
		}
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("cognition %s: %w", p, err)
		}
		items = append(items, got...)
	}
	return items, nil
}
