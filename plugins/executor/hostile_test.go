package executor

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/sdk"
)

// The hostile job suite: each test is an attack a task's job could make
// on the machine, run through the local executor and through Slurm, each
// jailed. Every test checks how the attack failed, not only that the job
// did: a job that fails for another reason proves nothing.

// hostileLimits are the caps the suite's executors run with: a small
// process cap for the fork bomb and a small /tmp for the job filling it.
const (
	hostileProcesses = 64
	hostileTmpSize   = 16 << 20
)

// target is one executor the attacks run through.
type target struct {
	name string
	run  func(t *testing.T, job sdk.Job) (sdk.JobResult, string)
	// parent is the directory holding the executor's job directories.
	parent string
}

// requireJail skips (fails under CI) where this machine cannot jail jobs
// as root.
func requireJail(t *testing.T) {
	t.Helper()
	if !dropPrivileges() {
		testenv.Skipf(t, "the hostile suite runs jobs as nobody: it needs root")
	}
	if level, why := LocalIsolation(false); level != IsolationJail {
		testenv.Skipf(t, "no jail here (%s): run scripts/ci/install-jail.sh", why)
	}
}

// eachExecutor runs attack through a jailed local executor and a jailed
// Slurm executor on the test cluster, after checking that each reports
// the jail.
func eachExecutor(t *testing.T, attack func(t *testing.T, x target)) {
	requireJail(t)
	t.Run("local", func(t *testing.T) {
		l := newTestLocal(t, LocalConfig{Slots: 2, Processes: hostileProcesses, TmpSize: hostileTmpSize, Require: IsolationJail})
		if level, why := l.Isolation(); level != IsolationJail {
			t.Fatalf("local executor reports %s (%s), want %s", level, why, IsolationJail)
		}
		attack(t, target{name: "local", parent: l.cfg.Dir, run: func(t *testing.T, job sdk.Job) (sdk.JobResult, string) {
			return runJob(t, l, job)
		}})
	})
	t.Run("slurm", func(t *testing.T) {
		c := slurmCluster(t)
		s := testSlurm(t, c, c.Shared(t))
		s.cfg.Require, s.cfg.Processes, s.cfg.TmpSize = IsolationJail, hostileProcesses, hostileTmpSize
		if level, why := s.Isolation(); level != IsolationJail {
			t.Fatalf("slurm executor reports %s (%s), want %s", level, why, IsolationJail)
		}
		attack(t, target{name: "slurm", parent: s.cfg.SharedDir, run: func(t *testing.T, job sdk.Job) (sdk.JobResult, string) {
			t.Helper()
			id, err := s.Submit(context.Background(), job)
			if err != nil {
				t.Fatalf("submit: %v", err)
			}
			res := waitSlurm(t, s, id, 3*time.Minute)
			log, _, err := s.Logs(context.Background(), id, 0)
			if err != nil {
				t.Fatalf("logs: %v", err)
			}
			return res, string(log)
		}})
	})
}

// succeeded fails t unless the attack job ran to its end: the attack
// failing inside it is the point, the job failing is not.
func succeeded(t *testing.T, res sdk.JobResult, log string) {
	t.Helper()
	if res.State != sdk.JobSucceeded {
		t.Fatalf("job %s (%s), want it to run to its end; log:\n%s", res.State, res.Detail, log)
	}
}

// wantLines fails t for each pattern no line of log matches.
func wantLines(t *testing.T, log string, patterns ...string) {
	t.Helper()
	for _, p := range patterns {
		if !regexp.MustCompile("(?m)" + p).MatchString(log) {
			t.Errorf("no line of the log matches %q; log:\n%s", p, log)
		}
	}
}

// The machine's secrets are not in the jail: /etc holds only the loader's
// cache and the alternatives, so /etc/shadow and /etc/passwd do not exist
// (outside a jail nobody would get "Permission denied" for the first and
// read the second).
func TestHostileReadsShadow(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		res, log := x.run(t, sdk.Job{Command: sh(`cat /etc/shadow; cat /etc/passwd; ls /etc; echo done`)})
		succeeded(t, res, log)
		wantLines(t, log, `^cat: /etc/shadow: No such file or directory$`, `^cat: /etc/passwd: No such file or directory$`,
			`^alternatives$`, `^ld.so.cache$`, `^done$`)
		if strings.Contains(log, "root:") {
			t.Errorf("the job read an account file:\n%s", log)
		}
	})
}

