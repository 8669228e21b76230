package command

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/asi-evolve/asi/internal/slurmtest"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// clusterPoll is how often the tests' Slurm executors read job states: the
// executor's default (5s) would make most of a sandbox run's time waiting.
const clusterPoll = "250ms"

// asiBinary builds asi once per test binary: a job sandbox's nodes run
// the binary that submitted the job, which in a test must be asi, not the
// test binary.
func asiBinary(t *testing.T) string {
	t.Helper()
	bin, err := plugintest.Binary("asi", "github.com/asi-evolve/asi/cmd/asi")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// slurmConf is the test cluster's SLURM_CONF.
func slurmConf(t *testing.T, c *slurmtest.Cluster) string {
	t.Helper()
	for _, kv := range c.Env {
		if v, ok := strings.CutPrefix(kv, "SLURM_CONF="); ok {
			return v
		}
	}
	t.Fatalf("the test cluster's environment %v has no SLURM_CONF", c.Env)
	return ""
}

// circlePacking is a small offline copy of hcl-examples/circle-packing.hcl:
// one worker and a fixed seed, so two runs make the same steps. extra is
// added to the file (a sandbox executor and its executor block).
const circlePacking = `campaign "circle-packing-%s" {
  task    = "circlepacking"
  workers = 1
  seed    = 3
  budget {
    steps = 4
  }
}

task {
  language = "go"
}

database {
  sampler  = "ucb1"
  sample_n = 3
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
%s}
%s`

// applyBest runs `asi apply -json` on src with the built binary and its
// own sandbox cache, and returns the best score, which must be a step's,
// and the step count.
func applyBest(t *testing.T, bin, src string) (best float64, steps int) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "campaign.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "apply", "-json", "-state", filepath.Join(dir, "state"), file)
	cmd.Env = append(os.Environ(), "ASI_CACHE_DIR="+filepath.Join(dir, "cache"), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "state", "plugins.log"))
		t.Fatalf("asi apply: %v\n%s\n%s\nplugins.log:\n%s", err, stdout.String(), stderr.String(), log)
	}
	var rep struct {
		Done    int `json:"steps_done"`
		Initial struct {
			Score *float64 `json:"score"`
		} `json:"initial"`
		Best struct {
			Score *float64 `json:"score"`
		} `json:"best"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep.Best.Score == nil || rep.Initial.Score == nil {
		t.Fatalf("apply -json output (%v):\n%s", err, stdout.String())
	}
	// The steps' candidates must count: a best that is the initial
	// program would say nothing of their runs.
	if *rep.Best.Score <= *rep.Initial.Score {
		t.Fatalf("best %v, initial %v: no step improved on the initial program", *rep.Best.Score, *rep.Initial.Score)
	}
	return *rep.Best.Score, rep.Done
}

// TestApplySandboxOnSlurm applies a circle-packing campaign whose sandbox
// runs on the test Slurm cluster (sandbox { executor = "slurm" }) and the
// same campaign run here: the same steps must reach the same best score,
// and every evaluation of the first must have been a Slurm job that left
// its result.
func TestApplySandboxOnSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two campaigns, one on a Slurm cluster")
	}
	c := slurmtest.Start(t)
	bin := asiBinary(t)
	shared := c.Shared(t)

	localBest, localSteps := applyBest(t, bin, fmt.Sprintf(circlePacking, "local", "", ""))
	clusterBest, clusterSteps := applyBest(t, bin, fmt.Sprintf(circlePacking, "slurm", "  executor = \"slurm\"\n",
		fmt.Sprintf("\nexecutor \"slurm\" {\n  shared_dir = %q\n  slurm_conf = %q\n  partition  = \"debug\"\n  poll       = %q\n}\n",
			shared, slurmConf(t, c), clusterPoll)))
	t.Logf("best score: %v here, %v with the sandbox on Slurm (%d steps)", localBest, clusterBest, clusterSteps)
	if clusterSteps != 4 || localSteps != 4 || clusterBest != localBest {
		t.Errorf("on Slurm: best %v after %d steps; here: best %v after %d steps", clusterBest, clusterSteps, localBest, localSteps)
	}
	jobs, err := filepath.Glob(filepath.Join(shared, "sandbox", "job-*"))
	if err != nil {
		t.Fatal(err)
	}
	// The initial program and each step are evaluated once at least.
	if len(jobs) < clusterSteps+1 {
		t.Fatalf("%d sandbox jobs under %s, want one per evaluation (at least %d)", len(jobs), shared, clusterSteps+1)
	}
	for _, job := range jobs {
		if _, err := plugins.ReadSandboxResult(job); err != nil {
			t.Errorf("job %s: %v", job, err)
		}
	}
}

// TestSandboxOverheadOnSlurm measures what running a tiny program as a
// Slurm job costs over running it here: 10 runs each after a warm-up (so
// the build is cached), every result the same as the local one but for
// Wall. It logs the medians and ranges that docs/executors.md quotes:
//
//	go test ./core/command -run TestSandboxOverheadOnSlurm -count=1 -v
func TestSandboxOverheadOnSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs sandbox jobs on a Slurm cluster")
	}
	const runs = 10
	c := slurmtest.Start(t)
	bin := asiBinary(t)
	ctx := context.Background()
	cache := t.TempDir()
	rt, err := sandbox.NewRuntime(ctx, sandbox.Options{CacheDir: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close(ctx)
	poll, err := time.ParseDuration(clusterPoll)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := plugins.StartSandboxExecutor(plugins.ExecutorSpec{Type: "slurm", SharedDir: c.Shared(t), Partition: "debug",
		SlurmConf: slurmConf(t, c), Poll: poll}, plugins.ExecutorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sandbox.NewConfig().WithTimeout(10 * time.Second)
	local := plugins.NewSandbox(rt, cfg)
	job := plugins.NewJobSandbox(ex, cfg, plugins.JobSandboxOptions{Binary: bin, CacheDir: cache})
	run := sdk.SandboxRun{Language: "go", Files: map[string][]byte{
		"main.go": []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"tiny\") }\n")}}

	want, err := local.Run(ctx, run) // the warm-up: builds into the cache
	if err != nil || !want.OK() {
		t.Fatalf("local run: %+v, %v", want, err)
	}
	measure := func(name string, sb *plugins.Sandbox) []time.Duration {
		var took []time.Duration
		for i := range runs + 1 {
			start := time.Now()
			got, err := sb.Run(ctx, run)
			if err != nil {
				t.Fatalf("%s run %d: %v", name, i, err)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(sdk.SandboxResult{}, "Wall")); diff != "" {
				t.Fatalf("%s run %d differs from the local one (-local +%s):\n%s", name, i, name, diff)
			}
			if i > 0 { // the first job sandbox run is its warm-up
				took = append(took, time.Since(start))
			}
		}
		slices.Sort(took)
		t.Logf("%s: median %v, min %v, max %v over %d runs", name, median(took).Round(time.Millisecond),
			took[0].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond), len(took))
		return took
	}
	here := measure("here", local)
	onSlurm := measure("slurm", job)
	t.Logf("overhead of a Slurm sandbox run (poll %s): median %v", clusterPoll, (median(onSlurm) - median(here)).Round(time.Millisecond))
}

// median of sorted durations.
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	return (sorted[(n-1)/2] + sorted[n/2]) / 2
}
