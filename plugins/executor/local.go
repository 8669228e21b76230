package executor

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

// LocalConfig are the limits of the local executor. Zero fields take the
// defaults in NewLocal.
type LocalConfig struct {
	// Dir holds one directory per job. When asi runs as root, Dir and its
	// parents must be searchable by the unprivileged user jobs run as.
	Dir string
	// Slots is how many jobs run at once (default 1); others queue.
	Slots int
	// Memory caps a job's address space (RLIMIT_AS) in bytes; a job may ask
	// for less. 0: no cap.
	Memory uint64
	// Timeout caps a job's wall time (default 1h); a job may ask for less.
	Timeout time.Duration
	// Grace is how long a job has between SIGTERM and SIGKILL (default 5s).
	Grace time.Duration
	// OutputLimit caps the log kept of stdout+stderr (default 1 MiB).
	OutputLimit int64
	// Network lets jobs reach the network. By default a job run as root
	// gets a network namespace with only loopback.
	Network bool
	// User is the uid:gid jobs run as when asi is root (default 65534,
	// nobody), so a job cannot write outside its directory.
	UID, GID int
	// Require is the least isolation a job must get: NewLocal refuses,
	// with ErrIsolation, on a machine that gives less. "": the best the
	// machine gives.
	Require Isolation
	// NoJail runs jobs without bubblewrap: for asi's own trusted jobs
	// (remote sandbox runs, which wazero isolates), never for a task's.
	NoJail bool
	// ReadOnly are more host paths (absolute) a jailed job sees, read-only
	// at the same path: a data set, a toolchain outside /usr. Without them
	// a job sees /usr, the directory of its command and its own directory.
	ReadOnly []string
	// TmpSize caps a jailed job's private /tmp and /dev/shm, each, in bytes
	// (default 1 GiB). Both are tmpfs: what a job keeps there is memory.
	TmpSize uint64
	// Processes caps a job's processes and threads (RLIMIT_NPROC, which
	// counts those of its user). When asi is root every job runs as
	// nobody, so the jobs running at once, and any other process of
	// nobody's, share the cap; a jail run by another user counts alone (in
	// its own user namespace). 0: no cap beyond the machine's; a jail's
	// PID namespace still ends every process of a job with it.
	Processes int
}

func (c LocalConfig) withDefaults() LocalConfig {
	if c.Slots <= 0 {
		c.Slots = 1
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Hour
	}
	if c.Grace <= 0 {
		c.Grace = 5 * time.Second
	}
	if c.OutputLimit <= 0 {
		c.OutputLimit = 1 << 20
	}
	if c.UID == 0 && c.GID == 0 {
		c.UID, c.GID = 65534, 65534
	}
	return c
}

// Placer gives a job its devices before it starts: extra environment (such
// as CUDA_VISIBLE_DEVICES) and a release to call when it ends. It may block
// until devices are free.
type Placer interface {
	Place(ctx context.Context, job sdk.Job) (env map[string]string, release func(), err error)
}

// Local runs jobs as child processes of asi, each in its own directory and
// process group, with a wall timeout, rlimits, a capped log and a scrubbed
// environment.
type Local struct {
	name  string
	cfg   LocalConfig
	slots chan struct{}
	place Placer // nil: no devices

	isolation    Isolation
	isolationWhy string
	jailed       bool   // jobs run in bubblewrap
	bwrap        string // bwrap's path, when jailed
	setpriv      string // setpriv's path, when jailed and asi is root

	mu   sync.Mutex
	jobs map[string]*localJob
	keys map[string]string
	seq  int
	// turn is closed once the last job submitted has taken a slot or given
	// up waiting: each job waits for its predecessor's, so that jobs take
	// free slots in the order they were submitted. Executors that place
	// devices (gpu) start jobs in the order devices free up instead.
	turn chan struct{}
}

type localJob struct {
	id, dir string
	log     *capLog
	cancel  context.CancelFunc
	done    chan struct{}
	res     sdk.JobResult
	mu      sync.Mutex
	stopped bool // Cancel was called
}

// NewLocal returns a local executor keeping job directories under cfg.Dir.
func NewLocal(cfg LocalConfig) (*Local, error) {
	return newLocal("local", cfg, nil)
}

