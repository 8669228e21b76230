package executor

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

// SlurmConfig says where and how jobs go to a Slurm cluster.
type SlurmConfig struct {
	// SharedDir is a directory both asi and the compute nodes see at the
	// same path (NFS, Lustre...): job files, logs, results and asi's record
	// of submitted jobs live there.
	SharedDir string
	// Partition, Account and QOS are passed to sbatch when set.
	Partition, Account, QOS string
	// Timeout caps a job's time limit (default 1h); a job may ask for less.
	// Slurm counts whole minutes.
	Timeout time.Duration
	// Memory caps a job's --mem in bytes; 0 leaves it to the partition.
	Memory uint64
	// CPUs per job when the job does not say (default 1).
	CPUs int
	// GRES is the generic resource a GPU is requested as (default "gpu").
	GRES string
	// Args are extra sbatch arguments, e.g. "--constraint=a100".
	Args []string
	// Poll is how often job states are read (default 5s).
	Poll time.Duration
	// Env is added to the environment of sbatch, squeue, scontrol, sacct
	// and scancel (e.g. SLURM_CONF); jobs never see it.
	Env []string
	// Require is the least isolation a job must get on its node: with
	// IsolationJail a job on a node without bubblewrap fails, saying so.
	// "": a jail where the node has bubblewrap.
	Require Isolation
	// NoJail runs jobs without bubblewrap: for asi's own trusted jobs
	// (remote sandbox runs, which wazero isolates), never for a task's.
	NoJail bool
	// Network lets jailed jobs reach the network; by default a jail has
	// its own network namespace with only loopback.
	Network bool
	// ReadOnly, TmpSize and Processes are LocalConfig's, for jobs on the
	// nodes: more host paths a jailed job sees read-only, the size of its
	// /tmp and /dev/shm, and RLIMIT_NPROC (a job submitted by root runs as
	// nobody, so the nobody jobs of a node share the cap).
	ReadOnly  []string
	TmpSize   uint64
	Processes int
}

// slurmNoJailExit is the exit code of a job that Require kept from running
// on a node without a working bubblewrap.
const slurmNoJailExit = 97

// Slurm submits jobs with sbatch and follows them with squeue, scontrol
// and sacct. It keeps a record of every job it submitted in SharedDir, so
// after a restart Submit with the same key returns the job already on the
// cluster instead of submitting it again.
type Slurm struct {
	cfg SlurmConfig

	mu sync.Mutex // guards the record file and byID
}

// slurmRecord is what asi remembers of one submitted job.
type slurmRecord struct {
	ID      string   `json:"id"`
	Key     string   `json:"key,omitempty"`
	Dir     string   `json:"dir"`
	Outputs []string `json:"outputs,omitempty"`
	Timeout int64    `json:"timeout_s"`
}

const slurmRecordFile = "asi-jobs.json"

// NewSlurm returns a Slurm executor. It checks that sbatch is on PATH.
func NewSlurm(cfg SlurmConfig) (*Slurm, error) {
	if cfg.SharedDir == "" {
		return nil, fmt.Errorf("slurm executor: no shared_dir")
	}
	// Job directories are bound into the jail where they are: absolute.
	abs, err := filepath.Abs(cfg.SharedDir)
	if err != nil {
		return nil, fmt.Errorf("slurm executor: shared_dir: %w", err)
	}
	cfg.SharedDir = abs
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Hour
	}
	if cfg.CPUs <= 0 {
		cfg.CPUs = 1
	}
	if cfg.GRES == "" {
		cfg.GRES = "gpu"
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 5 * time.Second
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		return nil, fmt.Errorf("slurm executor: sbatch: %w", err)
	}
	s := &Slurm{cfg: cfg}
	level, why := s.Isolation()
	if err := requireIsolation(cfg.Require, level, why); err != nil {
		return nil, fmt.Errorf("slurm executor: %w", err)
	}
	for _, p := range cfg.ReadOnly {
		if !filepath.IsAbs(p) {
			return nil, fmt.Errorf("slurm executor: read-only path %q is not absolute", p)
		}
	}
	if err := os.MkdirAll(cfg.SharedDir, 0o755); err != nil {
		return nil, fmt.Errorf("slurm executor: shared_dir: %w", err)
	}
	return s, nil
}

