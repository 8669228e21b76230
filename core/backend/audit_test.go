package backend

import (
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/task"
)

func TestAuditWiring(t *testing.T) {
	withVerify := task.Description{Name: "t", Stages: []task.Stage{{Name: "run"}, {Name: "verify", HeldOut: true}}}
	withoutVerify := task.Description{Name: "t", Stages: []task.Stage{{Name: "run"}}}
	models := map[string]*campaign.Model{
		"off":     {Label: "off", Provider: campaign.ProviderOffline},
		"auditor": {Label: "auditor", Provider: campaign.ProviderOpenAI, Name: "gpt-5-mini", APIKey: "k"},
	}
	tests := []struct {
		name    string
		audit   campaign.Audit
		desc    task.Description
		judge   bool
		wantErr string
	}{
		{name: "off", desc: withoutVerify},
		{name: "held-out stage", audit: campaign.Audit{Enabled: true, Top: 2, MaxDrop: 0.2}, desc: withVerify},
		{name: "no held-out stage", audit: campaign.Audit{Enabled: true, Top: 2, MaxDrop: 0.2}, desc: withoutVerify, wantErr: `declares none (its stages: "run")`},
		{name: "judge alone", audit: campaign.Audit{Enabled: true, Top: 2, MaxDrop: 0.2, Judge: "auditor"}, desc: withoutVerify, judge: true},
		{name: "offline judge", audit: campaign.Audit{Enabled: true, Top: 2, MaxDrop: 0.2, Judge: "off"}, desc: withVerify, wantErr: "cannot play the audit judge role"},
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
			if !tt.audit.Enabled {
				if ec.Audit != nil {
					t.Errorf("audit %+v without an audit block", ec.Audit)
				}
				return
			}
			if ec.Audit == nil || ec.Audit.Top != 2 || ec.Audit.MaxDrop != 0.2 || (ec.Audit.Judge != nil) != tt.judge {
				t.Errorf("audit = %+v; want top 2, max_drop 0.2, judge %v", ec.Audit, tt.judge)
			}
		})
	}
}
