package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/forecast"
)

func TestWriteForecast(t *testing.T) {
	priced := forecast.Amount{Calls: 2, PromptTokens: 12000, CompletionTokens: 800, USD: 0.05}
	unpriced := forecast.Amount{Calls: 1, PromptTokens: 3000, CompletionTokens: 200, PriceUnknown: true}
	tests := []struct {
		name   string
		f      forecast.Forecast
		want   []string
		absent []string
	}{
		{
			name:   "no model",
			f:      forecast.Forecast{From: "every role runs offline: no model is called", NoModel: true},
			want:   []string{"What it will cost: nothing (every role runs offline: no model is called, no money, no tokens)"},
			absent: []string{"$", "total:"},
		},
		{
			name: "price unknown",
			f: forecast.Forecast{
				From: "new campaign", Steps: 4, PriceUnknown: []string{"small"},
				Lines: []forecast.Line{
					{Role: "researcher", Model: "large", PerStep: priced, From: "estimate", Price: "campaign file"},
					{Role: "analyzer", Model: "small", PerStep: unpriced, From: "estimate", Price: "unknown"},
				},
				PerStep: forecast.Amount{Calls: 3, PromptTokens: 15000, CompletionTokens: 1000, USD: 0.05, PriceUnknown: true},
				Total:   &forecast.Amount{Calls: 12, PromptTokens: 60000, CompletionTokens: 4000, USD: 0.2, PriceUnknown: true},
				Wall:    forecast.Wall{PerStepSeconds: 12, TotalSeconds: 48, AtLeast: true},
				Caps:    []forecast.Cap{{Message: "usd = 0.1 ends the campaign after about 2 of 4 steps"}},
				Notes:   []string{"calls: assumed"},
			},
			want: []string{
				"total:       4 steps: about 12 calls, 64k tokens (60k prompt, 4.0k completion), $0.20 + price unknown for model.small",
				"researcher  model.large    2 calls, 12k prompt + 800 completion tokens, $0.05 a step (estimate; price: campaign file)",
				"analyzer    model.small    1 call, 3.0k prompt + 200 completion tokens, price unknown (estimate; price: unknown)",
				"wall:        at least 48s (at least 12s a step)",
				"warning:     usd = 0.1 ends the campaign after about 2 of 4 steps",
				"    - calls: assumed",
			},
			absent: []string{"$0 a step", "$0.00 a step"},
		},
		{
			name: "no step budget",
			f: forecast.Forecast{From: "new campaign", Lines: []forecast.Line{{Role: "researcher", Model: "large", PerStep: priced}},
				PerStep: priced, Wall: forecast.Wall{PerStepSeconds: 5}},
			want:   []string{"total:       no step budget", "per step:    about 2 calls", "wall:        5s a step"},
			absent: []string{"price unknown"},
		},
		{
			name: "budget spent",
			f: forecast.Forecast{From: "campaign history", StepsDone: 8, Lines: []forecast.Line{{Role: "researcher", Model: "large", PerStep: priced}},
				PerStep: priced, Total: &forecast.Amount{}},
			want: []string{"total:       no step left of the budget (8 stored)\n"},
		},
		{
			name: "unreadable history",
			f:    forecast.Forecast{From: "campaign history unreadable", HistoryError: "file is not a database", NoModel: true},
			want: []string{"history:     could not read the campaign's history (file is not a database); estimated as for a new campaign"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeForecast(&b, tt.f)
			out := b.String()
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, absent := range tt.absent {
				if strings.Contains(out, absent) {
					t.Errorf("output has %q:\n%s", absent, out)
				}
			}
		})
	}
}