// requireJail says whether a job must fail on a node without a working
// bubblewrap: a node without one gives only the submitting user's rights,
// so any level above rlimits needs the jail.
func (s *Slurm) requireJail() bool {
	return !s.cfg.NoJail && s.cfg.Require.AtLeast(IsolationUser)
}

// Isolation is what the executor's jobs get at the least, and a short
// reason: each node decides when the job starts there, jailing it where it
// has a working bubblewrap.
func (s *Slurm) Isolation() (Isolation, string) {
	switch {
	case s.cfg.NoJail:
		return IsolationLimits, "rlimits: trusted asi jobs, not jailed"
	case s.requireJail():
		return IsolationJail, "jail: on nodes with a working bubblewrap; required, so a job on a node without one fails"
	}
	return IsolationLimits, "jail where a node has a working bubblewrap, else rlimits: the submitting user's rights under Slurm's limits"
}

func (s *Slurm) command(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), s.cfg.Env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// records reads the record file; s.mu must be held.
func (s *Slurm) records() (map[string]slurmRecord, error) {
	data, err := os.ReadFile(filepath.Join(s.cfg.SharedDir, slurmRecordFile))
	if os.IsNotExist(err) {
		return map[string]slurmRecord{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("slurm executor: job record: %w", err)
	}
	out := map[string]slurmRecord{}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("slurm executor: job record %s: %w", slurmRecordFile, err)
	}
	return out, nil
}

