package campaign

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestFeedbackSettings(t *testing.T) {
	const head = "campaign \"c\" {\n  task = \"circlepacking\"\n}\n"
	tests := []struct {
		name string
		src  string
		want Feedback
	}{
		{name: "on without the block", src: head, want: Feedback{Enabled: true, MaxChars: 2000, Stderr: true}},
		{name: "an empty block is the defaults", src: head + "feedback {}\n", want: Feedback{Enabled: true, MaxChars: 2000, Stderr: true}},
		{name: "off", src: head + "feedback {\n  enabled = false\n}\n", want: Feedback{MaxChars: 2000, Stderr: true}},
		{
			name: "every setting",
			src:  head + "feedback {\n  max_chars = 500\n  stderr = false\n  artifacts = [\"stdout\", \"trace\"]\n}\n",
			want: Feedback{Enabled: true, MaxChars: 500, Artifacts: []string{"stdout", "trace"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().Parse([]byte(tt.src), "feedback.hcl")
			if diags.HasErrors() {
				t.Fatalf("diagnostics:\n%s", describe(diags))
			}
			if diff := cmp.Diff(tt.want, cfg.Feedback, cmpopts.IgnoreFields(Feedback{}, "DeclRange")); diff != "" {
				t.Errorf("feedback (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStopSettings(t *testing.T) {
	const head = "campaign \"c\" {\n  task = \"circlepacking\"\n}\n"
	tests := []struct {
		name string
		src  string
		want Stop
	}{
		{name: "off without the block", src: head},
		{name: "defaults", src: head + "stop {\n  patience = 5\n}\n", want: Stop{Enabled: true, Patience: 5, Response: "none", Responses: 1}},
		{
			name: "reseed with islands",
			src:  head + "database {\n  sampler = \"island_map_elites\"\n}\nstop {\n  patience = 3\n  min_delta = 0.01\n  response = \"reseed\"\n  responses = 2\n}\n",
			want: Stop{Enabled: true, Patience: 3, MinDelta: 0.01, Response: "reseed", Responses: 2},
		},
		{
			name: "switch model with two researchers",
			src: head + "model \"a\" {\n  provider = \"offline\"\n}\nmodel \"b\" {\n  provider = \"offline\"\n}\n" +
				"roles {\n  researcher = [model.a, model.b]\n}\nstop {\n  patience = 4\n  response = \"switch_model\"\n}\n",
			want: Stop{Enabled: true, Patience: 4, Response: "switch_model", Responses: 1},
		},
		{name: "temperature", src: head + "stop {\n  patience = 2\n  response = \"temperature\"\n}\n", want: Stop{Enabled: true, Patience: 2, Response: "temperature", Responses: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().Parse([]byte(tt.src), "stop.hcl")
			if diags.HasErrors() {
				t.Fatalf("diagnostics:\n%s", describe(diags))
			}
			if diff := cmp.Diff(tt.want, cfg.Stop, cmpopts.IgnoreFields(Stop{}, "DeclRange")); diff != "" {
				t.Errorf("stop (-want +got):\n%s", diff)
			}
			if tt.want.Enabled && cfg.Stop.DeclRange.Start.Line == 0 {
				t.Errorf("the block's range is not kept")
			}
		})
	}
}
