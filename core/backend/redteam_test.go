package backend

import (
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/core/task"
)

func TestRedteamWiring(t *testing.T) {
	withVerify := task.Description{Name: "t", Stages: []task.Stage{{Name: "run"}, {Name: "verify", HeldOut: true}}}
	withoutVerify := task.Description{Name: "t", Stages: []task.Stage{{Name: "run"}}}
	models := map[string]*campaign.Model{
		"off": {Label: "off", Provider: campaign.ProviderOffline},
		"red": {Label: "red", Provider: campaign.ProviderOpenAI, Name: "gpt-5-mini", APIKey: "k"},
	}
	zero, twenty, known := 0, 20, 2.635
	tests := []struct {
		name       string
		audit      campaign.Audit
		desc       task.Description
		wantBudget int
		adversary  bool
		describe   []string
		wantErr    string
	}{
		{name: "attacks alone, no held-out stage", audit: campaign.Audit{Enabled: true, Top: 3, MaxDrop: 0.1, Attacks: true}, desc: withoutVerify,
			wantBudget: redteam.DefaultBudget, describe: []string{"red team only", "optimiser budget 60", "margin 50%"}},
		{name: "attacks beside the held-out audit", audit: campaign.Audit{Enabled: true, Top: 3, MaxDrop: 0.1, Attacks: true, AttackBudget: &twenty, KnownBest: &known}, desc: withVerify,
			wantBudget: 20, describe: []string{"top 3, max_drop 0.1", "optimiser budget 20", "known best 2.635"}},
		{name: "no optimiser, an adversary", audit: campaign.Audit{Enabled: true, Top: 3, MaxDrop: 0.1, Attacks: true, AttackBudget: &zero, Adversary: "red", Margin: 0.2}, desc: withoutVerify,
			wantBudget: -1, adversary: true, describe: []string{"no optimiser", "margin 20%", "adversary model"}},
		{name: "offline adversary", audit: campaign.Audit{Enabled: true, Attacks: true, Adversary: "off"}, desc: withoutVerify, wantErr: "cannot play the adversary role"},
		{name: "no attacks, no held-out stage", audit: campaign.Audit{Enabled: true, Top: 3, MaxDrop: 0.1}, desc: withoutVerify, wantErr: "attacks = true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &campaign.Config{Audit: tt.audit, Models: models}
			var ec engine.Config
			err := auditConfig(cfg, &ec, tt.desc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("auditConfig = %v; want an error saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diags := checkAudit(cfg, tt.desc); len(diags) != 0 {
				t.Errorf("checkAudit = %v; want nothing to say", diags)
			}
			rt := ec.Audit.Redteam
			if rt == nil {
				t.Fatal("no red team configured")
			}
			if rt.Budget != tt.wantBudget || (rt.Adversary != nil) != tt.adversary || rt.Margin != tt.audit.Margin || rt.KnownBest != tt.audit.KnownBest || rt.ErrDeadline == nil {
				t.Errorf("red team = %+v; want budget %d, adversary %v, the block's margin and known best, the plugins' deadline error", rt, tt.wantBudget, tt.adversary)
			}
			got := describeAudit(ec, tt.desc)
			for _, w := range tt.describe {
				if !strings.Contains(got, w) {
					t.Errorf("describeAudit = %q; want %q", got, w)
				}
			}
		})
	}
}
