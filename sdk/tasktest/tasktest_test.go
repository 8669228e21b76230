package tasktest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

// recordingTask keeps the settings its Configure received.
type recordingTask struct {
	schema []sdk.Setting

	mu         sync.Mutex
	configured bool
	settings   sdk.Settings
}

func (r *recordingTask) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "recording", Metrics: []sdk.Metric{{Name: "score"}}, Primary: "score",
		Direction: sdk.Maximize, Stages: []sdk.Stage{{Name: "run"}}, Config: r.schema}, nil
}

func (r *recordingTask) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.configured, r.settings = true, req.Settings
	return nil
}

func (r *recordingTask) Evaluate(context.Context, sdk.Candidate, int, int64) (sdk.Result, error) {
	return sdk.Result{}, nil
}

func (r *recordingTask) received() (sdk.Settings, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.settings, r.configured
}

var schema = []sdk.Setting{
	{Name: "language", Type: sdk.TypeString, Default: "go"},
	{Name: "steps", Type: sdk.TypeNumber, Default: 100.0},
	{Name: "tags", Type: sdk.TypeStringList, Default: []any{"a"}},
	{Name: "verbose", Type: sdk.TypeBool, Default: false},
	{Name: "seed", Type: sdk.TypeNumber}, // optional, no default
}

// TestStartAppliesSchema: the task receives what asi would pass for the
// same task block: the defaults of what is left out, values converted to
// their settings' types as HCL converts them.
func TestStartAppliesSchema(t *testing.T) {
	tests := []struct {
		name     string
		settings map[string]any
		want     sdk.Settings
	}{
		{name: "no settings: the defaults", settings: nil,
			want: sdk.Settings{"language": "go", "steps": 100.0, "tags": []any{"a"}, "verbose": false}},
		{name: "null is left out", settings: map[string]any{"steps": nil},
			want: sdk.Settings{"language": "go", "steps": 100.0, "tags": []any{"a"}, "verbose": false}},
		{name: "Go values, converted",
			settings: map[string]any{"steps": 3, "language": 7, "tags": []string{"x", "y"}, "verbose": "true", "seed": uint8(9)},
			want:     sdk.Settings{"language": "7", "steps": 3.0, "tags": []any{"x", "y"}, "verbose": true, "seed": 9.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &recordingTask{schema: schema}
			tasktest.Start(t, task, sdk.ConfigureRequest{Settings: tt.settings})
			got, _ := task.received()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("settings received (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigureReportsSettings: a task block asi would refuse is refused
// with the same kind of error, at the attribute, before the task sees it.
func TestConfigureReportsSettings(t *testing.T) {
	tests := []struct {
		name     string
		schema   []sdk.Setting
		settings map[string]any
		wantPath string
		summary  string
		detail   string
	}{
		{name: "wrong type", settings: map[string]any{"steps": "many"},
			wantPath: "steps", summary: "Incorrect attribute value type", detail: `"steps" must be a number: a number is required.`},
		{name: "a list for a string", settings: map[string]any{"language": []string{"go"}},
			wantPath: "language", summary: "Incorrect attribute value type", detail: `"language" must be a string`},
		{name: "unknown argument", settings: map[string]any{"languag": "go"},
			wantPath: "languag", summary: "Unsupported argument", detail: `Did you mean "language"?`},
		{name: "required left out", schema: []sdk.Setting{{Name: "data", Type: sdk.TypeString, Required: true, Description: "the data file"}},
			wantPath: "data", summary: "Missing required argument", detail: `The task needs "data" (string) in the task block: the data file`},
		{name: "null in a list", settings: map[string]any{"tags": []any{"a", nil}},
			wantPath: "tags", summary: "Incorrect attribute value type", detail: `"tags" must be a list(string) without null elements.`},
		{name: "a Go value no task block holds", settings: map[string]any{"steps": struct{}{}},
			wantPath: "steps", summary: "Not a task block value", detail: "struct {} cannot be written in a task block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := &recordingTask{schema: schema}
			if tt.schema != nil {
				task.schema = tt.schema
			}
			err := tasktest.Configure(context.Background(), tasktest.Serve(t, task), sdk.ConfigureRequest{Settings: tt.settings})
			var errs sdk.ConfigErrors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("err = %v, want one ConfigError", err)
			}
			e := errs[0]
			if strings.Join(e.Path, ".") != tt.wantPath || e.Summary != tt.summary || !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("got %v: %s: %s\nwant %s: %s: ...%s...", e.Path, e.Summary, e.Detail, tt.wantPath, tt.summary, tt.detail)
			}
			if _, configured := task.received(); configured {
				t.Error("the task was configured with settings asi would refuse")
			}
		})
	}
}

// fatalRecorder keeps the message a failing Start gives.
type fatalRecorder struct {
	testing.TB
	fatal string
}

func (r *fatalRecorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestStartFailsOnBadSettings(t *testing.T) {
	rec := &fatalRecorder{TB: t}
	tasktest.Start(rec, &recordingTask{schema: schema}, sdk.ConfigureRequest{Settings: map[string]any{"verbose": 1}})
	if want := `task.verbose: Incorrect attribute value type: "verbose" must be a bool`; !strings.Contains(rec.fatal, want) {
		t.Errorf("Start failed the test with %q, want ...%s...", rec.fatal, want)
	}
}
