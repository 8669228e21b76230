package executor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
)

func TestSlurmJobStates(t *testing.T) {
	tests := []struct {
		name  string
		in    slurmState
		want  sdk.JobState
		ended bool
	}{
		{name: "completed", in: slurmState{name: "COMPLETED"}, want: sdk.JobSucceeded, ended: true},
		{name: "completed nonzero", in: slurmState{name: "COMPLETED", exitCode: 2}, want: sdk.JobFailed, ended: true},
		{name: "failed", in: slurmState{name: "FAILED", exitCode: 1}, want: sdk.JobFailed, ended: true},
		{name: "timeout", in: slurmState{name: "TIMEOUT"}, want: sdk.JobTimedOut, ended: true},
		{name: "deadline", in: slurmState{name: "DEADLINE"}, want: sdk.JobTimedOut, ended: true},
		{name: "cancelled by uid", in: slurmState{name: "CANCELLED by 0"}, want: sdk.JobCancelled, ended: true},
		{name: "out of memory", in: slurmState{name: "OUT_OF_MEMORY"}, want: sdk.JobFailed, ended: true},
		{name: "node fail", in: slurmState{name: "NODE_FAIL"}, want: sdk.JobFailed, ended: true},
		{name: "preempted", in: slurmState{name: "PREEMPTED"}, want: sdk.JobFailed, ended: true},
		{name: "pending", in: slurmState{name: "PENDING"}},
		{name: "running", in: slurmState{name: "RUNNING"}},
		{name: "completing", in: slurmState{name: "COMPLETING"}},
		{name: "requeued", in: slurmState{name: "REQUEUED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, ended := jobState(tt.in)
			if got != tt.want || ended != tt.ended {
				t.Errorf("jobState(%+v) = %q, %v; want %q, %v", tt.in, got, ended, tt.want, tt.ended)
			}
		})
	}
}

func waitSlurm(t *testing.T, s *Slurm, id string, limit time.Duration) sdk.JobResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	res, err := s.Wait(ctx, id)
	if err != nil {
		t.Fatalf("wait for job %s: %v", id, err)
	}
	return res
}

func TestSlurmCompletes(t *testing.T) {
	c := slurmCluster(t)
	t.Parallel()
	// sbatch runs with SLURM_CONF set (s.cfg.Env): it must not reach the job.
	s := testSlurm(t, c, c.Shared(t))
	id, err := s.Submit(context.Background(), sdk.Job{
		Command: sh(`echo "seed=$SEED conf=$SLURM_CONF"; tr a-z A-Z < in.txt > result.txt`),
		Files:   map[string][]byte{"in.txt": []byte("forty-two")}, Env: map[string]string{"SEED": "7"},
		Outputs: []string{"result.txt"}, Resources: sdk.Resources{Timeout: 5 * time.Minute, Memory: 64 << 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	res := waitSlurm(t, s, id, 2*time.Minute)
	if res.State != sdk.JobSucceeded {
		t.Fatalf("state %s (%s)", res.State, res.Detail)
	}
	if d := cmp.Diff(map[string][]byte{"result.txt": []byte("FORTY-TWO")}, res.Outputs); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}
	log, done, err := s.Logs(context.Background(), id, 0)
	if err != nil || !done || strings.TrimSpace(string(log)) != "seed=7 conf=" {
		t.Errorf("logs %q done=%v err=%v; want the declared variable only", log, done, err)
	}
}

func TestSlurmTimeLimit(t *testing.T) {
	c := slurmCluster(t)
	t.Parallel()
	s := testSlurm(t, c, c.Shared(t))
	// Slurm counts whole minutes: the job is killed about a minute in.
	id, err := s.Submit(context.Background(), sdk.Job{Command: sh("sleep 600"), Resources: sdk.Resources{Timeout: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := waitSlurm(t, s, id, 4*time.Minute)
	if res.State != sdk.JobTimedOut || !strings.Contains(res.Detail, "TIMEOUT") {
		t.Errorf("state %s (%s), want timed_out from TIMEOUT", res.State, res.Detail)
	}
	t.Logf("killed after %s", time.Since(start).Round(time.Second))
}

func TestSlurmCancel(t *testing.T) {
	c := slurmCluster(t)
	t.Parallel()
	s := testSlurm(t, c, c.Shared(t))
	id, err := s.Submit(context.Background(), sdk.Job{Command: sh("echo started; sleep 600")})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Until(60*time.Second, func() bool {
		st, err := s.state(context.Background(), id)
		return err == nil && st.name == "RUNNING"
	}); err != nil {
		t.Fatalf("job %s never ran: %v", id, err)
	}
	if err := s.Cancel(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if res := waitSlurm(t, s, id, time.Minute); res.State != sdk.JobCancelled {
		t.Errorf("state %s (%s), want cancelled", res.State, res.Detail)
	}
}

func TestSlurmReattachAfterRestart(t *testing.T) {
	c := slurmCluster(t)
	t.Parallel()
	shared := c.Shared(t)
	job := sdk.Job{Command: sh("sleep 3; echo $$ > result.txt"), Key: "step-12/stage-2", Outputs: []string{"result.txt"}}
	first := testSlurm(t, c, shared)
	id, err := first.Submit(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	// asi restarts: a new executor on the same shared directory, as a new
	// process would build from the campaign file.
	second := testSlurm(t, c, shared)
	again, err := second.Submit(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if again != id {
		t.Errorf("resubmit after restart gave job %s, want the running job %s", again, id)
	}
	out, err := c.Run("squeue", "-h", "-t", "all", "-n", "asi", "-o", "%i %j %k")
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := second.Jobs()
	if d := cmp.Diff([]string{id}, ids); d != "" {
		t.Errorf("jobs recorded (-want +got):\n%s\nsqueue:\n%s", d, out)
	}
	res := waitSlurm(t, second, id, 2*time.Minute)
	if res.State != sdk.JobSucceeded || len(res.Outputs["result.txt"]) == 0 {
		t.Errorf("re-attached job: %s (%s), outputs %q", res.State, res.Detail, res.Outputs)
	}
	// Another key is another job.
	other, err := second.Submit(context.Background(), sdk.Job{Command: sh("true"), Key: "step-13/stage-2"})
	if err != nil || other == id {
		t.Errorf("a new key gave %q, %v; want a new job", other, err)
	}
	waitSlurm(t, second, other, 2*time.Minute)
}

func TestParseScontrol(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want slurmState
	}{
		{name: "completed", in: "JobId=12 JobName=asi UserId=root(0) JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:03",
			want: slurmState{name: "COMPLETED"}},
		{name: "failed with code", in: "JobId=13 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0", want: slurmState{name: "FAILED", exitCode: 3}},
		{name: "killed by signal", in: "JobId=14 JobState=FAILED ExitCode=0:9", want: slurmState{name: "FAILED", signal: 9}},
		{name: "garbage", in: "slurm_load_jobs error: Invalid job id specified", want: slurmState{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseScontrol(tt.in); got != tt.want {
				t.Errorf("parseScontrol = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseScontrol(f *testing.F) {
	f.Add("JobId=12 JobState=TIMEOUT ExitCode=0:15")
	f.Add("JobState= ExitCode=:")
	f.Fuzz(func(t *testing.T, out string) {
		st := parseScontrol(out)
		if _, _, ended := jobState(st); ended && st.name == "" {
			t.Errorf("an empty state ended a job: %q", out)
		}
	})
}