// /home and /root are not in the jail, nor anything of the machine's root
// but /usr and its links: the jail's root holds what the jail makes.
func TestHostileListsHomes(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		res, log := x.run(t, sdk.Job{Command: sh(`ls /home; ls /root; echo "root holds:" $(ls -A /)`)})
		succeeded(t, res, log)
		wantLines(t, log, `^ls: cannot access '/home': No such file or directory$`,
			`^ls: cannot access '/root': No such file or directory$`)
		m := regexp.MustCompile(`(?m)^root holds: (.*)$`).FindStringSubmatch(log)
		if m == nil {
			t.Fatalf("no listing of /; log:\n%s", log)
		}
		allowed := map[string]bool{"usr": true, "etc": true, "proc": true, "dev": true, "tmp": true}
		for _, l := range usrLinks {
			allowed[strings.TrimPrefix(l, "/")] = true
		}
		for _, name := range strings.Fields(m[1]) {
			if !allowed[name] {
				t.Errorf("/%s is in the jail's root (%s)", name, m[1])
			}
		}
	})
}

// Another job's directory, beside this job's, cannot be seen, read or
// written: the jail holds the job's own directory only, and creates its
// parents empty. Outside a jail the secret (mode 0644, in a directory of
// nobody's) would be read.
func TestHostileReadsAnotherJob(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		secret := "secret-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		res, log := x.run(t, sdk.Job{Command: sh(`echo ` + secret + ` > secret.txt; pwd`)})
		succeeded(t, res, log)
		other := strings.TrimSpace(log)
		if filepath.Dir(other) != x.parent {
			t.Fatalf("the first job ran in %q, want a directory in %s", other, x.parent)
		}
		res, log = x.run(t, sdk.Job{Command: sh(`echo "parent holds: $(ls -A ..)"; cat "$OTHER/secret.txt"; echo pwned > "$OTHER/pwned"; echo done`),
			Env: map[string]string{"OTHER": other}})
		succeeded(t, res, log)
		wantLines(t, log, `^cat: `+regexp.QuoteMeta(other)+`/secret.txt: No such file or directory$`,
			`/pwned: (No such file or directory|Directory nonexistent)$`, `^done$`)
		if strings.Contains(log, secret) {
			t.Errorf("the second job read the first one's secret:\n%s", log)
		}
		if m := regexp.MustCompile(`(?m)^parent holds: (.*)$`).FindStringSubmatch(log); m == nil || strings.Contains(m[1], " ") || strings.Contains(m[1], filepath.Base(other)) {
			t.Errorf("the job's parent directory should hold only the job's own; log:\n%s", log)
		}
		if _, err := os.Stat(filepath.Join(other, "pwned")); err == nil {
			t.Errorf("the second job wrote into the first one's directory")
		}
	})
}

// hostIPv4 is a non-loopback IPv4 address of this machine, or "".
func hostIPv4() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// The jail has its own network namespace with only loopback: a server on
// the host's loopback is not there (refused), and the host's own address
// and any other are unreachable. Nothing reaches the test's listener.
func TestHostileNetwork(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		ln, err := net.Listen("tcp", "0.0.0.0:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		var accepted atomic.Int32
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				accepted.Add(1)
				_ = c.Close()
			}
		}()
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		targets := []string{"127.0.0.1"}
		if ip := hostIPv4(); ip != "" {
			targets = append(targets, ip)
		}
		targets = append(targets, "10.255.255.1")
		script := `
import socket, sys
for host in sys.argv[1:-1]:
    try:
        socket.create_connection((host, int(sys.argv[-1])), timeout=5).close()
        print(host, "connected")
    except OSError as e:
        print(host, type(e).__name__, e.errno)
print(open("/proc/net/dev").read().split("\n")[2:])
`
		res, log := x.run(t, sdk.Job{Command: append(append([]string{"/usr/bin/python3", "-c", script}, targets...), port)})
		succeeded(t, res, log)
		// ECONNREFUSED 111, ENETUNREACH 101.
		wantLines(t, log, `^127\.0\.0\.1 ConnectionRefusedError 111$`)
		for _, h := range targets[1:] {
			wantLines(t, log, "^"+regexp.QuoteMeta(h)+` OSError 101$`)
		}
		wantLines(t, log, `^\[' *lo:[^,]*, ''\]$`) // one interface: lo
		if n := accepted.Load(); n > 0 {
			t.Errorf("the host's listener accepted %d connections from the job", n)
		}
	})
}

