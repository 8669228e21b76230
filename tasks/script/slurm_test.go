package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/slurmtest"
	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
)

func TestMain(m *testing.M) { slurmtest.Main(m) }

// TestEvaluateOnSlurm runs the ShinkaEvolve example's evaluator as a job
// of the Slurm executor, jailed on the node, on the one-node test cluster:
// a good program scores, a broken one is invalid with the evaluator's
// reason.
func TestEvaluateOnSlurm(t *testing.T) {
	c := slurmtest.Start(t)
	s, err := executor.NewSlurm(executor.SlurmConfig{SharedDir: c.Shared(t), Partition: "debug", Poll: 250 * time.Millisecond,
		Env: c.Env, Require: executor.IsolationJail})
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../../hcl-examples/script/shinka-circle-packing")
	tk := &Task{}
	err = tk.Configure(context.Background(), sdk.ConfigureRequest{
		Settings: withDefaults(sdk.Settings{"contract": "shinka", "evaluator": "evaluate.py", "initial": "initial.py", "timeout": "60s"}),
		Host:     sdk.Host{Executor: s},
	})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := tk.Describe(context.Background())
	res, err := tk.Evaluate(context.Background(), sdk.Candidate{NodeID: 1, Code: d.InitialProgram}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid || res.Metrics["combined_score"] < 1 || res.Metrics["sum_radii"] != res.Metrics["combined_score"] {
		t.Fatalf("the initial program on Slurm: %+v", res)
	}
	if _, leaked := res.Metrics["largest_radius"]; leaked || len(res.Artifacts["private_metrics"]) == 0 {
		t.Errorf("private metrics must be an artifact only: metrics %v", res.Metrics)
	}
	broken := strings.Replace(d.InitialProgram, "rings = [(8, 0.22), (17, 0.42)]", "rings = [(8, 0.22)]", 1)
	res, err = tk.Evaluate(context.Background(), sdk.Candidate{NodeID: 2, Code: broken}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid || !strings.Contains(res.Feedback, "expected 26 circles") {
		t.Fatalf("a program with 9 circles on Slurm: %+v", res)
	}
}
