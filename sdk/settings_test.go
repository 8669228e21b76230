package sdk_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
)

func TestSettingsGetters(t *testing.T) {
	s := sdk.Settings{
		"language": "go",
		"steps":    200.0,
		"lr":       0.5,
		"count":    3, // a Go int, as a test may write
		"verbose":  true,
		"timeout":  "1m30s",
		"tags":     []any{"a", "b"},
		"weights":  []any{1.0, 2.5},
		"nothing":  nil,
	}
	get := map[string]func(name string) (any, error){
		"String":   func(n string) (any, error) { return s.String(n) },
		"Float":    func(n string) (any, error) { return s.Float(n) },
		"Int":      func(n string) (any, error) { return s.Int(n) },
		"Bool":     func(n string) (any, error) { return s.Bool(n) },
		"Duration": func(n string) (any, error) { return s.Duration(n) },
		"Strings":  func(n string) (any, error) { return s.Strings(n) },
		"Floats":   func(n string) (any, error) { return s.Floats(n) },
	}
	tests := []struct {
		name    string
		getter  string
		setting string
		want    any
		summary string // of the *ConfigError; "" for none
		detail  string
	}{
		{name: "string", getter: "String", setting: "language", want: "go"},
		{name: "float", getter: "Float", setting: "lr", want: 0.5},
		{name: "int", getter: "Int", setting: "steps", want: 200},
		{name: "int from a Go int", getter: "Int", setting: "count", want: 3},
		{name: "float from a Go int", getter: "Float", setting: "count", want: 3.0},
		{name: "bool", getter: "Bool", setting: "verbose", want: true},
		{name: "duration", getter: "Duration", setting: "timeout", want: 90 * time.Second},
		{name: "strings", getter: "Strings", setting: "tags", want: []string{"a", "b"}},
		{name: "floats", getter: "Floats", setting: "weights", want: []float64{1, 2.5}},

		{name: "not a whole number", getter: "Int", setting: "lr", want: 0,
			summary: "Incorrect attribute value type", detail: `"lr" must be a whole number, not the number 0.5.`},
		{name: "a string for a number", getter: "Float", setting: "language", want: 0.0,
			summary: "Incorrect attribute value type", detail: `"language" must be a number, not the string "go".`},
		{name: "a number for a string", getter: "String", setting: "steps", want: "",
			summary: "Incorrect attribute value type", detail: `"steps" must be a string, not the number 200.`},
		{name: "a number for a bool", getter: "Bool", setting: "steps", want: false,
			summary: "Incorrect attribute value type", detail: `"steps" must be a bool, not the number 200.`},
		{name: "not a duration", getter: "Duration", setting: "language", want: time.Duration(0),
			summary: "Incorrect attribute value type", detail: `"language" must be a duration such as "90s" or "1h30m", not the string "go".`},
		{name: "numbers for strings", getter: "Strings", setting: "weights", want: []string(nil),
			summary: "Incorrect attribute value type", detail: `"weights" must be a list of strings, not a list.`},
		{name: "a string for numbers", getter: "Floats", setting: "language", want: []float64(nil),
			summary: "Incorrect attribute value type", detail: `"language" must be a list of numbers, not the string "go".`},
		{name: "absent", getter: "Int", setting: "seed", want: 0,
			summary: "Missing setting", detail: `"seed" is not set and has no default: set it in the task block.`},
		{name: "null", getter: "String", setting: "nothing", want: "",
			summary: "Missing setting", detail: `"nothing" is not set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := get[tt.getter](tt.setting)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s(%q) (-want +got):\n%s", tt.getter, tt.setting, diff)
			}
			var ce *sdk.ConfigError
			switch {
			case tt.summary == "" && err != nil:
				t.Errorf("%s(%q): %v", tt.getter, tt.setting, err)
			case tt.summary == "":
			case !errors.As(err, &ce):
				t.Errorf("%s(%q) error = %v, want a *sdk.ConfigError", tt.getter, tt.setting, err)
			case strings.Join(ce.Path, ".") != tt.setting || ce.Summary != tt.summary || !strings.Contains(ce.Detail, tt.detail):
				t.Errorf("%s(%q) error at %v: %s: %s\nwant %s: %s: ...%s...", tt.getter, tt.setting, ce.Path, ce.Summary, ce.Detail, tt.setting, tt.summary, tt.detail)
			}
		})
	}
}

func TestSettingsIntRange(t *testing.T) {
	s := sdk.Settings{"huge": 1e19, "edge": 9223372036854775807.0}
	for name := range s {
		if v, err := s.Int(name); err == nil {
			t.Errorf("Int(%q) = %d, want an error: the number does not fit an int", name, v)
		}
	}
}

// A task's Configure reads each setting as the type it wants; the error
// names the attribute, so Configure returns it as it is.
func ExampleSettings() {
	configure := func(req sdk.ConfigureRequest) error {
		steps, err := req.Settings.Int("steps")
		if err != nil {
			return err
		}
		fmt.Println("steps:", steps)
		return nil
	}
	fmt.Println(configure(sdk.ConfigureRequest{Settings: sdk.Settings{"steps": 500.0}}))
	fmt.Println(configure(sdk.ConfigureRequest{Settings: sdk.Settings{"steps": 2.5}}))
	// Output:
	// steps: 500
	// <nil>
	// task.steps: Incorrect attribute value type: "steps" must be a whole number, not the number 2.5.
}
