package slurmtest

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
)

// cluster is a real one-node Slurm cluster on loopback: munged, slurmctld
// and slurmd started by the tests with their own configuration and state in
// a temporary directory, stopped by PID when the tests end.
type Cluster struct {
	Dir   string
	Env   []string // SLURM_CONF for the client commands
	procs []*exec.Cmd
}

var (
	clusterOnce sync.Once
	theCluster  *Cluster
	clusterErr  error
)

// StopStarted stops the cluster if this test binary started one: call it
// at the end of a TestMain that does more than Main.
func StopStarted() {
	if theCluster != nil {
		theCluster.Stop()
	}
}

// Main runs a package's tests and stops the cluster, if one was started,
// before the test binary exits: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if theCluster != nil {
		theCluster.Stop()
	}
	os.Exit(code)
}

// Start starts the cluster on first use; it skips when Slurm is not
// installed (scripts/ci/install-slurm.sh installs it) or asi is not root.
func Start(t *testing.T) *Cluster {
	t.Helper()
	for _, bin := range []string{"slurmctld", "slurmd", "munged", "sbatch", "squeue", "scontrol", "scancel", "sinfo"} {
		if _, err := exec.LookPath(bin); err != nil {
			testenv.Skipf(t, "%s not found: run scripts/ci/install-slurm.sh to test the slurm executor against a real cluster", bin)
		}
	}
	if os.Geteuid() != 0 {
		testenv.Skipf(t, "starting a Slurm cluster needs root (slurmd runs jobs as their users)")
	}
	clusterOnce.Do(func() { theCluster, clusterErr = startCluster() })
	if clusterErr != nil {
		t.Fatalf("slurm cluster: %v", clusterErr)
	}
	return theCluster
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startCluster() (*Cluster, error) {
	dir, err := os.MkdirTemp("", "asi-slurm-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir}
	host, err := os.Hostname()
	if err != nil {
		return nil, err
	}
	host, _, _ = strings.Cut(host, ".")
	ctldPort, err := freePort()
	if err != nil {
		return nil, err
	}
	dPort, err := freePort()
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"munge", "ctld", "spool", "shared"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	_ = os.Chmod(filepath.Join(dir, "shared"), 0o755)
	key := make([]byte, 1024)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	keyFile := filepath.Join(dir, "munge", "munge.key")
	if err := os.WriteFile(keyFile, key, 0o400); err != nil {
		return nil, err
	}
	socket := filepath.Join(dir, "munge", "munge.socket")
	conf := fmt.Sprintf(`ClusterName=asitest
SlurmctldHost=%[1]s(127.0.0.1)
SlurmctldPort=%[2]d
SlurmdPort=%[3]d
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%[4]s
StateSaveLocation=%[5]s/ctld
SlurmdSpoolDir=%[5]s/spool
SlurmctldPidFile=%[5]s/slurmctld.pid
SlurmdPidFile=%[5]s/slurmd.pid
SlurmctldLogFile=%[5]s/slurmctld.log
SlurmdLogFile=%[5]s/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=3600
KillWait=2
OverTimeLimit=0
InactiveLimit=0
SchedulerParameters=sched_interval=1
NodeName=%[1]s NodeAddr=127.0.0.1 CPUs=%[6]d RealMemory=1024 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`, host, ctldPort, dPort, socket, dir, runtime.NumCPU())
	confFile := filepath.Join(dir, "slurm.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	c.Env = []string{"SLURM_CONF=" + confFile}
	start := func(name string, args ...string) error {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), c.Env...)
		log, err := os.Create(filepath.Join(dir, name+".out"))
		if err != nil {
			return err
		}
		cmd.Stdout, cmd.Stderr = log, log
		// Pdeathsig: the daemons end with the test binary even if it panics.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		c.procs = append(c.procs, cmd)
		return nil
	}
	fail := func(err error) (*Cluster, error) {
		c.Stop()
		return nil, fmt.Errorf("%w\n%s", err, c.Logs())
	}
	if err := start("munged", "--foreground", "--force", "--key-file="+keyFile, "--socket="+socket,
		"--pid-file="+filepath.Join(dir, "munge", "munged.pid"), "--seed-file="+filepath.Join(dir, "munge", "seed"),
		"--log-file="+filepath.Join(dir, "munge", "munged.log")); err != nil {
		return fail(err)
	}
	if err := c.Until(10*time.Second, func() bool { _, err := os.Stat(socket); return err == nil }); err != nil {
		return fail(fmt.Errorf("munged: %w", err))
	}
	if err := start("slurmctld", "-D", "-i", "-f", confFile); err != nil {
		return fail(err)
	}
	if err := start("slurmd", "-D", "-f", confFile); err != nil {
		return fail(err)
	}
	if err := c.Until(60*time.Second, func() bool {
		out, err := c.Run("sinfo", "-h", "-N", "-o", "%T")
		return err == nil && strings.TrimSpace(out) == "idle"
	}); err != nil {
		return fail(fmt.Errorf("node never became idle: %w", err))
	}
	return c, nil
}

func (c *Cluster) Run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), c.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// Until polls ok every 200ms until it holds, or fails after limit.
func (c *Cluster) Until(limit time.Duration, ok func() bool) error {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s", limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return nil
}

func (c *Cluster) Logs() string {
	var b strings.Builder
	for _, f := range []string{"slurmctld.log", "slurmd.log", "munge/munged.log", "munged.out", "slurmctld.out", "slurmd.out"} {
		data, _ := os.ReadFile(filepath.Join(c.Dir, f))
		if len(data) > 3000 {
			data = data[len(data)-3000:]
		}
		fmt.Fprintf(&b, "--- %s\n%s", f, data)
	}
	return b.String()
}

// Stop ends the daemons by PID (slurmd first) and removes the state.
func (c *Cluster) Stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		_ = p.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.Process.Kill()
			<-done
		}
	}
	_ = os.RemoveAll(c.Dir)
}

// Shared is a new shared directory for one test's executor.
func (c *Cluster) Shared(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp(filepath.Join(c.Dir, "shared"), "t-")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// controller is the running slurmctld of the cluster.
func (c *Cluster) controller(t *testing.T) (int, *exec.Cmd) {
	t.Helper()
	for i, p := range c.procs {
		if filepath.Base(p.Path) == "slurmctld" {
			return i, p
		}
	}
	t.Fatal("the cluster has no slurmctld")
	return 0, nil
}

// StopController ends slurmctld by PID with SIGTERM, as an administrator's
// restart does: it saves its state to StateSaveLocation and exits.
func (c *Cluster) StopController(t *testing.T) {
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
		t.Fatalf("slurmctld still running 30s after SIGTERM\n%s", c.Logs())
	}
}

// StartController starts slurmctld again with the same arguments, so with
// the same configuration and state directory.
func (c *Cluster) StartController(t *testing.T) {
	t.Helper()
	i, old := c.controller(t)
	cmd := exec.Command(old.Path, old.Args[1:]...)
	cmd.Env = old.Env
	log, err := os.OpenFile(filepath.Join(c.Dir, "slurmctld.out"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
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