// save writes the record file atomically; s.mu must be held.
func (s *Slurm) save(recs map[string]slurmRecord) error {
	data, err := json.MarshalIndent(recs, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(s.cfg.SharedDir, slurmRecordFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("slurm executor: job record: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("slurm executor: job record: %w", err)
	}
	return nil
}

func (s *Slurm) record(id string) (slurmRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.records()
	if err != nil {
		return slurmRecord{}, err
	}
	r, ok := recs[id]
	if !ok {
		return slurmRecord{}, fmt.Errorf("slurm executor: %w %q", ErrUnknownJob, id)
	}
	return r, nil
}

// Capabilities implements sdk.Executor.
func (s *Slurm) Capabilities(ctx context.Context) (sdk.Capabilities, error) {
	c := sdk.Capabilities{Name: "slurm", Version: "1", APIVersions: []string{sdk.APIVersion}}
	args := []string{"-h", "-N", "-o", "%N|%c|%m|%G"}
	if s.cfg.Partition != "" {
		args = append(args, "-p", s.cfg.Partition)
	}
	out, err := s.command(ctx, "sinfo", args...)
	if err != nil {
		return c, fmt.Errorf("slurm executor: %w", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "|")
		if len(f) < 4 {
			continue
		}
		mem, _ := strconv.ParseUint(strings.TrimSuffix(f[2], "+"), 10, 64)
		c.Devices = append(c.Devices, sdk.Device{Kind: "cpu", Name: fmt.Sprintf("%s (%s CPUs, gres %s)", f[0], f[1], f[3]), Memory: mem << 20})
	}
	return c, nil
}

// Submit implements sdk.Executor. A job with a key already submitted is
// not submitted again: its Slurm job id is returned.
func (s *Slurm) Submit(ctx context.Context, job sdk.Job) (string, error) {
	if len(job.Command) == 0 {
		return "", fmt.Errorf("slurm executor: %w: no command", ErrBadJob)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.records()
	if err != nil {
		return "", err
	}
	if job.Key != "" {
		for _, r := range recs {
			if r.Key == job.Key {
				return r.ID, nil
			}
		}
	}
	dir, err := os.MkdirTemp(s.cfg.SharedDir, "job-"+keyName(job.Key))
	if err != nil {
		return "", fmt.Errorf("slurm executor: job directory: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("slurm executor: job directory: %w", err)
	}
	if err := writeFiles(dir, job.Files); err != nil {
		return "", fmt.Errorf("slurm executor: %w", err)
	}
	timeout := s.cfg.Timeout
	if t := job.Resources.Timeout; t > 0 && t < timeout {
		timeout = t
	}
	script := s.batchScript(job, dir)
	if err := os.WriteFile(filepath.Join(dir, "asi-job.sh"), []byte(script), 0o755); err != nil {
		return "", fmt.Errorf("slurm executor: job script: %w", err)
	}
	out, err := s.command(ctx, "sbatch", s.sbatchArgs(job, dir, timeout)...)
	if err != nil {
		return "", fmt.Errorf("slurm executor: %w", err)
	}
	// --parsable prints "id" or "id;cluster".
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("slurm executor: sbatch printed %q, not a job id", out)
	}
	recs[id] = slurmRecord{ID: id, Key: job.Key, Dir: dir, Outputs: job.Outputs, Timeout: int64(timeout.Seconds())}
	if err := s.save(recs); err != nil {
		return "", fmt.Errorf("%w (job %s was submitted; scancel it)", err, id)
	}
	return id, nil
}

// keyName makes a key usable in a file name.
func keyName(key string) string {
	if key == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:6]) + "-"
}

func (s *Slurm) sbatchArgs(job sdk.Job, dir string, timeout time.Duration) []string {
	minutes := int((timeout + time.Minute - 1) / time.Minute)
	cpus := job.Resources.CPUs
	if cpus <= 0 {
		cpus = s.cfg.CPUs
	}
	args := []string{"--parsable", "--job-name=asi", "--chdir=" + dir,
		"--output=" + filepath.Join(dir, "asi-job.log"), "--open-mode=append",
		"--time=" + strconv.Itoa(minutes), "--nodes=1", "--ntasks=1", "--cpus-per-task=" + strconv.Itoa(cpus),
		// Only what the batch script sets reaches the job.
		"--export=NONE"}
	memory := s.cfg.Memory
	if m := job.Resources.Memory; m > 0 && (memory == 0 || m < memory) {
		memory = m
	}
	if memory > 0 {
		args = append(args, "--mem="+strconv.FormatUint((memory+(1<<20)-1)>>20, 10)+"M")
	}
	if job.Resources.GPUs > 0 {
		args = append(args, fmt.Sprintf("--gres=%s:%d", s.cfg.GRES, job.Resources.GPUs))
	}
	if s.cfg.Partition != "" {
		args = append(args, "--partition="+s.cfg.Partition)
	}
	if s.cfg.Account != "" {
		args = append(args, "--account="+s.cfg.Account)
	}
	if s.cfg.QOS != "" {
		args = append(args, "--qos="+s.cfg.QOS)
	}
	args = append(args, s.cfg.Args...)
	return append(args, filepath.Join(dir, "asi-job.sh"))
}

// batchScript runs the job's command with only its declared environment,
// in a jail where the node has a working bubblewrap (unless NoJail):
// whether it has one is known only there, when the job starts. Submitted
// by root, the job runs as nobody in the jail, owning its directory.
func (s *Slurm) batchScript(job sdk.Job, dir string) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by asi: the job's command with only its declared environment")
	if !s.cfg.NoJail {
		b.WriteString(",\n# jailed by bubblewrap where this node has a working one")
	}
	b.WriteString(".\ncd " + shellQuote(dir) + " || exit 1\n")
	command := "env -i"
	for _, kv := range jobEnv(job, dir, nil) {
		command += " " + shellQuote(kv)
	}
	// Slurm's placement (CUDA_VISIBLE_DEVICES with --gres) is kept.
	command += ` ${CUDA_VISIBLE_DEVICES+CUDA_VISIBLE_DEVICES="$CUDA_VISIBLE_DEVICES"}`
	for _, a := range job.Command {
		command += " " + shellQuote(a)
	}
	if s.cfg.NoJail {
		b.WriteString("exec " + command + "\n")
		return b.String()
	}
	if s.cfg.Processes > 0 {
		command = "prlimit --nproc=" + strconv.Itoa(s.cfg.Processes) + " -- " + command
	}
	jl := jail{dir: dir, readOnly: slices.Clone(s.cfg.ReadOnly), network: s.cfg.Network, tmpSize: s.cfg.TmpSize}
	if job.Resources.GPUs > 0 {
		jl.readOnly = append(jl.readOnly, "/sys")
	}
	jl.readOnly = append(jl.readOnly, commandPaths(job.Command[0], envValue(jobEnv(job, dir, nil), "PATH"), dir, append([]string{dir}, jl.readOnly...))...)
	// The node's bwrap, setpriv and prlimit, not ones the user's login
	// environment (which Slurm gives the script) would find first.
	b.WriteString(`PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin; export PATH
set --
for p in ` + strings.Join(usrLinks, " ") + `; do
	if [ -L "$p" ]; then set -- "$@" --symlink "$(readlink "$p")" "$p"
	elif [ -d "$p" ]; then set -- "$@" --ro-bind "$p" "$p"; fi
done
set -- "$@"`)
	for _, a := range jl.args() {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString("\n")
	if job.Resources.GPUs > 0 {
		b.WriteString("for d in /dev/nvidia*; do [ -e \"$d\" ] && set -- \"$@\" --dev-bind \"$d\" \"$d\"; done\n")
	}
	b.WriteString(`if ! command -v bwrap >/dev/null 2>&1; then
	nojail="this node has no bubblewrap (` + bwrapInstall + `)"
elif ! nojail=$(bwrap "$@" /bin/sh -c : 2>&1); then
	nojail="bubblewrap cannot create a jail on this node: $nojail"
else
	if [ "$(id -u)" = 0 ]; then
		chown -R 65534:65534 . || exit 1
		set -- "$@" ` + strings.Join(dropArgs("setpriv", 65534, 65534), " ") + `
	fi
	exec bwrap "$@" ` + command + `
fi
`)
	if s.requireJail() {
		fmt.Fprintf(&b, "echo \"asi: $nojail; the campaign requires isolation = \\\"%s\\\"\" >&2\nexit %d\n", s.cfg.Require, slurmNoJailExit)
		return b.String()
	}
	b.WriteString("exec " + command + "\n")
	return b.String()
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// slurmState is a job's state as Slurm reports it, and whether it ended.
type slurmState struct {
	name     string // COMPLETED, TIMEOUT, ...
	exitCode int
	signal   int
}

// jobState maps a Slurm state to asi's; ok is false while the job may
// still run.
func jobState(st slurmState) (state sdk.JobState, detail string, ok bool) {
	name, _, _ := strings.Cut(st.name, " ") // "CANCELLED by 0"
	switch name {
	case "COMPLETED":
		if st.exitCode == 0 {
			return sdk.JobSucceeded, "", true
		}
		return sdk.JobFailed, fmt.Sprintf("exit code %d", st.exitCode), true
	case "FAILED":
		if st.signal != 0 {
			return sdk.JobFailed, fmt.Sprintf("killed by signal %d", st.signal), true
		}
		return sdk.JobFailed, fmt.Sprintf("exit code %d", st.exitCode), true
	case "CANCELLED", "REVOKED":
		return sdk.JobCancelled, "cancelled (" + strings.ToLower(st.name) + ")", true
	case "TIMEOUT", "DEADLINE":
		return sdk.JobTimedOut, "killed at its Slurm time limit (" + name + ")", true
	case "OUT_OF_MEMORY":
		return sdk.JobFailed, "out of memory (OUT_OF_MEMORY)", true
	case "NODE_FAIL", "BOOT_FAIL", "PREEMPTED", "SPECIAL_EXIT":
		return sdk.JobFailed, "Slurm ended the job: " + name, true
	}
	// PENDING, RUNNING, CONFIGURING, COMPLETING, SUSPENDED, REQUEUED,
	// RESIZING, STOPPED, SIGNALING, STAGE_OUT... : not over yet.
	return "", "", false
}

// state reads a job's state: scontrol while slurmctld remembers the job,
// then sacct (which needs accounting) for older ones.
func (s *Slurm) state(ctx context.Context, id string) (slurmState, error) {
	out, err := s.command(ctx, "scontrol", "show", "job", "-o", id)
	if err == nil {
		if st := parseScontrol(out); st.name != "" {
			return st, nil
		}
	}
	acct, aerr := s.command(ctx, "sacct", "-n", "-P", "-X", "-j", id, "-o", "State,ExitCode")
	if aerr == nil {
		line, _, _ := strings.Cut(strings.TrimSpace(acct), "\n")
		if state, code, ok := strings.Cut(line, "|"); ok {
			st := slurmState{name: state}
			st.exitCode, st.signal = parseExitCode(code)
			return st, nil
		}
	}
	if err == nil {
		err = fmt.Errorf("no state for job %s", id)
	}
	return slurmState{}, fmt.Errorf("slurm executor: job %s: %w (sacct: %v)", id, err, aerr)
}

// parseScontrol reads JobState and ExitCode from `scontrol show job -o`.
func parseScontrol(out string) slurmState {
	st := slurmState{}
	for _, f := range strings.Fields(out) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "JobState":
			st.name = v
		case "ExitCode":
			st.exitCode, st.signal = parseExitCode(v)
		}
	}
	return st
}

