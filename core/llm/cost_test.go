package llm

import "testing"

func TestEstimateTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{name: "empty", in: "", want: 0},
		{name: "short rounds up", in: "a", want: 1},
		{name: "exact", in: "abcdefgh", want: 2},
		{name: "partial", in: "abcdefghi", want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EstimateTokens(tt.in); got != tt.want {
				t.Errorf("EstimateTokens(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestPrice(t *testing.T) {
	tests := []struct {
		name    string
		model   string
		in, out float64
		ok      bool
	}{
		{name: "known", model: "gpt-4o-mini", in: 0.15, out: 0.60, ok: true},
		{name: "dated snapshot", model: "gpt-4o-2024-08-06", in: 2.50, out: 10.00, ok: true},
		{name: "routing prefix and case", model: "openai/GPT-5-mini", in: 0.25, out: 2.00, ok: true},
		{name: "longer name is not its prefix", model: "gpt-4o-audio-preview"},
		{name: "unknown", model: "llama-3-8b"},
		{name: "empty", model: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, out, ok := Price(tt.model)
			if in != tt.in || out != tt.out || ok != tt.ok {
				t.Errorf("Price(%q) = %v, %v, %v; want %v, %v, %v", tt.model, in, out, ok, tt.in, tt.out, tt.ok)
			}
		})
	}
}

func TestCost(t *testing.T) {
	if got, want := Cost(2_000_000, 500_000, 1.5, 4), 3.0+2.0; got != want {
		t.Errorf("Cost = %v, want %v", got, want)
	}
}
