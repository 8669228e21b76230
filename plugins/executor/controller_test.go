package executor

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/internal/slurmtest"
	"github.com/asi-evolve/asi/sdk"
)

func jobStateOf(c *slurmtest.Cluster, id string) string {
	out, err := c.Run("scontrol", "show", "job", "-o", id)
	if err != nil {
		return ""
	}
	return parseScontrol(out).name
}

// TestSlurmControllerRestart stops slurmctld while a job runs and keeps it
// down until the job has ended on the node: Wait must go on polling
// through the failing scontrol and sacct calls, and report the job with its
// result once the controller is back with its saved state. Not parallel:
// the other cluster tests (which are) wait until it is over.
func TestSlurmControllerRestart(t *testing.T) {
	c := slurmCluster(t)
	s := testSlurm(t, c, c.Shared(t))
	const jobSeconds = 6
	id, err := s.Submit(context.Background(), sdk.Job{
		Command: sh(fmt.Sprintf("sleep %d; echo finished > result.txt", jobSeconds)),
		Outputs: []string{"result.txt"}, Resources: sdk.Resources{Timeout: 5 * time.Minute},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Until(60*time.Second, func() bool { return jobStateOf(c, id) == "RUNNING" }); err != nil {
		t.Fatalf("job %s never ran: %v\n%s", id, err, c.Logs())
	}

	type waited struct {
		res sdk.JobResult
		err error
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	got := make(chan waited, 1)
	go func() {
		res, err := s.Wait(ctx, id)
		got <- waited{res, err}
	}()

	c.StopController(t)
	downAt := time.Now()
	if out, err := c.Run("squeue", "-h", "-j", id); err == nil {
		t.Fatalf("squeue still answers with slurmctld stopped: %q", out)
	}
	// The job goes on under slurmd; keep the controller down past its end
	// so that its completion is only learnt after the restart.
	if err := c.Until(2*time.Minute, func() bool {
		matches, _ := filepath.Glob(filepath.Join(s.cfg.SharedDir, "job-*", "result.txt"))
		return len(matches) == 1
	}); err != nil {
		t.Fatalf("job %s did not finish while slurmctld was down: %v", id, err)
	}
	time.Sleep(2 * time.Second) // a few more failing polls
	select {
	case w := <-got:
		t.Fatalf("Wait returned while slurmctld was down (%s after the stop): %+v, %v", time.Since(downAt), w.res, w.err)
	default:
	}

	c.StartController(t)
	var w waited
	select {
	case w = <-got:
	case <-time.After(3 * time.Minute):
		t.Fatalf("Wait still running 3m after slurmctld restarted; job state %q\n%s", jobStateOf(c, id), c.Logs())
	}
	if w.err != nil {
		t.Fatalf("Wait: %v", w.err)
	}
	if w.res.State != sdk.JobSucceeded {
		t.Fatalf("job %s after the restart: state %s (%s), want succeeded", id, w.res.State, w.res.Detail)
	}
	if d := cmp.Diff(map[string][]byte{"result.txt": []byte("finished\n")}, w.res.Outputs); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}
	// The restarted controller takes new jobs.
	id2, err := s.Submit(context.Background(), sdk.Job{Command: sh("true"), Resources: sdk.Resources{Timeout: time.Minute}})
	if err != nil {
		t.Fatalf("submit after the restart: %v", err)
	}
	if res := waitSlurm(t, s, id2, 2*time.Minute); res.State != sdk.JobSucceeded {
		t.Errorf("job submitted after the restart: state %s (%s)", res.State, res.Detail)
	}
	if strings.Contains(jobStateOf(c, id), "RUNNING") {
		t.Errorf("job %s still RUNNING in slurmctld after Wait reported it", id)
	}
}