func newLocal(name string, cfg LocalConfig, place Placer) (*Local, error) {
	cfg = cfg.withDefaults()
	if cfg.Dir == "" {
		return nil, fmt.Errorf("%s executor: no work directory", name)
	}
	// The jail binds job directories where they are on the host, which
	// needs them absolute (a campaign's state directory is often relative).
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("%s executor: work directory: %w", name, err)
	}
	cfg.Dir = abs
	if err := os.MkdirAll(cfg.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("%s executor: work directory: %w", name, err)
	}
	if err := os.Chmod(cfg.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("%s executor: work directory: %w", name, err)
	}
	if err := CheckReachable(cfg.Dir); err != nil {
		return nil, fmt.Errorf("%s executor: %w", name, err)
	}
	for _, p := range cfg.ReadOnly {
		if !filepath.IsAbs(p) {
			return nil, fmt.Errorf("%s executor: read-only path %q is not absolute", name, p)
		}
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s executor: read-only path: %w", name, err)
		}
	}
	l := &Local{name: name, cfg: cfg, slots: make(chan struct{}, cfg.Slots), place: place,
		jobs: map[string]*localJob{}, keys: map[string]string{}}
	support := detectJail()
	l.isolation, l.isolationWhy = localIsolation(support, cfg.NoJail, dropPrivileges())
	if err := requireIsolation(cfg.Require, l.isolation, l.isolationWhy); err != nil {
		return nil, fmt.Errorf("%s executor: %w", name, err)
	}
	if l.isolation == IsolationJail {
		l.jailed, l.bwrap = true, support.bwrap
		if dropPrivileges() {
			var err error
			if l.setpriv, err = exec.LookPath("setpriv"); err != nil {
				return nil, fmt.Errorf("%s executor: setpriv (util-linux): %w", name, err)
			}
		}
	}
	first := make(chan struct{})
	close(first)
	l.turn = first
	return l, nil
}

// requireIsolation refuses a level below the required one, naming what
// the machine gives and why.
func requireIsolation(required, got Isolation, why string) error {
	if required == "" {
		return nil
	}
	if _, ok := ParseIsolation(string(required)); !ok {
		return fmt.Errorf("%w: unknown isolation %q (want %q, %q or %q)", ErrIsolation, required, IsolationJail, IsolationUser, IsolationLimits)
	}
	if !got.AtLeast(required) {
		return fmt.Errorf("%w: isolation %q required, this machine gives %s", ErrIsolation, required, why)
	}
	return nil
}

// Isolation is what the executor's jobs get and a short reason: a jail
// where bubblewrap works and NoJail is not set.
func (l *Local) Isolation() (Isolation, string) { return l.isolation, l.isolationWhy }

// Capabilities implements sdk.Executor.
func (l *Local) Capabilities(context.Context) (sdk.Capabilities, error) {
	return sdk.Capabilities{Name: l.name, Version: "1", APIVersions: []string{sdk.APIVersion},
		Devices: []sdk.Device{{Kind: "cpu", Name: fmt.Sprintf("%d slots", l.cfg.Slots)}}, Memory: l.cfg.Memory}, nil
}

// Submit implements sdk.Executor: the job is queued for a slot and its id
// returned at once.
func (l *Local) Submit(ctx context.Context, job sdk.Job) (string, error) {
	if len(job.Command) == 0 {
		return "", fmt.Errorf("%s executor: %w: no command", l.name, ErrBadJob)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if id, ok := l.keys[job.Key]; ok && job.Key != "" {
		return id, nil
	}
	l.seq++
	id := fmt.Sprintf("%s-%d-%d", l.name, os.Getpid(), l.seq)
	dir := filepath.Join(l.cfg.Dir, id)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("%s executor: job %s: %w", l.name, id, err)
	}
	if err := writeFiles(dir, job.Files); err != nil {
		return "", fmt.Errorf("%s executor: job %s: %w", l.name, id, err)
	}
	if dropPrivileges() {
		if err := chownTree(dir, l.cfg.UID, l.cfg.GID); err != nil {
			return "", fmt.Errorf("%s executor: job %s: %w", l.name, id, err)
		}
	}
	runCtx, cancel := context.WithCancel(context.Background())
	j := &localJob{id: id, dir: dir, log: newCapLog(l.cfg.OutputLimit), cancel: cancel, done: make(chan struct{})}
	l.jobs[id] = j
	if job.Key != "" {
		l.keys[job.Key] = id
	}
	var prev, mine chan struct{}
	if l.place == nil {
		prev, mine = l.turn, make(chan struct{})
		l.turn = mine
	}
	go l.run(runCtx, j, job, prev, mine)
	return id, nil
}