// A fork bomb is capped by RLIMIT_NPROC (Processes): the job's forks are
// refused (EAGAIN) below the cap; a shell fork bomb then runs against the
// cap for three seconds, and every process of it dies with the jail when
// the job's main process ends. The host can still fork afterwards.
func TestHostileForkBomb(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		marker := "asi-bomb-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		script := `
import errno, os, signal, sys, time
kids = []
while len(kids) < 500:
    try:
        pid = os.fork()
    except OSError as e:
        print("fork refused after", len(kids), "children:", errno.errorcode[e.errno], flush=True)
        break
    if pid == 0:
        time.sleep(120)
        os._exit(0)
    kids.append(pid)
else:
    print("no cap: 500 children", flush=True)
for k in kids:
    os.kill(k, signal.SIGKILL)
    os.waitpid(k, 0)
if len(kids) < 500:
    if os.fork() == 0:
        os.execv("/bin/sh", ["sh", "-c", "b() { b | b & }; b", sys.argv[1]])
    time.sleep(3)
    print("bomb ran; the job ends", flush=True)
`
		start := time.Now()
		res, log := x.run(t, sdk.Job{Command: []string{"/usr/bin/python3", "-c", script, marker}})
		succeeded(t, res, log)
		t.Logf("the job took %s", time.Since(start).Round(time.Millisecond))
		m := regexp.MustCompile(`(?m)^fork refused after (\d+) children: EAGAIN$`).FindStringSubmatch(log)
		if m == nil {
			t.Fatalf("forks were never refused; log:\n%s", log)
		}
		if n, _ := strconv.Atoi(m[1]); n < 1 || n >= hostileProcesses {
			t.Errorf("%d children before the first refusal; the cap is %d processes", n, hostileProcesses)
		}
		// Not anchored at the line's start: a shell of the bomb may have
		// written half a line ("NAME: 1: ") just before, on a busy machine.
		wantLines(t, log, `bomb ran; the job ends$`)
		noneLeft(t, marker)
		if out, err := exec.Command("/bin/sh", "-c", "echo forked").CombinedOutput(); err != nil {
			t.Errorf("the host cannot fork after the bomb: %v %s", err, out)
		}
	})
}

// noneLeft fails t if a process with marker in its arguments is still on
// the host two seconds after its job ended, and kills it: tests find a
// job's processes by marker, as pids seen in a jail are its namespace's.
func noneLeft(t *testing.T, marker string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for len(processesWith(marker)) > 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if pids := processesWith(marker); len(pids) > 0 {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		t.Errorf("%d processes of the job outlived it: %v", len(pids), pids)
	}
}

// /tmp and /dev/shm are the jail's own tmpfs, capped at TmpSize: filling
// them ends with "No space left on device" at the cap, and nothing lands
// in the host's /tmp.
func TestHostileFillsTmp(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		name := "asi-fill-" + strconv.FormatInt(time.Now().UnixNano(), 36)
		res, log := x.run(t, sdk.Job{Command: sh(`
for d in /tmp /dev/shm; do
	dd if=/dev/zero of=$d/` + name + ` bs=1M count=64 2>&1 | grep -v records
	echo "$d holds $(stat -c %s $d/` + name + `) bytes"
done`)})
		succeeded(t, res, log)
		for _, d := range []string{"/tmp", "/dev/shm"} {
			wantLines(t, log, "^dd: error writing '"+d+"/"+name+"': No space left on device$",
				"^"+d+" holds "+strconv.Itoa(hostileTmpSize)+" bytes$")
		}
		for _, d := range []string{os.TempDir(), "/tmp", "/dev/shm"} {
			if _, err := os.Stat(filepath.Join(d, name)); err == nil {
				_ = os.Remove(filepath.Join(d, name))
				t.Errorf("the job's file landed in the host's %s", d)
			}
		}
	})
}

// Killing its parent and every process it may signal (kill -9 -1) reaches
// only the jail: the jail's init ignores signals from inside, and the
// other processes of nobody on the host (a sentinel the test starts) are
// in another PID namespace. Outside a jail, kill -1 as nobody would kill
// the sentinel.
func TestHostileKillsParent(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		sentinel := exec.Command("/bin/sleep", uniqueSleep(300))
		sentinel.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		if err := sentinel.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = sentinel.Process.Kill(); _ = sentinel.Wait() }()
		res, log := x.run(t, sdk.Job{Command: sh(`kill -9 $PPID; echo "kill parent: $?"; kill -9 -1; echo "kill all: $?"; echo survived`)})
		succeeded(t, res, log)
		// The parent is the jail's init, root's: EPERM. Nothing else in the
		// jail is the job's to kill: ESRCH.
		wantLines(t, log, `kill: Operation not permitted$`, `^kill parent: 1$`,
			`kill: No such process$`, `^kill all: 1$`, `^survived$`)
		if !alive(sentinel.Process.Pid) {
			t.Errorf("the job killed a process of nobody's outside its jail")
		}
		// The executor is still there: another job runs.
		if res, log := x.run(t, sdk.Job{Command: sh("echo again")}); res.State != sdk.JobSucceeded || log != "again\n" {
			t.Errorf("after the attack a job gives %s %q", res.State, log)
		}
	})
}

// A daemon (setsid, nohup, in the background) leaves the job's process
// group and session, but not its PID namespace: it dies with the job.
func TestHostileLeavesDaemon(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		marker := uniqueSleep(1000)
		res, log := x.run(t, sdk.Job{Command: sh(`setsid nohup sleep ` + marker + ` >/dev/null 2>&1 &
sleep 0.5; ps -C sleep -o args= | grep -c ` + marker)})
		succeeded(t, res, log)
		wantLines(t, log, `^1$`) // the daemon ran
		noneLeft(t, marker)
	})
}

// Result files are read by asi, which may be root: a result that is a link
// out of the job's directory is not followed, and a FIFO does not block
// asi.
func TestHostileResultLinks(t *testing.T) {
	eachExecutor(t, func(t *testing.T, x target) {
		res, log := x.run(t, sdk.Job{Command: sh(`ln -s /etc/shadow shadow.txt; ln -s ../../.. up.txt; mkfifo fifo.txt; echo ok > ok.txt`),
			Outputs: []string{"shadow.txt", "up.txt", "fifo.txt", "ok.txt"}})
		succeeded(t, res, log)
		for name, data := range res.Outputs {
			if name != "ok.txt" {
				t.Errorf("asi returned %s (%d bytes) for a link or FIFO the job made", name, len(data))
			}
		}
		if string(res.Outputs["ok.txt"]) != "ok\n" {
			t.Errorf("the regular result file was not returned: %q", res.Outputs)
		}
		for _, name := range []string{"shadow.txt", "up.txt", "fifo.txt"} {
			if !strings.Contains(res.Detail, "result file "+name+": ") {
				t.Errorf("detail %q does not name the refused %s", res.Detail, name)
			}
		}
	})
}

// A job through Slurm that requires the jail fails on a node where
// bubblewrap cannot make one, with a line in its log saying so: here
// bwrap cannot bind a read-only path the node lacks.
func TestHostileSlurmRequiredJailMissing(t *testing.T) {
	requireJail(t)
	c := slurmCluster(t)
	s := testSlurm(t, c, c.Shared(t))
	s.cfg.Require, s.cfg.ReadOnly = IsolationJail, []string{"/nonexistent-asi-path"}
	id, err := s.Submit(context.Background(), sdk.Job{Command: sh("echo ran > ran.txt"), Outputs: []string{"ran.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	res := waitSlurm(t, s, id, 3*time.Minute)
	log, _, _ := s.Logs(context.Background(), id, 0)
	if res.State != sdk.JobFailed || res.ExitCode != slurmNoJailExit || len(res.Outputs) != 0 {
		t.Errorf("job %s code %d outputs %q, want failed with code %d before it ran", res.State, res.ExitCode, res.Outputs, slurmNoJailExit)
	}
	want := fmt.Sprintf(`asi: bubblewrap cannot create a jail on this node: .*; the campaign requires isolation = "%s"`, IsolationJail)
	if !regexp.MustCompile(want).MatchString(res.Detail) {
		t.Errorf("detail %q, want it to match %q; log:\n%s", res.Detail, want, log)
	}
}
