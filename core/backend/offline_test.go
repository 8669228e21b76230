package backend

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/campaign"
)

func TestOfflineInsightsGoWhereAsked(t *testing.T) {
	tests := []struct {
		name string
		cog  campaign.Cognition
		want bool
	}{
		{name: "embedded base, the campaign's own", cog: campaign.Cognition{Store: campaign.StoreEmbedded}, want: true},
		{name: "weaviate base, shared", cog: campaign.Cognition{Store: campaign.StoreWeaviate}},
		{name: "weaviate base, asked", cog: campaign.Cognition{Store: campaign.StoreWeaviate, ShareOfflineInsights: true}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := offlineInsights(tt.cog); got != tt.want {
				t.Errorf("offlineInsights = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOfflineRoles(t *testing.T) {
	models := map[string]*campaign.Model{"gpt": {Provider: "openai"}, "off": {Provider: campaign.ProviderOffline}, "off2": {Provider: campaign.ProviderOffline}}
	tests := []struct {
		name  string
		roles campaign.Roles
		judge string
		want  []string
	}{
		{name: "no model", want: []string{"researcher", "analyzer"}},
		{name: "model researcher", roles: campaign.Roles{Researcher: "gpt"}, want: []string{"analyzer"}},
		{name: "models", roles: campaign.Roles{Researcher: "gpt", Analyzer: "gpt"}, judge: "gpt"},
		{name: "an offline model block", roles: campaign.Roles{Researcher: "off", Analyzer: "gpt"}, judge: "off", want: []string{"researcher", "judge"}},
		{name: "one offline researcher of two", roles: campaign.Roles{Researcher: "gpt", Researchers: []string{"gpt", "off"}, Analyzer: "gpt"}, want: []string{"researcher"}},
		{name: "two offline researchers", roles: campaign.Roles{Researcher: "off", Researchers: []string{"off", "off2"}, Analyzer: "gpt"}, want: []string{"researcher"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &campaign.Config{Models: models, Roles: tt.roles}
			cfg.Research.Judge.Model = tt.judge
			if diff := cmp.Diff(tt.want, offlineRoles(cfg)); diff != "" {
				t.Errorf("offline roles (-want +got):\n%s", diff)
			}
		})
	}
}
