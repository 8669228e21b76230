package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/sdk"
)

// TaskOptions say how to start and configure a task plugin.
type TaskOptions struct {
	// Settings are the task block's attributes, checked against the task's
	// config schema before Configure.
	Settings map[string]cty.Value
	// Limits are the campaign's sandbox limits, shown to the task.
	Limits sdk.Limits
	// Host is what the task may call back: nil services refuse every call
	// (a nil Executor answers "no executor configured").
	Host sdk.Host
	// Logger receives the plugin's stderr and the host's notes about it;
	// nil discards them.
	Logger hclog.Logger
	// EvaluationTimeout bounds one Evaluate call, whatever the plugin does
	// with its context; 0 means no deadline but the caller's (the campaign
	// file's evaluation_timeout, defaulted in core/campaign, is what a run
	// passes). A plugin that overruns it is killed and started afresh for
	// the next call.
	EvaluationTimeout time.Duration
	// Dir is the plugin process's working directory, where the relative
	// paths of its settings start: the campaign file's folder. "" is
	// asi's own.
	Dir string
}

// Task is a running task plugin. It implements core/task.Interface and is
// safe for concurrent use. A plugin process that dies is replaced at the
// next call; the calls in flight when it died return errors wrapping
// ErrCrashed.
type Task struct {
	found Found
	opts  TaskOptions

	retryMu  sync.Mutex // one retry after a crash at a time
	mu       sync.Mutex
	proc     *process // nil when no process runs
	desc     task.Description
	restarts int
	closed   bool
}

// process is one plugin process.
type process struct {
	client *plugin.Client
	task   *sdk.TaskClient
	stderr *stderrTail // the end of what it wrote to stderr
}

// StartTask starts the plugin binary found, checks its protocol and API
// versions, and configures it. A problem with the settings is returned as
// sdk.ConfigErrors (find it with errors.As) naming each attribute.
func StartTask(ctx context.Context, found Found, opts TaskOptions) (*Task, error) {
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	t := &Task{found: found, opts: opts}
	p, desc, err := t.launch(ctx, &stderrTail{})
	if err != nil {
		return nil, err
	}
	t.proc, t.desc = p, desc
	return t, nil
}

// Describe implements task.Interface. It returns what the plugin said
// after Configure.
func (t *Task) Describe(context.Context) (task.Description, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.desc, nil
}

// Restarts is how many times the plugin was started again after dying.
func (t *Task) Restarts() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.restarts
}

// Evaluate implements task.Interface. An evaluation cut short by the
// plugin's death is tried once more on the restarted plugin: with several
// workers, one candidate that kills the plugin also cuts short the others
// in flight. Retries run one at a time, so the culprit, which kills the
// plugin again and then fails, cannot cut short another's retry. An
// evaluation that overran the deadline is not tried again. The error of a
// death or an overrun carries the panic, if the plugin printed one, and
// the last lines of its stderr.
func (t *Task) Evaluate(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	res, err := t.evaluateOnce(ctx, c, stage, seed)
	if !errors.Is(err, ErrCrashed) || ctx.Err() != nil {
		return res, err
	}
	t.opts.Logger.Warn("evaluation cut short by the plugin's death; trying it again on the restarted plugin",
		"plugin", t.found.Name, "node", c.NodeID)
	t.retryMu.Lock()
	defer t.retryMu.Unlock()
	return t.evaluateOnce(ctx, c, stage, seed)
}

func (t *Task) evaluateOnce(ctx context.Context, c task.Candidate, stage int, seed int64) (task.Result, error) {
	p, err := t.running(ctx)
	if err != nil {
		return task.Result{}, err
	}
	// The deadline is the host's: the gRPC call returns when it fires even
	// if the plugin ignores its context.
	limit := t.opts.EvaluationTimeout
	callCtx, cancel := ctx, context.CancelFunc(func() {})
	if limit > 0 {
		callCtx, cancel = context.WithTimeout(ctx, limit)
	}
	defer cancel()
	res, err := p.task.Evaluate(callCtx, sdk.Candidate{NodeID: c.NodeID, Language: c.Language, Code: c.Code}, stage, seed)
	if err != nil {
		// The plugin's side of the call learns the deadline too and may
		// end the stream (CANCEL) a moment before callCtx notices it.
		deadline, _ := callCtx.Deadline()
		code := status.Code(err)
		overran := limit > 0 && (callCtx.Err() != nil ||
			(code == codes.DeadlineExceeded || code == codes.Canceled) && time.Until(deadline) < time.Second)
		if ctx.Err() == nil && overran {
			// The plugin may still be busy with the call: replace it.
			t.retire(p)
			t.opts.Logger.Error("plugin overran the evaluation deadline; it will be restarted", "plugin", t.found.Name, "node", c.NodeID, "deadline", limit)
			return task.Result{}, withTail(fmt.Errorf("%w: %s did not finish evaluating node %d within the host's deadline of %s (evaluation_timeout); it is restarted for the next evaluation",
				ErrDeadline, t.found.Name, c.NodeID, limit), p.stderr)
		}
		if ctx.Err() == nil && p.dead(err) {
			// Kill returns once the process's stderr is read to its end.
			t.retire(p)
			t.opts.Logger.Error("plugin died during an evaluation; it will be restarted", "plugin", t.found.Name, "node", c.NodeID, "error", err)
			why := status.Convert(err).Message()
			if panicked := p.stderr.panicked(); panicked != "" {
				why = panicked
			}
			return task.Result{}, withTail(fmt.Errorf("%w: %s died while evaluating node %d (%s); it is restarted for the next evaluation",
				ErrCrashed, t.found.Name, c.NodeID, why), p.stderr)
		}
		return task.Result{}, fmt.Errorf("plugin %s: %w", t.found.Name, err)
	}
	return task.Result{Metrics: res.Metrics, Valid: res.Valid, Feedback: res.Feedback, Artifacts: res.Artifacts}, nil
}

