package llm

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

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

func TestOpenAIMaxCost(t *testing.T) {
	msgs := []Message{{Role: "user", Content: "abcd"}}
	prompt := messageOverhead + len("user") + len("abcd") + messageOverhead
	tests := []struct {
		name      string
		configMax int
		reqMax    int
		reply     int // the reply tokens the bound must assume
	}{
		{name: "request limit", configMax: 256, reqMax: 100, reply: 100},
		{name: "model limit", configMax: 256, reply: 256},
		{name: "no limit", reply: DefaultReplyTokens},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewOpenAI(OpenAIConfig{Model: "m", PriceInput: 2, PriceOutput: 8, MaxTokens: tt.configMax})
			if err != nil {
				t.Fatal(err)
			}
			got, ok := MaxCost(p, Request{Messages: msgs, MaxTokens: tt.reqMax})
			want := (float64(prompt)*2 + float64(tt.reply)*8) / 1e6
			if !ok || math.Abs(got-want) > 1e-15 {
				t.Errorf("MaxCost = %v, %v; want %v, true", got, ok, want)
			}
		})
	}
}

// TestMaxPromptTokensBoundsEstimate: the bound is never under what a reply
// without usage is charged for (EstimateTokens), whatever the text.
func TestMaxPromptTokensBoundsEstimate(t *testing.T) {
	for _, text := range []string{"", "a", "héllo wörld", strings.Repeat("x", 10_001)} {
		msgs := []Message{{Role: "system", Content: text}, {Role: "user", Content: text + text}}
		est := EstimateTokens(msgs[0].Content) + EstimateTokens(msgs[1].Content)
		if got := MaxPromptTokens(msgs); got < est || got < len(text)*3 {
			t.Errorf("MaxPromptTokens(%d bytes) = %d, under the estimate %d or one token per byte", len(text)*3, got, est)
		}
	}
}

func TestReplayMaxCost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.jsonl")
	rec, err := NewRecorder(&echoProvider{}, path)
	if err != nil {
		t.Fatal(err)
	}
	r := req("researcher", "improve", 1)
	for range 2 { // costs 0.001, then 0.002
		if _, err := rec.Complete(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := MaxCost(rec, r); ok {
		t.Error("a recorder of a provider with no bound claims one")
	}
	rec.Close()
	rp, err := NewReplayer(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float64{0.002, 0.002, 0} {
		if got, ok := MaxCost(rp, r); !ok || got != want {
			t.Errorf("before reply %d: MaxCost = %v, %v; want %v (the dearest reply left)", i+1, got, ok, want)
		}
		rp.Complete(context.Background(), r)
	}
}