// parseExitCode reads Slurm's "code:signal".
func parseExitCode(v string) (int, int) {
	c, sig, _ := strings.Cut(v, ":")
	code, _ := strconv.Atoi(c)
	signal, _ := strconv.Atoi(sig)
	return code, signal
}

// Wait implements sdk.Executor, polling every Poll.
func (s *Slurm) Wait(ctx context.Context, id string) (sdk.JobResult, error) {
	rec, err := s.record(id)
	if err != nil {
		return sdk.JobResult{}, err
	}
	start := time.Now()
	for {
		st, err := s.state(ctx, id)
		if err != nil && ctx.Err() != nil {
			return sdk.JobResult{}, ctx.Err()
		}
		if err == nil {
			if state, detail, ok := jobState(st); ok {
				if st.exitCode == slurmNoJailExit {
					if line := lastAsiLine(rec.Dir); line != "" {
						detail = line
					}
				}
				outs, oerr := readOutputs(rec.Dir, rec.Outputs)
				if oerr != nil && detail == "" {
					detail = oerr.Error()
				}
				return sdk.JobResult{State: state, ExitCode: st.exitCode, Detail: detail, Outputs: outs, Wall: time.Since(start)}, nil
			}
		}
		select {
		case <-ctx.Done():
			return sdk.JobResult{}, ctx.Err()
		case <-time.After(s.cfg.Poll):
		}
	}
}

