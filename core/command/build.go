package command

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/tasks/circlepacking"
)

// taskEnv is what a built-in task may use from the host.
type taskEnv struct {
	sandbox       *sandbox.Runtime
	sandboxConfig sandbox.Config
}

// builtinTasks are the tasks compiled into asi.
func builtinTasks() map[string]func(taskEnv) task.Interface {
	return map[string]func(taskEnv) task.Interface{
		"circlepacking": func(env taskEnv) task.Interface {
			return circlepacking.New(env.sandbox, env.sandboxConfig)
		},
	}
}

// checkTask returns a diagnostic when the campaign names no known task.
func checkTask(cfg *campaign.Config) hcl.Diagnostics {
	tasks := builtinTasks()
	if _, ok := tasks[cfg.Campaign.Task]; ok {
		return nil
	}
	names := make([]string, 0, len(tasks))
	for n := range tasks {
		names = append(names, n)
	}
	sort.Strings(names)
	detail := fmt.Sprintf("There is no task named %q. Known tasks: %s.", cfg.Campaign.Task, strings.Join(names, ", "))
	for _, n := range names {
		if levenshtein.Distance(n, cfg.Campaign.Task, nil) <= 3 {
			detail += fmt.Sprintf(" Did you mean %q?", n)
			break
		}
	}
	rng := cfg.Campaign.TaskRange
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown task", Detail: detail, Subject: &rng}}
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

func newSandbox(ctx context.Context) (*sandbox.Runtime, error) {
	return sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: filepath.Join(cacheDir(), "sandbox")})
}
