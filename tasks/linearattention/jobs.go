package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

// feedbackTail bounds how much of a job's log goes into feedback.
const feedbackTail = 2 << 10

// harnessResult is what harness.py writes to result.json.
type harnessResult struct {
	OK              bool    `json:"ok"`
	Reason          string  `json:"reason"`
	Seconds         float64 `json:"seconds"`
	Params          float64 `json:"params"`
	ScalingExponent float64 `json:"scaling_exponent"`
	MQARAcc         float64 `json:"mqar_acc"`
	ValLoss         float64 `json:"val_loss"`
}

// runner submits the harness's jobs for one evaluation.
type runner struct {
	cfg  *config
	exec sdk.Executor
}

// job runs harness.py mode with the candidate's mixer.py and extra files,
// and returns the harness's result. A job that failed (crash, timeout,
// out of memory) is a result with OK false and the log's end as reason.
func (r runner) job(ctx context.Context, key, mode, code, executor string, sc scale, timeout time.Duration, gpus int,
	extra map[string][]byte, outputs ...string) (harnessResult, map[string][]byte, error) {
	files := map[string][]byte{"harness.py": harnessPy, "mixer.py": []byte(code), "config.json": jsonConfig(sc)}
	for k, v := range extra {
		files[k] = v
	}
	threads := fmt.Sprint(sc.Threads)
	id, err := r.exec.Submit(ctx, sdk.Job{
		Key:      "linearattention/" + key + "/" + mode,
		Executor: executor,
		Command:  []string{r.cfg.python, "harness.py", mode},
		Files:    files,
		// torch's own threads parallelise each operation; OpenBLAS, which
		// Debian's torch calls for matrix products, must not start threads
		// of its own on top of them: measured here, that made each training
		// step slower and once grew the job to 6 GB.
		Env: map[string]string{"OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
			"OPENBLAS_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"},
		Outputs:   append([]string{"result.json"}, outputs...),
		Resources: sdk.Resources{CPUs: sc.Threads, GPUs: gpus, Timeout: timeout},
	})
	if err != nil {
		return harnessResult{}, nil, fmt.Errorf("linearattention: submit %s job %s: %w", mode, key, err)
	}
	res, err := r.exec.Wait(ctx, id)
	if err != nil {
		return harnessResult{}, nil, fmt.Errorf("linearattention: wait for %s job %s: %w", mode, key, err)
	}
	if res.State != sdk.JobSucceeded {
		log, _, _ := r.exec.Logs(ctx, id, 0)
		return harnessResult{Reason: fmt.Sprintf("the %s job %s (%s)\nlog (end):\n%s", mode, res.State, res.Detail, sdk.Tail(log, feedbackTail))}, res.Outputs, nil
	}
	var hr harnessResult
	raw, ok := res.Outputs["result.json"]
	if !ok {
		return harnessResult{}, nil, fmt.Errorf("linearattention: %s job %s: %w", mode, key, errNoResult)
	}
	if err := json.Unmarshal(raw, &hr); err != nil {
		return harnessResult{Reason: fmt.Sprintf("the %s job's result.json is not valid: %v", mode, err)}, res.Outputs, nil
	}
	return hr, res.Outputs, nil
}

// check runs the check stage.
func (r runner) check(ctx context.Context, c sdk.Candidate) (sdk.Result, error) {
	hr, outs, err := r.job(ctx, fmt.Sprintf("node-%d/check/%s", c.NodeID, codeHash(c.Code)), "check", c.Code,
		r.cfg.executor, r.cfg.explore, r.cfg.timeout, 0, nil)
	if err != nil {
		return sdk.Result{}, err
	}
	art := map[string][]byte{"check.json": outs["result.json"]}
	if !hr.OK {
		return sdk.Invalid("check failed: "+hr.Reason, art), nil
	}
	return sdk.Result{
		Valid: true,
		Metrics: map[string]float64{MetricScore: -1, "check_params": hr.Params,
			"check_scaling_exponent": hr.ScalingExponent, "check_seconds": hr.Seconds},
		Feedback: fmt.Sprintf("check passed: %d mixer parameters (budget %d), causal, work grows as T^%.2f",
			int(hr.Params), r.cfg.explore.MaxMixerParams, hr.ScalingExponent),
		Artifacts: art,
	}, nil
}

// trainEval trains the mixer at scale sc in one job and measures the
// saved model in a second job on held-out data: metrics come from the
// second job only, whose seed the first never saw.
func (r runner) trainEval(ctx context.Context, key, code, executor string, sc scale, timeout time.Duration, gpus int) (sdk.Result, map[string]float64, error) {
	tr, outs, err := r.job(ctx, key, "train", code, executor, sc, timeout, gpus, nil, "model.pt")
	if err != nil {
		return sdk.Result{}, nil, err
	}
	if !tr.OK {
		return sdk.Invalid("training failed: "+tr.Reason, nil), nil, nil
	}
	model, ok := outs["model.pt"]
	if !ok {
		return sdk.Invalid("training left no model.pt", nil), nil, nil
	}
	ev, evOuts, err := r.job(ctx, key, "eval", code, executor, sc, timeout, gpus,
		map[string][]byte{"model.pt": model, "eval_seed": []byte(fmt.Sprint(r.cfg.evalSeed))})
	if err != nil {
		return sdk.Result{}, nil, err
	}
	if !ev.OK {
		return sdk.Invalid("evaluation failed: "+ev.Reason, nil), nil, nil
	}
	m := map[string]float64{"mqar_acc": ev.MQARAcc, "val_loss": ev.ValLoss, "params": tr.Params,
		"train_seconds": tr.Seconds, "eval_seconds": ev.Seconds}
	return sdk.Result{Valid: true, Artifacts: map[string][]byte{"eval.json": evOuts["result.json"]}}, m, nil
}
