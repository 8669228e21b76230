package sdk_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/tasktest"
)

// fakeTask is a hand-written Task whose behaviour each test sets.
type fakeTask struct {
	desc      sdk.Description
	configure func(sdk.ConfigureRequest) error
	evaluate  func(context.Context, sdk.Candidate, int, int64) (sdk.Result, error)
	host      sdk.Host
}

func (f *fakeTask) Describe(context.Context) (sdk.Description, error) { return f.desc, nil }

func (f *fakeTask) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	f.host = req.Host
	if f.configure != nil {
		return f.configure(req)
	}
	return nil
}

func (f *fakeTask) Evaluate(ctx context.Context, c sdk.Candidate, stage int, seed int64) (sdk.Result, error) {
	return f.evaluate(ctx, c, stage, seed)
}

func TestDescribeRoundTrip(t *testing.T) {
	threshold := 0.5
	in := sdk.Description{
		Name: "demo", Version: "1.2.3", Statement: "Do it.", Language: "go",
		InitialProgram: "// EVOLVE-BLOCK-START\n// EVOLVE-BLOCK-END\n",
		Metrics:        []sdk.Metric{{Name: "score", Description: "s"}, {Name: "size", Description: "z"}},
		Primary:        "score", Direction: sdk.Minimize, FeatureDimensions: []string{"size"},
		Stages: []sdk.Stage{{Name: "quick", Threshold: &threshold}, {Name: "full"}, {Name: "verify", HeldOut: true}},
		Config: []sdk.Setting{
			{Name: "n", Type: sdk.TypeNumber, Default: 3.0, Description: "count"},
			{Name: "mode", Type: sdk.TypeString, Required: true},
			{Name: "tags", Type: sdk.TypeStringList, Default: []any{"a", "b"}},
		},
	}
	c := tasktest.Serve(t, &fakeTask{desc: in})
	got, err := c.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.APIVersions = []string{sdk.APIVersion}
	want.EvolveStart, want.EvolveEnd = sdk.EvolveStart, sdk.EvolveEnd
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("description through gRPC (-want +got):\n%s", diff)
	}
}

func TestConfigureErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want sdk.ConfigErrors
	}{
		{name: "none", err: nil, want: nil},
		{
			name: "one",
			err:  sdk.Errorf([]string{"n"}, "Too small", "n must be at least %d.", 2),
			want: sdk.ConfigErrors{{Path: []string{"n"}, Summary: "Too small", Detail: "n must be at least 2."}},
		},
		{
			name: "joined, with a plain error",
			err: errors.Join(
				sdk.Errorf([]string{"tags", "1"}, "Unknown tag", "x"),
				fmt.Errorf("wrapped: %w", sdk.Errorf([]string{"mode"}, "Bad mode", "y")),
				errors.New("data file missing"),
			),
			want: sdk.ConfigErrors{
				{Path: []string{"tags", "1"}, Summary: "Unknown tag", Detail: "x"},
				{Path: []string{"mode"}, Summary: "Bad mode", Detail: "y"},
				{Summary: "Invalid task settings", Detail: "data file missing"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tasktest.Serve(t, &fakeTask{configure: func(sdk.ConfigureRequest) error { return tt.err }})
			err := c.Configure(context.Background(), sdk.ConfigureRequest{Settings: map[string]any{"n": 1.0}})
			var got sdk.ConfigErrors
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("err = %v, want ConfigErrors", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("config errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHostServicesThroughBroker(t *testing.T) {
	var seen sdk.SandboxRun
	sandbox := tasktest.SandboxFunc(func(_ context.Context, r sdk.SandboxRun) (sdk.SandboxResult, error) {
		seen = r
		return sdk.SandboxResult{Stdout: []byte("42\n"), Wall: 3 * time.Millisecond, Limits: sdk.Limits{Memory: 1 << 20}}, nil
	})
	// Start describes the task before it configures it, as asi does.
	task := &fakeTask{desc: sdk.Description{Name: "fake", Direction: sdk.Maximize}}
	task.evaluate = func(ctx context.Context, c sdk.Candidate, _ int, seed int64) (sdk.Result, error) {
		run, err := task.host.Sandbox.Run(ctx, sdk.SandboxRun{
			Language: c.Language, Files: map[string][]byte{"main.go": []byte(c.Code)}, Stdin: []byte("in"),
			Limits: sdk.Limits{Timeout: time.Second},
		})
		if err != nil {
			return sdk.Result{}, err
		}
		_, execErr := task.host.Executor.Submit(ctx, sdk.Job{Command: []string{"train"}})
		return sdk.Result{
			Valid: run.OK(), Feedback: string(run.Stdout) + execErr.Error(),
			Metrics:   map[string]float64{"wall_ms": float64(run.Wall.Milliseconds()), "no_executor": b2f(errors.Is(execErr, sdk.ErrNoExecutor))},
			Artifacts: map[string][]byte{"seed": []byte(fmt.Sprint(seed))},
		}, nil
	}
	c := tasktest.Start(t, task, sdk.ConfigureRequest{Host: sdk.Host{Sandbox: sandbox}})
	res, err := c.Evaluate(context.Background(), sdk.Candidate{NodeID: 7, Language: "go", Code: "package main"}, 0, 99)
	if err != nil {
		t.Fatal(err)
	}
	want := sdk.Result{
		Valid: true, Feedback: "42\nexecutor submit: no executor configured",
		Metrics:   map[string]float64{"wall_ms": 3, "no_executor": 1},
		Artifacts: map[string][]byte{"seed": []byte("99")},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	wantRun := sdk.SandboxRun{Language: "go", Files: map[string][]byte{"main.go": []byte("package main")}, Stdin: []byte("in"),
		Limits: sdk.Limits{Timeout: time.Second}}
	if diff := cmp.Diff(wantRun, seen); diff != "" {
		t.Errorf("sandbox request (-want +got):\n%s", diff)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func TestEvaluateErrorsKeepTheirKind(t *testing.T) {
	tests := []struct {
		name string
		err  error
		is   error
	}{
		{name: "deadline", err: fmt.Errorf("slow: %w", context.DeadlineExceeded), is: context.DeadlineExceeded},
		{name: "not configured", err: sdk.ErrNotConfigured, is: sdk.ErrNotConfigured},
		{name: "other", err: errors.New("disk full"), is: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tasktest.Serve(t, &fakeTask{evaluate: func(context.Context, sdk.Candidate, int, int64) (sdk.Result, error) {
				return sdk.Result{}, tt.err
			}})
			_, err := c.Evaluate(context.Background(), sdk.Candidate{NodeID: 1}, 0, 0)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want one matching %v", err, tt.is)
			}
			if !contains(err.Error(), tt.err.Error()) {
				t.Errorf("err = %v, lost the message %q", err, tt.err)
			}
		})
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// Feedback that quotes bytes a candidate printed need not be UTF-8; the
// reply still crosses the wire (a protobuf string must be UTF-8), with
// U+FFFD where the bytes were.
func TestEvaluateFeedbackNotUTF8(t *testing.T) {
	c := tasktest.Serve(t, &fakeTask{evaluate: func(context.Context, sdk.Candidate, int, int64) (sdk.Result, error) {
		return sdk.Result{Valid: true, Metrics: map[string]float64{"score": 1}, Feedback: "stderr: \xd0 half a character"}, nil
	}})
	res, err := c.Evaluate(context.Background(), sdk.Candidate{NodeID: 1}, 0, 0)
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	if want := "stderr: \uFFFD half a character"; res.Feedback != want || !res.Valid {
		t.Fatalf("feedback %q valid %v, want %q and valid", res.Feedback, res.Valid, want)
	}
}
