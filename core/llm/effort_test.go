package llm

import "testing"

func TestReasoningEffortGoesToReasoningModelsOnly(t *testing.T) {
	tests := []struct {
		name  string
		model string
		want  string
	}{
		{"reasoning model", "gpt-5-mini", "high"},
		{"chat model", "gpt-4o", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewOpenAI(OpenAIConfig{Model: tt.model, ReasoningEffort: "high"})
			if err != nil {
				t.Fatal(err)
			}
			if got := p.chatRequest(Request{}).ReasoningEffort; got != tt.want {
				t.Fatalf("reasoning_effort = %q, want %q", got, tt.want)
			}
		})
	}
}
