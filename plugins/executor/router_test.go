package executor

import (
	"context"
	"errors"
	"testing"

	"github.com/asi-evolve/asi/sdk"
)

// recordingExecutor answers every call and remembers the last job id seen.
type recordingExecutor struct {
	name   string
	lastID string
}

func (e *recordingExecutor) Capabilities(context.Context) (sdk.Capabilities, error) {
	return sdk.Capabilities{Name: e.name}, nil
}
func (e *recordingExecutor) Submit(context.Context, sdk.Job) (string, error) { return "7", nil }
func (e *recordingExecutor) Wait(_ context.Context, id string) (sdk.JobResult, error) {
	e.lastID = id
	return sdk.JobResult{State: sdk.JobSucceeded, Detail: e.name}, nil
}
func (e *recordingExecutor) Logs(_ context.Context, id string, _ int64) ([]byte, bool, error) {
	e.lastID = id
	return []byte(e.name), true, nil
}
func (e *recordingExecutor) Cancel(_ context.Context, id string) error { e.lastID = id; return nil }

func TestRouter(t *testing.T) {
	r := NewRouter()
	local, slurm := &recordingExecutor{name: "local"}, &recordingExecutor{name: "slurm"}
	r.Add("local", local)
	r.Add("slurm", slurm)
	ctx := context.Background()
	tests := []struct {
		name     string
		executor string
		wantID   string
		wantErr  error
	}{
		{name: "default is the first declared", wantID: "local:7"},
		{name: "named", executor: "slurm", wantID: "slurm:7"},
		{name: "unknown", executor: "k8s", wantErr: ErrUnknownExecutor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := r.Submit(ctx, sdk.Job{Command: []string{"true"}, Executor: tt.executor})
			if !errors.Is(err, tt.wantErr) || id != tt.wantID {
				t.Fatalf("submit: %q, %v; want %q, %v", id, err, tt.wantID, tt.wantErr)
			}
			if err != nil {
				return
			}
			res, err := r.Wait(ctx, id)
			if err != nil || res.Detail != tt.wantID[:len(tt.wantID)-2] {
				t.Errorf("wait went to %q (%v), want the executor of %s", res.Detail, err, id)
			}
		})
	}
	if _, err := r.Wait(ctx, "nomad:1"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("wait on an unknown executor's job: %v", err)
	}
	if _, err := NewRouter().Submit(ctx, sdk.Job{}); !errors.Is(err, sdk.ErrNoExecutor) {
		t.Errorf("empty router: %v, want %v", err, sdk.ErrNoExecutor)
	}
}