// lastAsiLine is the last line of a job's log that the batch script wrote
// ("asi: ..."), or "".
func lastAsiLine(dir string) string {
	f, err := openJobFile(dir, "asi-job.log")
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 4096 {
		_, _ = f.Seek(fi.Size()-4096, io.SeekStart)
	}
	tail, _ := io.ReadAll(io.LimitReader(f, 4096))
	lines := strings.Split(strings.TrimSpace(string(tail)), "\n")
	if last := lines[len(lines)-1]; strings.HasPrefix(last, "asi: ") {
		return last
	}
	return ""
}

// Logs implements sdk.Executor: the job's output file in the shared
// directory from offset on.
func (s *Slurm) Logs(ctx context.Context, id string, offset int64) ([]byte, bool, error) {
	rec, err := s.record(id)
	if err != nil {
		return nil, false, err
	}
	done := false
	if st, err := s.state(ctx, id); err == nil {
		_, _, done = jobState(st)
	}
	f, err := openJobFile(rec.Dir, "asi-job.log")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, done, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("slurm executor: job %s log: %w", id, err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, 0); err != nil {
		return nil, false, fmt.Errorf("slurm executor: job %s log: %w", id, err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		return nil, false, fmt.Errorf("slurm executor: job %s log: %w", id, err)
	}
	return b.Bytes(), done, nil
}

// Cancel implements sdk.Executor with scancel.
func (s *Slurm) Cancel(ctx context.Context, id string) error {
	if _, err := s.record(id); err != nil {
		return err
	}
	if _, err := s.command(ctx, "scancel", id); err != nil {
		return fmt.Errorf("slurm executor: %w", err)
	}
	return nil
}

// Jobs lists the ids of the jobs this executor submitted, oldest first.
func (s *Slurm) Jobs() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, err := s.records()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(recs))
	for id := range recs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, _ := strconv.Atoi(ids[i])
		b, _ := strconv.Atoi(ids[j])
		return a < b
	})
	return ids, nil
}

var _ sdk.Executor = (*Slurm)(nil)