// CheckReachable returns an error wrapping ErrDirUnreachable, naming the
// directory, when jobs run as another user (asi is root) and a directory
// from dir up to the root cannot be searched by other users; directories
// that do not exist yet are not checked.
func CheckReachable(dir string) error {
	if !dropPrivileges() {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("jobs run as another user, who cannot enter %s (mode %04o, no search permission for others): %w",
				d, fi.Mode().Perm(), ErrDirUnreachable)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// dropPrivileges says whether jobs run as another user: only root can.
func dropPrivileges() bool { return os.Geteuid() == 0 }

func chownTree(dir string, uid, gid int) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

func (l *Local) run(ctx context.Context, j *localJob, job sdk.Job, prevTurn <-chan struct{}, myTurn chan struct{}) {
	defer close(j.done)
	start := time.Now()
	finish := func(state sdk.JobState, code int, detail string) {
		j.res = sdk.JobResult{State: state, ExitCode: code, Detail: detail, Wall: time.Since(start)}
		outs, err := readOutputs(j.dir, job.Outputs)
		if err != nil && j.res.Detail == "" {
			j.res.Detail = err.Error()
		}
		j.res.Outputs = outs
		j.log.close()
	}
	var extra map[string]string
	if l.place != nil {
		env, release, err := l.place.Place(ctx, job)
		if err != nil {
			if ctx.Err() != nil {
				finish(sdk.JobCancelled, -1, "cancelled while queued")
				return
			}
			finish(sdk.JobFailed, -1, err.Error())
			return
		}
		defer release()
		extra = env
	}
	if !l.takeSlot(ctx, prevTurn, myTurn) {
		finish(sdk.JobCancelled, -1, "cancelled while queued")
		return
	}
	defer func() { <-l.slots }()
	start = time.Now()
	state, code, detail := l.exec(ctx, j, job, extra)
	finish(state, code, detail)
}

// takeSlot waits for a free slot, after the job submitted before this one
// (prevTurn closed) when turns are kept, and then passes the turn on
// (closes myTurn). It returns false when ctx ends first; the turn is
// still passed on, in order.
func (l *Local) takeSlot(ctx context.Context, prevTurn <-chan struct{}, myTurn chan struct{}) bool {
	if prevTurn != nil {
		select {
		case <-prevTurn:
		case <-ctx.Done():
			go func() { <-prevTurn; close(myTurn) }()
			return false
		}
		defer close(myTurn)
	}
	select {
	case l.slots <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// exec runs the job's processes to their end and says how it ended.
func (l *Local) exec(ctx context.Context, j *localJob, job sdk.Job, extra map[string]string) (sdk.JobState, int, string) {
	timeout := l.cfg.Timeout
	if t := job.Resources.Timeout; t > 0 && t < timeout {
		timeout = t
	}
	env := jobEnv(job, j.dir, extra)
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		return sdk.JobFailed, -1, "prlimit (util-linux) is not installed: " + err.Error()
	}
	var argv []string
	if l.jailed {
		argv = l.jailArgv(j.dir, job, env, prlimit)
	}
	argv = append(argv, l.limitArgs(prlimit, job, timeout)...)
	argv = append(argv, job.Command...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = j.dir
	cmd.Env = env
	attr := &syscall.SysProcAttr{Setpgid: true}
	if dropPrivileges() && !l.jailed {
		attr.Credential = &syscall.Credential{Uid: uint32(l.cfg.UID), Gid: uint32(l.cfg.GID)}
		if !l.cfg.Network {
			attr.Cloneflags = syscall.CLONE_NEWNET
		}
	}
	cmd.SysProcAttr = attr
	procs := &jobProcs{}
	var infoR, infoW *os.File
	if l.jailed {
		// bwrap reports the jail's PID namespace on fd 3 (--info-fd).
		if infoR, infoW, err = os.Pipe(); err != nil {
			return sdk.JobFailed, -1, err.Error()
		}
		cmd.ExtraFiles = []*os.File{infoW}
	}
	// The job writes into a pipe we drain ourselves: Wait then returns when
	// the main process ends, even if a straggler holds the pipe open.
	r, w, err := os.Pipe()
	if err != nil {
		closeAll(infoR, infoW)
		return sdk.JobFailed, -1, err.Error()
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		closeAll(r, w, infoR, infoW)
		return sdk.JobFailed, -1, fmt.Sprintf("start %s: %v", argv[0], err)
	}
	closeAll(w, infoW)
	procs.pgid = cmd.Process.Pid
	if infoR != nil {
		go func() {
			defer infoR.Close()
			if info, ok := readJailInfo(infoR); ok {
				procs.setJail(info)
			}
		}()
	}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = j.log.ReadFrom(r)
		_ = r.Close()
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var reason sdk.JobState
	var waitErr error
	select {
	case waitErr = <-exited:
	case <-timer.C:
		reason = sdk.JobTimedOut
		waitErr = l.stop(procs, exited)
	case <-ctx.Done():
		reason = sdk.JobCancelled
		waitErr = l.stop(procs, exited)
	}
	// Whatever the main process left behind in its group dies with it (in a
	// jail, the kernel has ended them with the jail's init).
	procs.signal(syscall.SIGKILL)
	select {
	case <-copied:
	case <-time.After(l.cfg.Grace):
		_ = r.Close() // a process that left the group still holds the pipe
	}
	code := cmd.ProcessState.ExitCode()
	switch {
	case reason == sdk.JobTimedOut:
		return sdk.JobTimedOut, code, fmt.Sprintf("killed after the %s time limit", timeout)
	case reason == sdk.JobCancelled:
		return sdk.JobCancelled, code, "cancelled"
	case waitErr == nil:
		return sdk.JobSucceeded, 0, ""
	}
	detail := waitErr.Error()
	var sig syscall.Signal
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		sig = ws.Signal()
	} else if s, ok := jailExit(code); ok && l.jailed {
		sig, detail = s, fmt.Sprintf("%s (signal: %v)", detail, s)
	}
	if sig == syscall.SIGXCPU {
		detail = "CPU time limit exceeded"
	}
	if j.log.truncated() {
		detail += "; output truncated"
	}
	return sdk.JobFailed, code, detail
}

// limitArgs is prlimit's command line, which sets the job's rlimits before
// its command is exec'ed, so that no process of the job runs without them.
func (l *Local) limitArgs(prlimit string, job sdk.Job, timeout time.Duration) []string {
	argv := []string{prlimit}
	memory := l.cfg.Memory
	if m := job.Resources.Memory; m > 0 && (memory == 0 || m < memory) {
		memory = m
	}
	if memory > 0 {
		argv = append(argv, "--as="+strconv.FormatUint(memory, 10))
	}
	if l.cfg.Processes > 0 {
		argv = append(argv, "--nproc="+strconv.Itoa(l.cfg.Processes))
	}
	// CPU seconds: the wall timeout times the CPUs asked for, so a busy job
	// is stopped even if the wall clock is not checked.
	cpus := job.Resources.CPUs
	if cpus <= 0 {
		cpus = 1
	}
	cpuSec := int64((timeout * time.Duration(cpus)).Seconds()) + 1
	return append(argv, "--cpu="+strconv.FormatInt(cpuSec, 10), "--")
}

// jailArgv is bwrap's command line for a job in dir, up to prlimit's: its
// command's directory read-only when outside /usr, the GPUs' devices when
// the Placer gave it some, and a drop to the job user when asi is root.
func (l *Local) jailArgv(dir string, job sdk.Job, env []string, prlimit string) []string {
	jl := jail{dir: dir, readOnly: slices.Clone(l.cfg.ReadOnly), network: l.cfg.Network, tmpSize: l.cfg.TmpSize}
	if l.place != nil && job.Resources.GPUs > 0 {
		jl.devices = gpuDevices()
		// CUDA reads the devices' PCI topology there.
		jl.readOnly = append(jl.readOnly, "/sys")
	}
	for _, p := range []string{l.setpriv, prlimit, job.Command[0]} {
		if p != "" {
			held := append([]string{dir}, jl.readOnly...)
			jl.readOnly = append(jl.readOnly, commandPaths(p, envValue(env, "PATH"), dir, held)...)
		}
	}
	argv := append(append([]string{l.bwrap}, linkArgs()...), jl.args()...)
	argv = append(argv, "--info-fd", "3")
	if dropPrivileges() {
		argv = append(argv, dropArgs(l.setpriv, l.cfg.UID, l.cfg.GID)...)
	}
	return argv
}

// envValue is the value of name in env ("NAME=value" entries).
func envValue(env []string, name string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		if f != nil {
			_ = f.Close()
		}
	}
}

// jobProcs are a running job's processes: its process group, and its
// jail once bwrap has reported it.
type jobProcs struct {
	pgid int
	mu   sync.Mutex
	jail *jailInfo
}

func (p *jobProcs) setJail(info jailInfo) {
	p.mu.Lock()
	p.jail = &info
	p.mu.Unlock()
}

// signal sends sig to the job's processes. SIGKILL goes to the process
// group: in a jail that is bwrap, whose death kills the jail's init
// (--die-with-parent) and the kernel every process in its namespace.
// Another signal goes to every process in the jail, which the job's may
// have left their group for.
func (p *jobProcs) signal(sig syscall.Signal) {
	p.mu.Lock()
	jl := p.jail
	p.mu.Unlock()
	if jl != nil && sig != syscall.SIGKILL {
		jl.signal(sig)
		return
	}
	_ = syscall.Kill(-p.pgid, sig)
}

// stop sends SIGTERM to the job, then SIGKILL after the grace period.
func (l *Local) stop(procs *jobProcs, exited <-chan error) error {
	procs.signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		return err
	case <-time.After(l.cfg.Grace):
	}
	procs.signal(syscall.SIGKILL)
	return <-exited
}

func (l *Local) job(id string) (*localJob, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	j, ok := l.jobs[id]
	if !ok {
		return nil, fmt.Errorf("%s executor: %w %q", l.name, ErrUnknownJob, id)
	}
	return j, nil
}

// Wait implements sdk.Executor.
func (l *Local) Wait(ctx context.Context, id string) (sdk.JobResult, error) {
	j, err := l.job(id)
	if err != nil {
		return sdk.JobResult{}, err
	}
	select {
	case <-j.done:
		return j.res, nil
	case <-ctx.Done():
		return sdk.JobResult{}, ctx.Err()
	}
}

// Logs implements sdk.Executor: stdout and stderr, interleaved, capped.
func (l *Local) Logs(_ context.Context, id string, offset int64) ([]byte, bool, error) {
	j, err := l.job(id)
	if err != nil {
		return nil, false, err
	}
	data, done := j.log.from(offset)
	return data, done, nil
}

// Cancel implements sdk.Executor: a queued job never starts; a running one
// gets SIGTERM, then SIGKILL after the grace period.
func (l *Local) Cancel(_ context.Context, id string) error {
	j, err := l.job(id)
	if err != nil {
		return err
	}
	j.cancel()
	return nil
}

// Close cancels every job and waits for them to end.
func (l *Local) Close() error {
	l.mu.Lock()
	jobs := make([]*localJob, 0, len(l.jobs))
	for _, j := range l.jobs {
		jobs = append(jobs, j)
	}
	l.mu.Unlock()
	for _, j := range jobs {
		j.cancel()
		<-j.done
	}
	return nil
}

// capLog keeps the first limit bytes of a job's output, drains the rest,
// and notes that it was cut.
type capLog struct {
	mu     sync.Mutex
	limit  int64
	buf    []byte
	cut    bool
	closed bool
}

func newCapLog(limit int64) *capLog { return &capLog{limit: limit} }

// ReadFrom drains r until EOF, keeping what fits.
func (c *capLog) ReadFrom(r interface{ Read([]byte) (int, error) }) (int64, error) {
	var n int64
	b := make([]byte, 32<<10)
	for {
		k, err := r.Read(b)
		n += int64(k)
		c.mu.Lock()
		room := c.limit - int64(len(c.buf))
		switch {
		case int64(k) <= room:
			c.buf = append(c.buf, b[:k]...)
		default:
			if room > 0 {
				c.buf = append(c.buf, b[:room]...)
			}
			if !c.cut {
				c.cut = true
				c.buf = append(c.buf, fmt.Sprintf("\n[asi: output truncated at %d bytes]\n", c.limit)...)
			}
		}
		c.mu.Unlock()
		if err != nil {
			// EOF, or the pipe closed under us after the grace period:
			// either way there is no more to read.
			return n, nil
		}
	}
}

func (c *capLog) truncated() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cut
}

func (c *capLog) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

func (c *capLog) from(offset int64) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if offset < 0 || offset > int64(len(c.buf)) {
		offset = int64(len(c.buf))
	}
	return append([]byte(nil), c.buf[offset:]...), c.closed
}

var _ sdk.Executor = (*Local)(nil)
