package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCognitionEmbedderAndCollection(t *testing.T) {
	cfg, diags := NewParser().LoadFile("testdata/cognition/embedder.hcl")
	if diags.HasErrors() {
		t.Fatalf("diagnostics: %v", diags)
	}
	want := Cognition{
		Store: StoreWeaviate, URL: "http://127.0.0.1:8080", Seed: []string{"priors/*.md"}, TopK: 4, MinScore: 0.2,
		Embedder: "embed", Dimensions: 768, Collection: "SharedPacking", ShareOfflineInsights: true,
	}
	if diff := cmp.Diff(want, cfg.Cognition); diff != "" {
		t.Errorf("cognition (-want +got):\n%s", diff)
	}
	for _, d := range diags {
		if d.Summary == "Model not used by any role" {
			t.Errorf("the embedder's model is reported unused: %v", d)
		}
	}
}

func TestShareOfflineInsights(t *testing.T) {
	tests := []struct {
		name  string
		block string
		want  bool
		warn  bool // "Setting has no effect"
	}{
		{name: "default keeps them out", block: `store = "weaviate"
  url = "http://127.0.0.1:8080"`},
		{name: "asked for", block: `store = "weaviate"
  url = "http://127.0.0.1:8080"
  share_offline_insights = true`, want: true},
		{name: "embedded base", block: `share_offline_insights = true`, want: true, warn: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "campaign \"c\" {\n  task = \"circlepacking\"\n}\n\ncognition {\n  " + tt.block + "\n}\n"
			cfg, diags := NewParser().Parse([]byte(src), "share.hcl")
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			warned := false
			for _, d := range diags {
				warned = warned || d.Summary == "Setting has no effect"
			}
			if cfg.Cognition.ShareOfflineInsights != tt.want || warned != tt.warn {
				t.Errorf("share_offline_insights = %v, warned %v; want %v, %v (%v)", cfg.Cognition.ShareOfflineInsights, warned, tt.want, tt.warn, diags)
			}
		})
	}
}
