package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/asi-evolve/asi/plugins/executor"
	"github.com/asi-evolve/asi/sdk"
)

// ExecutorOptions say where the campaign's executors keep their files and
// how to find executor plugins.
type ExecutorOptions struct {
	// StateDir is the campaign's state directory; local and gpu jobs run
	// under StateDir/jobs/<type> unless the spec sets WorkDir, and Slurm
	// jobs go to StateDir/slurm unless it sets SharedDir.
	StateDir string
	// Finder locates asi-executor-<type> for a type that is not built in.
	Finder Finder
	Logger hclog.Logger
}

// Executors is the host's Executor service for task plugins: the
// campaign's executors behind a router (a job names its executor; the
// first declared is the default). The built-in ones (local, gpu, slurm)
// run inside asi; any other type is an executor plugin process.
type Executors struct {
	*executor.Router
	stop []func()
}

// Built-in executor types; any other type names an executor plugin
// (asi-executor-<type>).
const (
	executorLocal = "local"
	executorGPU   = "gpu"
	executorSlurm = "slurm"
)

// ExecutorSpec is one executor of a campaign: its type and, for the
// built-in types, its settings. Paths are used as given (the caller
// resolves them). Zero values mean the executor's own default
// (docs/executors.md).
type ExecutorSpec struct {
	Type string

	// local and gpu
	Slots       int
	WorkDir     string // "": StateDir/jobs/<type>
	Memory      uint64 // bytes, per job
	Timeout     time.Duration
	Grace       time.Duration
	OutputLimit uint64
	Network     bool
	Devices     []int // gpu: the GPU indices jobs may use
	// Isolation is the least a job must get (all built-in types); "": the
	// best the machine gives. ReadOnly, TmpSize and Processes shape the
	// jail (executor.LocalConfig); Network applies to slurm jails too.
	Isolation executor.Isolation
	ReadOnly  []string
	TmpSize   uint64
	Processes int

	// slurm
	SharedDir               string // "": StateDir/slurm
	Partition, Account, QOS string
	CPUs                    int
	GRES                    string
	Args                    []string
	Poll                    time.Duration
	SlurmConf               string // SLURM_CONF for the client commands
}

// StartExecutors builds the given executors; the first is the default.
// With none it returns nil, and the task's calls fail with
// sdk.ErrNoExecutor.
func StartExecutors(ctx context.Context, specs []ExecutorSpec, opts ExecutorOptions) (*Executors, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	e := &Executors{Router: executor.NewRouter()}
	for _, spec := range specs {
		ex, stop, err := startExecutor(spec, opts)
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("executor %q: %w", spec.Type, err)
		}
		if stop != nil {
			e.stop = append(e.stop, stop)
		}
		e.Add(spec.Type, ex)
	}
	return e, nil
}

func startExecutor(s ExecutorSpec, opts ExecutorOptions) (sdk.Executor, func(), error) {
	dir := func(set, def string) string {
		if set != "" {
			return set
		}
		return filepath.Join(opts.StateDir, def)
	}
	switch s.Type {
	case executorLocal, executorGPU:
		local := executor.LocalConfig{Dir: dir(s.WorkDir, filepath.Join("jobs", s.Type)), Slots: s.Slots, Memory: s.Memory,
			Timeout: s.Timeout, Grace: s.Grace, OutputLimit: int64(s.OutputLimit), Network: s.Network, Require: s.Isolation,
			ReadOnly: s.ReadOnly, TmpSize: s.TmpSize, Processes: s.Processes}
		if s.WorkDir == "" {
			local.Dir = reachableJobDir(local.Dir, opts)
		}
		if s.Type == executorLocal {
			l, err := executor.NewLocal(local)
			return l, nil, err
		}
		devs, shutdown := executor.NVML()
		if _, err := devs.GPUs(); err != nil {
			opts.Logger.Warn("gpu executor: GPU jobs will be refused", "reason", err)
		}
		g, err := executor.NewGPU(executor.GPUConfig{LocalConfig: local, Devices: s.Devices}, devs)
		if err != nil {
			shutdown()
			return nil, nil, err
		}
		return g, shutdown, nil
	case executorSlurm:
		sl, err := executor.NewSlurm(slurmConfig(s, opts.StateDir))
		return sl, nil, err
	}
	return startExecutorPlugin(s.Type, opts)
}

// slurmConfig is a slurm spec as the Slurm executor takes it; its shared
// directory defaults to stateDir/slurm.
func slurmConfig(s ExecutorSpec, stateDir string) executor.SlurmConfig {
	sc := executor.SlurmConfig{SharedDir: s.SharedDir, Partition: s.Partition, Account: s.Account, QOS: s.QOS,
		Timeout: s.Timeout, Memory: s.Memory, CPUs: s.CPUs, GRES: s.GRES, Args: s.Args, Poll: s.Poll, Require: s.Isolation,
		Network: s.Network, ReadOnly: s.ReadOnly, TmpSize: s.TmpSize, Processes: s.Processes}
	if sc.SharedDir == "" {
		sc.SharedDir = filepath.Join(stateDir, "slurm")
	}
	if s.SlurmConf != "" {
		sc.Env = []string{"SLURM_CONF=" + s.SlurmConf}
	}
	return sc
}

// reachableJobDir returns dir, or when the unprivileged job user could not
// enter it (a state directory under a private home, for instance) a
// directory of its own under the system's temporary directory, named by
// dir so that a resumed campaign finds its jobs again.
func reachableJobDir(dir string, opts ExecutorOptions) string {
	err := executor.CheckReachable(dir)
	if err == nil {
		return dir
	}
	abs, _ := filepath.Abs(dir)
	sum := sha256.Sum256([]byte(abs))
	parent := filepath.Join(os.TempDir(), "asi-jobs-"+hex.EncodeToString(sum[:6]))
	// The temporary directory is shared: use the name only if it is ours.
	if fi, err := os.Lstat(parent); err == nil {
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() {
			return dir
		}
	}
	moved := filepath.Join(parent, filepath.Base(dir))
	opts.Logger.Warn("executor: job directories moved where the job user can enter them", "reason", err, "dir", moved)
	return moved
}

// startExecutorPlugin runs asi-executor-<name> and talks asi.executor.v1
// to it.
func startExecutorPlugin(name string, opts ExecutorOptions) (sdk.Executor, func(), error) {
	found, err := opts.Finder.Find(KindExecutor, name)
	if err != nil {
		return nil, nil, err
	}
	client, raw, err := dial(found, "", opts.Logger, nil)
	if err != nil {
		return nil, nil, err
	}
	ex, ok := raw.(sdk.Executor)
	if !ok {
		client.Kill()
		return nil, nil, fmt.Errorf("plugin %s: %s is not an executor plugin", name, found.Path)
	}
	return ex, func() { client.Kill() }, nil
}

// Close stops the executors: local jobs are cancelled, Slurm jobs keep
// running on the cluster (a resumed campaign re-attaches to them), plugin
// processes are stopped.
func (e *Executors) Close() {
	if e == nil {
		return
	}
	if err := e.Router.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "Warning: executors: %v\n", err)
	}
	for _, stop := range e.stop {
		stop()
	}
}
