package executor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"
)

// controller is the running slurmctld of the cluster.
func (c *cluster) controller(t *testing.T) (int, *exec.Cmd) {
	t.Helper()
	for i, p := range c.procs {
		if filepath.Base(p.Path) == "slurmctld" {
			return i, p
		}
	}
	t.Fatal("the cluster has no slurmctld")
	return 0, nil
}

// stopController ends slurmctld by PID with SIGTERM, as an administrator's
// restart does: it saves its state to StateSaveLocation and exits.
func (c *cluster) stopController(t *testing.T) {
	t.Helper()
	_, p := c.controller(t)
	if err := p.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("stop slurmctld: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = p.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("slurmctld still running 30s after SIGTERM\n%s", c.logs())
	}
}

// startController starts slurmctld again with the same arguments, so with
// the same configuration and state directory.
func (c *cluster) startController(t *testing.T) {
	t.Helper()
	i, old := c.controller(t)
	cmd := exec.Command(old.Path, old.Args[1:]...)
	cmd.Env = old.Env
	log, err := os.OpenFile(filepath.Join(c.dir, "slurmctld.out"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatalf("restart slurmctld: %v", err)
	}
	c.procs[i] = cmd // stop ends the new one
}

func (c *cluster) jobState(id string) string {
	out, err := c.run("scontrol", "show", "job", "-o", id)
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
	s := c.slurm(t, c.shared(t))
	const jobSeconds = 6
	id, err := s.Submit(context.Background(), sdk.Job{
		Command: sh(fmt.Sprintf("sleep %d; echo finished > result.txt", jobSeconds)),
		Outputs: []string{"result.txt"}, Resources: sdk.Resources{Timeout: 5 * time.Minute},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.until(60*time.Second, func() bool { return c.jobState(id) == "RUNNING" }); err != nil {
		t.Fatalf("job %s never ran: %v\n%s", id, err, c.logs())
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

	c.stopController(t)
	downAt := time.Now()
	if out, err := c.run("squeue", "-h", "-j", id); err == nil {
		t.Fatalf("squeue still answers with slurmctld stopped: %q", out)
	}
	// The job goes on under slurmd; keep the controller down past its end
	// so that its completion is only learnt after the restart.
	if err := c.until(2*time.Minute, func() bool {
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

	c.startController(t)
	var w waited
	select {
	case w = <-got:
	case <-time.After(3 * time.Minute):
		t.Fatalf("Wait still running 3m after slurmctld restarted; job state %q\n%s", c.jobState(id), c.logs())
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
	if strings.Contains(c.jobState(id), "RUNNING") {
		t.Errorf("job %s still RUNNING in slurmctld after Wait reported it", id)
	}
}
