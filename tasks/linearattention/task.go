package main

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

// Stage indexes of the cascade.
const (
	stageCheck = iota
	stageExplore
	stageVerify
)

// MetricScore is the primary metric: the candidate's advantage over
// DeltaNet, (accuracy - DeltaNet's) + (DeltaNet's loss - loss) / DeltaNet's
// loss, at the deepest stage that ran.
const MetricScore = "score"

var (
	//go:embed harness/harness.py
	harnessPy []byte
	//go:embed baselines/deltanet.py
	deltanetPy string
	//go:embed statement.md
	statement string
)

// scale is the model and training budget of one training stage; it is
// what config.json carries to the harness.
type scale struct {
	DModel      int     `json:"d_model"`
	Layers      int     `json:"layers"`
	SeqLen      int     `json:"seq_len"`
	Batch       int     `json:"batch"`
	Steps       int     `json:"steps"`
	LR          float64 `json:"lr"`
	Pairs       int     `json:"pairs"`
	TrainSeed   int     `json:"train_seed"`
	EvalBatches int     `json:"eval_batches"`
	Threads     int     `json:"threads"`

	// Check settings, used by the check stage only.
	MaxMixerParams     int     `json:"max_mixer_params"`
	ScaleLen           int     `json:"scale_len"`
	ScaleFactor        int     `json:"scale_factor"`
	MaxScalingExponent float64 `json:"max_scaling_exponent"`
}

// settings are the task block's attributes.
var settings = []sdk.Setting{
	{Name: "python", Type: sdk.TypeString, Default: "/usr/bin/python3", Description: "python with PyTorch that jobs run (jobs get a minimal PATH: give a full path)"},
	{Name: "executor", Type: sdk.TypeString, Default: "", Description: "executor of the check and explore jobs; empty: the campaign's first"},
	{Name: "verify_executor", Type: sdk.TypeString, Default: "", Description: "executor of the verify stage (a gpu or slurm one); empty: the stage is skipped with a note"},
	{Name: "threads", Type: sdk.TypeNumber, Default: 2.0, Description: "CPU threads of each CPU job"},
	{Name: "d_model", Type: sdk.TypeNumber, Default: 64.0, Description: "explore: model width"},
	{Name: "layers", Type: sdk.TypeNumber, Default: 2.0, Description: "explore: blocks"},
	{Name: "seq_len", Type: sdk.TypeNumber, Default: 64.0, Description: "explore: training sequence length"},
	{Name: "batch", Type: sdk.TypeNumber, Default: 32.0, Description: "explore: sequences per step"},
	{Name: "steps", Type: sdk.TypeNumber, Default: 300.0, Description: "explore: training steps (half MQAR, half text)"},
	{Name: "lr", Type: sdk.TypeNumber, Default: 1e-2, Description: "explore: peak learning rate"},
	{Name: "pairs", Type: sdk.TypeNumber, Default: 8.0, Description: "key-value pairs per MQAR sequence"},
	{Name: "timeout", Type: sdk.TypeString, Default: "15m", Description: "wall-time limit of each check and explore job"},
	{Name: "verify_d_model", Type: sdk.TypeNumber, Default: 512.0, Description: "verify: model width (512 and 6 layers: about 20M parameters)"},
	{Name: "verify_layers", Type: sdk.TypeNumber, Default: 6.0, Description: "verify: blocks"},
	{Name: "verify_seq_len", Type: sdk.TypeNumber, Default: 256.0, Description: "verify: training sequence length"},
	{Name: "verify_batch", Type: sdk.TypeNumber, Default: 32.0, Description: "verify: sequences per step"},
	{Name: "verify_steps", Type: sdk.TypeNumber, Default: 2000.0, Description: "verify: training steps"},
	{Name: "verify_pairs", Type: sdk.TypeNumber, Default: 32.0, Description: "verify: key-value pairs per MQAR sequence"},
	{Name: "verify_lr", Type: sdk.TypeNumber, Default: 1e-3, Description: "verify: peak learning rate"},
	{Name: "verify_timeout", Type: sdk.TypeString, Default: "2h", Description: "wall-time limit of each verify job"},
	{Name: "train_seed", Type: sdk.TypeNumber, Default: 1.0, Description: "seed of the training data and initial weights (the same for every candidate)"},
	{Name: "eval_seed", Type: sdk.TypeNumber, Default: 1000003.0, Description: "seed of the held-out data; given only to the evaluation job"},
	{Name: "mixer_param_factor", Type: sdk.TypeNumber, Default: 8.0, Description: "parameter budget of one mixer, in units of d_model^2"},
}

