package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/asi-evolve/asi/sdk"
)

var config = []sdk.Setting{
	{Name: "steps", Type: sdk.TypeNumber, Default: float64(10)},
	{Name: "name", Type: sdk.TypeString, Required: true, Description: "what to call it"},
	{Name: "tags", Type: sdk.TypeStringList},
}

func TestApply(t *testing.T) {
	tests := []struct {
		name        string
		values      map[string]cty.Value
		want        sdk.Settings
		wantSummary []string
	}{
		{name: "defaults fill what is left out", values: map[string]cty.Value{"name": cty.StringVal("x")},
			want: sdk.Settings{"steps": float64(10), "name": "x"}},
		{name: "values convert as HCL converts them",
			values: map[string]cty.Value{"name": cty.NumberIntVal(3), "tags": cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.True})},
			want:   sdk.Settings{"steps": float64(10), "name": "3", "tags": []any{"a", "true"}}},
		{name: "a null in a list is an error, not a crash",
			values:      map[string]cty.Value{"name": cty.StringVal("x"), "tags": cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NullVal(cty.String)})},
			wantSummary: []string{"Incorrect attribute value type"}},
		{name: "wrong type, unknown name, missing requirement",
			values:      map[string]cty.Value{"steps": cty.StringVal("many"), "stepz": cty.True},
			wantSummary: []string{"Incorrect attribute value type", "Unsupported argument", "Missing required argument"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := Apply(config, tt.values)
			var summaries []string
			for _, e := range errs {
				summaries = append(summaries, e.Summary)
			}
			if diff := cmp.Diff(tt.wantSummary, summaries); diff != "" {
				t.Fatalf("errors %v (-want +got):\n%s", errs, diff)
			}
			if tt.wantSummary == nil {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("settings (-want +got):\n%s", diff)
				}
			}
		})
	}
}
