package backend

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/engine"
)

// TestFeedbackAndStallWiring checks what the feedback and stop blocks hand
// the engine: feedback on by default, off when the block says so; a stall
// with the researcher model's temperature.
func TestFeedbackAndStallWiring(t *testing.T) {
	const head = "campaign \"c\" {\n  task = \"circlepacking\"\n}\n"
	tests := []struct {
		name      string
		src       string
		wantFb    *engine.Feedback
		wantStall *engine.Stall
	}{
		{name: "defaults", src: head, wantFb: &engine.Feedback{MaxChars: 2000, Stderr: true}},
		{name: "feedback off", src: head + "feedback {\n  enabled = false\n}\n"},
		{
			name: "stop with a temperature",
			src: head + "model \"m\" {\n  provider = \"offline\"\n  temperature = 0.6\n}\nroles {\n  researcher = model.m\n}\n" +
				"feedback {\n  max_chars = 500\n  artifacts = [\"stdout\"]\n}\nstop {\n  patience = 4\n  response = \"temperature\"\n}\n",
			wantFb:    &engine.Feedback{MaxChars: 500, Stderr: true, Artifacts: []string{"stdout"}},
			wantStall: &engine.Stall{Patience: 4, Response: "temperature", Responses: 1, Temperature: 0.6},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := campaign.NewParser().Parse([]byte(tt.src), "c.hcl")
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			var ec engine.Config
			feedbackAndStall(cfg, &ec)
			if diff := cmp.Diff(tt.wantFb, ec.Feedback); diff != "" {
				t.Errorf("feedback (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantStall, ec.Stall); diff != "" {
				t.Errorf("stall (-want +got):\n%s", diff)
			}
		})
	}
}