// Close stops the plugin process.
func (t *Task) Close() {
	t.mu.Lock()
	p := t.proc
	t.proc, t.closed = nil, true
	t.mu.Unlock()
	if p != nil {
		p.client.Kill()
	}
}

// running returns the live process, starting a new one when the last died.
func (t *Task) running(ctx context.Context) (*process, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, fmt.Errorf("plugin %s: closed", t.found.Name)
	}
	if t.proc != nil && !t.proc.client.Exited() {
		return t.proc, nil
	}
	if t.proc != nil {
		t.proc.client.Kill()
		t.proc = nil
	}
	tail := &stderrTail{}
	p, _, err := t.launch(ctx, tail)
	if err != nil {
		return nil, withTail(fmt.Errorf("plugin %s: restart after a crash: %w", t.found.Name, err), tail)
	}
	t.proc = p
	t.restarts++
	t.opts.Logger.Info("plugin restarted", "plugin", t.found.Name, "restarts", t.restarts)
	return p, nil
}

// retire forgets p (if it is still current) and kills it.
func (t *Task) retire(p *process) {
	t.mu.Lock()
	if t.proc == p {
		t.proc = nil
	}
	t.mu.Unlock()
	p.client.Kill()
}

// dead reports whether err came from the process dying rather than from
// the task.
func (p *process) dead(err error) bool {
	if status.Code(errors.Unwrap(err)) == codes.Unavailable || status.Code(err) == codes.Unavailable {
		return true
	}
	// The connection may fail a moment before the exit is noticed.
	deadline := time.Now().Add(100 * time.Millisecond)
	for time.Now().Before(deadline) {
		if p.client.Exited() {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// launch starts a process and takes it through Describe, Configure and
// Describe again. The process's stderr lines go to tail as well as to the
// logger; the process is gone when launch returns an error.
func (t *Task) launch(ctx context.Context, tail *stderrTail) (*process, task.Description, error) {
	p, err := startProcess(t.found, t.opts.Dir, t.opts.Logger, tail)
	if err != nil {
		return nil, task.Description{}, err
	}
	desc, err := p.configure(ctx, t.found, t.opts)
	if err != nil {
		p.client.Kill()
		return nil, task.Description{}, err
	}
	return p, desc, nil
}

func (p *process) configure(ctx context.Context, found Found, opts TaskOptions) (task.Description, error) {
	before, err := p.task.Describe(ctx)
	if err != nil {
		return task.Description{}, fmt.Errorf("plugin %s: %w", found.Name, err)
	}
	if err := checkAPIVersions(found.Name, before.APIVersions); err != nil {
		return task.Description{}, err
	}
	settings, errs := Settings(before.Config, opts.Settings)
	if len(errs) > 0 {
		return task.Description{}, fmt.Errorf("plugin %s: %w", found.Name, errs)
	}
	err = p.task.Configure(ctx, sdk.ConfigureRequest{Settings: settings, Limits: opts.Limits, Host: opts.Host})
	if err != nil {
		return task.Description{}, fmt.Errorf("plugin %s: %w", found.Name, err)
	}
	after, err := p.task.Describe(ctx)
	if err != nil {
		return task.Description{}, fmt.Errorf("plugin %s: %w", found.Name, err)
	}
	return coreDescription(found.Name, after)
}

// checkAPIVersions accepts a plugin that speaks an API version of this
// host's major version.
func checkAPIVersions(name string, versions []string) error {
	major, _, _ := strings.Cut(sdk.APIVersion, ".")
	for _, v := range versions {
		if m, _, _ := strings.Cut(v, "."); m == major {
			return nil
		}
	}
	return fmt.Errorf("plugin %s speaks API version(s) %s; this asi speaks %s: %w",
		name, strings.Join(versions, ", "), sdk.APIVersion, ErrProtocol)
}

// startProcess runs a task plugin binary and completes the handshake.
func startProcess(found Found, dir string, logger hclog.Logger, tail *stderrTail) (*process, error) {
	client, raw, err := dial(found, dir, logger, tail)
	if err != nil {
		return nil, err
	}
	tc, ok := raw.(*sdk.TaskClient)
	if !ok {
		client.Kill()
		return nil, fmt.Errorf("plugin %s: %s is not a task plugin", found.Name, found.Path)
	}
	return &process{client: client, task: tc, stderr: tail}, nil
}

// pluginCommand runs the binary at path in dir ("" for asi's own
// working directory).
func pluginCommand(path, dir string) *exec.Cmd {
	cmd := exec.Command(path)
	cmd.Dir = dir
	return cmd
}

// dial runs a plugin binary in dir, completes the handshake and dispenses the
// plugin of found.Kind. Its stderr lines go to the logger and, when tail
// is not nil, to tail.
func dial(found Found, dir string, logger hclog.Logger, tail *stderrTail) (*plugin.Client, any, error) {
	if err := found.Verify(); err != nil {
		return nil, nil, err
	}
	var secure *plugin.SecureConfig
	if found.SHA256 != "" {
		// Checked again by go-plugin just before it runs the binary.
		sum, err := hex.DecodeString(found.SHA256)
		if err != nil {
			return nil, nil, fmt.Errorf("plugin %s: sha256 %q: %w", found.Name, found.SHA256, err)
		}
		secure = &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()}
	}
	client := plugin.NewClient(&plugin.ClientConfig{
		SecureConfig:     secure,
		HandshakeConfig:  sdk.Handshake(),
		Plugins:          sdk.PluginSet(),
		Cmd:              pluginCommand(found.Path, dir),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		Logger:           logger.Named(found.Name),
		Stderr:           tail.writer(), // the logger has every line too
		// What the plugin prints after the handshake is forwarded here.
		SyncStdout: logger.Named(found.Name).StandardWriter(&hclog.StandardLoggerOptions{InferLevels: true}),
		SyncStderr: io.MultiWriter(logger.Named(found.Name).StandardWriter(&hclog.StandardLoggerOptions{InferLevels: true}),
			tail.writer()),
		StartTimeout: 30 * time.Second,
	})
	rpc, err := client.Client()
	if err != nil {
		client.Kill()
		return nil, nil, handshakeError(found, err)
	}
	raw, err := rpc.Dispense(found.Kind)
	if err != nil {
		client.Kill()
		return nil, nil, fmt.Errorf("plugin %s: %s is not a %s plugin: %w", found.Name, found.Path, found.Kind, err)
	}
	return client, raw, nil
}

// go-plugin reports a protocol mismatch only as text.
var pluginVersion = regexp.MustCompile(`Plugin version: (\d+)`)

func handshakeError(found Found, err error) error {
	if m := pluginVersion.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("plugin %s (%s) speaks plugin protocol version %s, but this asi speaks version %d: rebuild the plugin against a matching sdk: %w",
			found.Name, found.Path, m[1], sdk.ProtocolVersion, ErrProtocol)
	}
	return fmt.Errorf("plugin %s: start %s: %w", found.Name, found.Path, err)
}

// coreDescription turns what the plugin said into what the engine runs,
// refusing a description it could not run.
func coreDescription(name string, d sdk.Description) (task.Description, error) {
	bad := func(format string, args ...any) (task.Description, error) {
		return task.Description{}, fmt.Errorf("plugin %s: %s: %w", name, fmt.Sprintf(format, args...), ErrInvalidDescription)
	}
	if d.Name != name {
		return bad("it describes itself as task %q", d.Name)
	}
	if d.EvolveStart != sdk.EvolveStart || d.EvolveEnd != sdk.EvolveEnd {
		return bad("markers %q/%q: asi edits only between %q and %q", d.EvolveStart, d.EvolveEnd, sdk.EvolveStart, sdk.EvolveEnd)
	}
	out := task.Description{
		Name: d.Name, Version: d.Version, Statement: d.Statement, Language: d.Language,
		InitialProgram: d.InitialProgram, Primary: d.Primary, FeatureDimensions: d.FeatureDimensions,
		RunsOn: d.RunsOn, NeedsExecutor: d.NeedsExecutor,
	}
	switch d.Direction {
	case sdk.Maximize:
		out.Direction = task.Maximize
	case sdk.Minimize:
		out.Direction = task.Minimize
	default:
		return bad("direction %q", d.Direction)
	}
	metrics := map[string]bool{}
	for _, m := range d.Metrics {
		out.Metrics = append(out.Metrics, task.Metric{Name: m.Name, Description: m.Description})
		metrics[m.Name] = true
	}
	if !metrics[d.Primary] {
		return bad("primary metric %q is not among its metrics", d.Primary)
	}
	for _, f := range d.FeatureDimensions {
		if !metrics[f] {
			return bad("feature dimension %q is not among its metrics", f)
		}
	}
	for _, s := range d.Stages {
		st := task.Stage{Name: s.Name, HeldOut: s.HeldOut}
		if s.Threshold != nil {
			st.Threshold, st.HasThreshold = *s.Threshold, true
		}
		out.Stages = append(out.Stages, st)
	}
	if len(out.Stages) == 0 {
		return bad("no stages")
	}
	if !slices.ContainsFunc(out.Stages, func(s task.Stage) bool { return !s.HeldOut }) {
		return bad("every stage is held out; candidates need a stage the cascade runs")
	}
	return out, nil
}

var _ task.Interface = (*Task)(nil)