// config is the configured task.
type config struct {
	python          string
	executor        string
	verifyExecutor  string
	explore, verify scale
	timeout         time.Duration
	verifyTimeout   time.Duration
	evalSeed        int64
}

// reference is DeltaNet's result at one stage, measured once per process
// (a failed measurement is tried again by the next evaluation).
type reference struct {
	mu      sync.Mutex
	metrics map[string]float64
}

// Task is the linear-attention task. It is safe for concurrent Evaluate
// calls once configured.
type Task struct {
	mu   sync.RWMutex
	cfg  *config
	exec sdk.Executor
	refs [3]reference
}

// Describe implements sdk.Task.
func (t *Task) Describe(context.Context) (sdk.Description, error) {
	t.mu.RLock()
	cfg := t.cfg
	t.mu.RUnlock()
	st := statement
	if cfg != nil {
		st = strings.NewReplacer("{{d_model}}", fmt.Sprint(cfg.explore.DModel),
			"{{budget}}", fmt.Sprint(cfg.explore.MaxMixerParams),
			"{{layers}}", fmt.Sprint(cfg.explore.Layers), "{{seq_len}}", fmt.Sprint(cfg.explore.SeqLen)).Replace(st)
	} else {
		st = strings.NewReplacer("{{d_model}}", "the campaign's d_model", "{{budget}}", "mixer_param_factor x d_model^2",
			"{{layers}}", "the campaign's", "{{seq_len}}", "the campaign's").Replace(st)
	}
	return sdk.Description{
		Name:           "linearattention",
		Version:        "0.1.0",
		Statement:      st,
		Language:       "python",
		InitialProgram: deltanetPy,
		Metrics: []sdk.Metric{
			{Name: MetricScore, Description: "advantage over DeltaNet at the deepest stage run: accuracy difference plus relative loss reduction (0 matches DeltaNet, higher is better; -1 after the check stage alone)"},
			{Name: "check_params", Description: "parameters of one mixer at the explore width"},
			{Name: "check_scaling_exponent", Description: "growth exponent of the forward pass's work in the sequence length (1 is linear, 2 quadratic)"},
			{Name: "check_seconds", Description: "wall time of the check job"},
			{Name: "explore_mqar_acc", Description: "explore: MQAR accuracy on held-out sequences"},
			{Name: "explore_val_loss", Description: "explore: cross-entropy on held-out text (nats per character)"},
			{Name: "explore_params", Description: "explore: parameters of the whole model"},
			{Name: "explore_train_seconds", Description: "explore: wall time of the training job"},
			{Name: "explore_eval_seconds", Description: "explore: wall time of the evaluation job"},
			{Name: "explore_score", Description: "explore: the score at the explore size"},
			{Name: "verify_mqar_acc", Description: "verify: MQAR accuracy"},
			{Name: "verify_val_loss", Description: "verify: held-out text loss"},
			{Name: "verify_score", Description: "verify: the score at the verify size"},
			{Name: "verify_skipped", Description: "1 when no verify executor is configured"},
		},
		Primary:           MetricScore,
		Direction:         sdk.Maximize,
		FeatureDimensions: []string{"explore_mqar_acc", "explore_val_loss"},
		Stages:            []sdk.Stage{{Name: "check"}, {Name: "explore"}, {Name: "verify"}},
		Config:            settings,
	}, nil
}

// Configure implements sdk.Task.
func (t *Task) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	cfg, err := parseConfig(req.Settings)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cfg, t.exec = cfg, req.Host.Executor
	return nil
}

