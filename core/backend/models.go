package backend

import (
	"fmt"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
)

// provider builds the provider of a role; label "" is the offline provider.
func provider(cfg *campaign.Config, label string) (llm.Provider, error) {
	if label == "" {
		return roles.NewOffline(), nil
	}
	m := cfg.Models[label]
	var p llm.Provider
	switch m.Provider {
	case campaign.ProviderOffline:
		p = roles.NewOffline()
	case campaign.ProviderReplay:
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

// offlineModel says whether label runs with no model: no label, or a
// model block of the offline provider.
func offlineModel(cfg *campaign.Config, label string) bool {
	return label == "" || cfg.Models[label].Provider == campaign.ProviderOffline
}

// modelRole builds the provider of a role only a language model can play.
func modelRole(cfg *campaign.Config, label, role string) (llm.Provider, error) {
	if offlineModel(cfg, label) {
		return nil, fmt.Errorf("model %q: the offline provider cannot play the %s role; give it a model or remove the block", label, role)
	}
	return provider(cfg, label)
}

// analyzer builds the analyzer role. A model that cannot analyze (the
// offline provider) gets the offline analyzer.
func analyzer(cfg *campaign.Config, seed int64) (roles.Analyzer, error) {
	label := cfg.Roles.Analyzer
	if offlineModel(cfg, label) {
		return roles.OfflineAnalyzer{}, nil
	}
	p, err := provider(cfg, label)
	if err != nil {
		return nil, err
	}
	return roles.LLMAnalyzer{Provider: p, Seed: seed}, nil
}

// DescribeRole says in words what runs a role, for plan and apply.
func DescribeRole(cfg *campaign.Config, label string) string {
	if label == "" {
		return "offline (built-in search operator, no model)"
	}
	m := cfg.Models[label]
	switch m.Provider {
	case campaign.ProviderOffline:
		return fmt.Sprintf("model.%s: offline", label)
	case campaign.ProviderReplay:
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
