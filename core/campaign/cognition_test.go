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
		Embedder: "embed", Dimensions: 768, Collection: "SharedPacking",
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