func parseConfig(s map[string]any) (*config, error) {
	num := func(name string) float64 { v, _ := s[name].(float64); return v }
	str := func(name string) string { v, _ := s[name].(string); return v }
	var problems []error
	positive := func(name string) int {
		v := num(name)
		if v < 1 || v != float64(int(v)) {
			problems = append(problems, sdk.Errorf([]string{name}, "Value out of range", "%s must be a whole number of at least 1, not %v.", name, v))
		}
		return int(v)
	}
	duration := func(name string) time.Duration {
		d, err := time.ParseDuration(str(name))
		if err != nil || d <= 0 {
			problems = append(problems, sdk.Errorf([]string{name}, "Invalid duration", "%s must be a duration such as \"10m\", not %q.", name, str(name)))
		}
		return d
	}
	cfg := &config{
		python: str("python"), executor: str("executor"), verifyExecutor: str("verify_executor"),
		timeout: duration("timeout"), verifyTimeout: duration("verify_timeout"), evalSeed: int64(num("eval_seed")),
	}
	if cfg.python == "" {
		problems = append(problems, sdk.Errorf([]string{"python"}, "Missing python", "python must name the interpreter jobs run."))
	}
	threads := positive("threads")
	factor := num("mixer_param_factor")
	check := scale{ScaleLen: 64, ScaleFactor: 8, MaxScalingExponent: 1.5}
	cfg.explore = check
	cfg.explore.DModel, cfg.explore.Layers, cfg.explore.SeqLen = positive("d_model"), positive("layers"), positive("seq_len")
	cfg.explore.Batch, cfg.explore.Steps, cfg.explore.Pairs = positive("batch"), positive("steps"), positive("pairs")
	cfg.explore.LR, cfg.explore.TrainSeed, cfg.explore.EvalBatches, cfg.explore.Threads = num("lr"), int(num("train_seed")), 8, threads
	cfg.explore.MaxMixerParams = int(factor * float64(cfg.explore.DModel*cfg.explore.DModel))
	cfg.verify = cfg.explore
	cfg.verify.DModel, cfg.verify.Layers, cfg.verify.SeqLen = positive("verify_d_model"), positive("verify_layers"), positive("verify_seq_len")
	cfg.verify.Batch, cfg.verify.Steps, cfg.verify.Pairs = positive("verify_batch"), positive("verify_steps"), positive("verify_pairs")
	cfg.verify.LR, cfg.verify.EvalBatches = num("verify_lr"), 16
	cfg.verify.MaxMixerParams = int(factor * float64(cfg.verify.DModel*cfg.verify.DModel))
	for _, sc := range []struct {
		name string
		s    scale
	}{{"pairs", cfg.explore}, {"verify_pairs", cfg.verify}} {
		if 4*sc.s.Pairs > sc.s.SeqLen {
			problems = append(problems, sdk.Errorf([]string{sc.name}, "Too many pairs", "%d pairs need a sequence of at least %d tokens (4 per pair).", sc.s.Pairs, 4*sc.s.Pairs))
		}
	}
	for name, lr := range map[string]float64{"lr": cfg.explore.LR, "verify_lr": cfg.verify.LR} {
		if lr <= 0 {
			problems = append(problems, sdk.Errorf([]string{name}, "Value out of range", "%s must be positive.", name))
		}
	}
	if factor <= 0 {
		problems = append(problems, sdk.Errorf([]string{"mixer_param_factor"}, "Value out of range", "mixer_param_factor must be positive."))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return cfg, nil
}

// Evaluate implements sdk.Task.
func (t *Task) Evaluate(ctx context.Context, c sdk.Candidate, stage int, _ int64) (sdk.Result, error) {
	t.mu.RLock()
	cfg, ex := t.cfg, t.exec
	t.mu.RUnlock()
	if cfg == nil {
		return sdk.Result{}, sdk.ErrNotConfigured
	}
	r := runner{cfg: cfg, exec: ex}
	switch stage {
	case stageCheck:
		return r.check(ctx, c)
	case stageExplore:
		return t.train(ctx, r, c, "explore", cfg.executor, cfg.explore, cfg.timeout, 0)
	case stageVerify:
		if cfg.verifyExecutor == "" {
			return sdk.Result{Valid: true, Metrics: map[string]float64{"verify_skipped": 1},
				Feedback: "verify: skipped (the campaign names no verify_executor; set one to a gpu or slurm executor to train at the verify size)"}, nil
		}
		return t.train(ctx, r, c, "verify", cfg.verifyExecutor, cfg.verify, cfg.verifyTimeout, 1)
	}
	return sdk.Result{}, fmt.Errorf("linearattention: stage %d: only stages 0-2 exist", stage)
}

// train runs the training and evaluation jobs of one stage and scores the
// candidate against DeltaNet's reference at the same stage.
func (t *Task) train(ctx context.Context, r runner, c sdk.Candidate, name, executor string, sc scale, timeout time.Duration, gpus int) (sdk.Result, error) {
	key := fmt.Sprintf("node-%d/%s/%s", c.NodeID, name, codeHash(c.Code))
	res, m, err := r.trainEval(ctx, key, c.Code, executor, sc, timeout, gpus)
	if err != nil || !res.Valid {
		return res, err
	}
	var measured map[string]float64
	if c.Code == deltanetPy { // the initial program: its run is the reference
		measured = m
	}
	refMetrics, err := t.reference(ctx, r, name, executor, sc, timeout, gpus, measured)
	if err != nil {
		return sdk.Result{}, err
	}
	score := relativeScore(m, refMetrics)
	res.Artifacts = map[string][]byte{name + ".json": res.Artifacts["eval.json"]}
	res.Metrics = map[string]float64{
		name + "_mqar_acc": m["mqar_acc"], name + "_val_loss": m["val_loss"], name + "_params": m["params"],
		name + "_train_seconds": m["train_seconds"], name + "_eval_seconds": m["eval_seconds"],
		name + "_score": score, MetricScore: score,
	}
	res.Feedback = fmt.Sprintf("%s (%d layers, d_model %d, %d params, %d steps): MQAR accuracy %.3f (DeltaNet %.3f), text loss %.4f (DeltaNet %.4f): score %+.4f",
		name, sc.Layers, sc.DModel, int(m["params"]), sc.Steps, m["mqar_acc"], refMetrics["mqar_acc"], m["val_loss"], refMetrics["val_loss"], score)
	return res, nil
}

// reference returns DeltaNet's metrics at stage name, measuring them first
// if this process has not; measured, when not nil, is a run of DeltaNet
// itself at this stage and stands in for that measurement (the same jobs
// with the same settings). Evaluations wait for one another here.
func (t *Task) reference(ctx context.Context, r runner, name, executor string, sc scale, timeout time.Duration, gpus int,
	measured map[string]float64) (map[string]float64, error) {
	ref := &t.refs[map[string]int{"explore": stageExplore, "verify": stageVerify}[name]]
	ref.mu.Lock()
	defer ref.mu.Unlock()
	if ref.metrics != nil {
		return ref.metrics, nil
	}
	if measured != nil {
		ref.metrics = measured
		return measured, nil
	}
	key := fmt.Sprintf("reference/%s/%s", name, codeHash(deltanetPy+string(jsonConfig(sc))))
	res, m, err := r.trainEval(ctx, key, deltanetPy, executor, sc, timeout, gpus)
	if err != nil {
		return nil, err
	}
	if !res.Valid {
		return nil, fmt.Errorf("linearattention: the DeltaNet reference failed at %s: %s", name, res.Feedback)
	}
	ref.metrics = m
	return m, nil
}

// relativeScore is the advantage of m over the reference ref: accuracy
// points plus relative loss reduction. 0 matches the reference.
func relativeScore(m, ref map[string]float64) float64 {
	return (m["mqar_acc"] - ref["mqar_acc"]) + (ref["val_loss"]-m["val_loss"])/ref["val_loss"]
}

func codeHash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:6])
}

func jsonConfig(sc scale) []byte {
	b, _ := json.Marshal(sc) // plain struct: cannot fail
	return b
}

var _ sdk.Task = (*Task)(nil)
