package executor

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/internal/testenv"
	"github.com/asi-evolve/asi/sdk"
)

// base is the start of every jail's options: /usr and /etc's two entries
// read-only, new /proc and /dev, and tmpfs /dev/shm and /tmp of size.
func base(size string) []string {
	return []string{"--ro-bind", "/usr", "/usr",
		"--dir", "/etc", "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
		"--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
		"--proc", "/proc", "--dev", "/dev",
		"--perms", "1777", "--size", size, "--tmpfs", "/dev/shm",
		"--perms", "1777", "--size", size, "--tmpfs", "/tmp"}
}

func cat(parts ...[]string) []string { return slices.Concat(parts...) }

var (
	unshareAll = []string{"--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try", "--unshare-net",
		"--die-with-parent", "--new-session"}
	shareNet = []string{"--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try",
		"--die-with-parent", "--new-session"}
)

func TestJailArgs(t *testing.T) {
	tests := []struct {
		name string
		jail jail
		want []string
	}{
		{name: "defaults: parents made, own network", jail: jail{dir: "/srv/asi/jobs/local-1"},
			want: cat(base("1073741824"), []string{"--dir", "/srv", "--dir", "/srv/asi", "--dir", "/srv/asi/jobs",
				"--bind", "/srv/asi/jobs/local-1", "/srv/asi/jobs/local-1", "--chdir", "/srv/asi/jobs/local-1"}, unshareAll)},
		{name: "under /tmp, network kept, smaller tmpfs", jail: jail{dir: "/tmp/w/job", network: true, tmpSize: 1 << 20},
			want: cat(base("1048576"), []string{"--dir", "/tmp/w", "--bind", "/tmp/w/job", "/tmp/w/job", "--chdir", "/tmp/w/job"}, shareNet)},
		{name: "read-only paths, parents first", jail: jail{dir: "/tmp/job", readOnly: []string{"/opt/data/set", "/opt/data"}},
			want: cat(base("1073741824"), []string{"--dir", "/opt", "--ro-bind", "/opt/data", "/opt/data",
				"--ro-bind", "/opt/data/set", "/opt/data/set",
				"--bind", "/tmp/job", "/tmp/job", "--chdir", "/tmp/job"}, unshareAll)},
		{name: "job directory inside a read-only path", jail: jail{dir: "/srv/asi/jobs/j", readOnly: []string{"/srv/asi"}},
			want: cat(base("1073741824"), []string{"--dir", "/srv", "--ro-bind", "/srv/asi", "/srv/asi",
				"--bind", "/srv/asi/jobs/j", "/srv/asi/jobs/j", "--chdir", "/srv/asi/jobs/j"}, unshareAll)},
		{name: "GPU devices", jail: jail{dir: "/tmp/job", devices: []string{"/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm"}},
			want: cat(base("1073741824"), []string{"--dev-bind-try", "/dev/nvidia0", "/dev/nvidia0",
				"--dev-bind-try", "/dev/nvidiactl", "/dev/nvidiactl", "--dev-bind-try", "/dev/nvidia-uvm", "/dev/nvidia-uvm",
				"--bind", "/tmp/job", "/tmp/job", "--chdir", "/tmp/job"}, unshareAll)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, tt.jail.args()); d != "" {
				t.Errorf("args (-want +got):\n%s", d)
			}
		})
	}
}

// The top-level links into /usr are recreated as this machine has them;
// /etc/passwd, /home and the like are never named.
func TestLinkArgs(t *testing.T) {
	args := linkArgs()
	for _, p := range usrLinks {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		i := slices.Index(args, p)
		switch {
		case i < 0:
			t.Errorf("%s is not in the jail: %q", p, args)
		case fi.Mode()&os.ModeSymlink != 0 && args[i-2] != "--symlink":
			t.Errorf("%s is a link here, not one in the jail: %q", p, args)
		}
	}
	all := strings.Join(append(args, jail{dir: "/tmp/j"}.args()...), " ")
	for _, secret := range []string{"/etc/passwd", "/etc/shadow", "/home", "/root", "/var", "/run"} {
		if strings.Contains(all, secret) {
			t.Errorf("the jail holds %s: %s", secret, all)
		}
	}
}

func writeExe(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
}

// openTree makes dir and its parents reachable by other users, as the
// directories of a command a job runs must be.
func openTree(t *testing.T, dir string) {
	t.Helper()
	for d := dir; d != "/"; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(d, fi.Mode().Perm()|0o005); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCommandPaths(t *testing.T) {
	tmp := t.TempDir()
	job := filepath.Join(tmp, "job")
	writeExe(t, filepath.Join(job, "run.sh"), "#!/bin/sh\n")
	tool := filepath.Join(tmp, "tools", "tool")
	writeExe(t, tool, "#!/bin/sh\n")
	prefix := filepath.Join(tmp, "prefix")
	writeExe(t, filepath.Join(prefix, "bin", "interp"), "#!/bin/sh\n")
	if err := os.MkdirAll(filepath.Join(prefix, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	venv := filepath.Join(tmp, "venv")
	writeExe(t, filepath.Join(venv, "pyvenv.cfg"), "home = /usr/bin\n")
	if err := os.MkdirAll(filepath.Join(venv, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/usr/bin/python3", filepath.Join(venv, "bin", "python")); err != nil {
		t.Fatal(err)
	}
	links := filepath.Join(tmp, "links")
	if err := os.MkdirAll(links, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(tool, filepath.Join(links, "tool")); err != nil {
		t.Fatal(err)
	}
	closed := filepath.Join(tmp, "closed", "bin")
	writeExe(t, filepath.Join(closed, "secret-tool"), "#!/bin/sh\n")
	openTree(t, tmp)
	if err := os.Chmod(filepath.Dir(closed), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, command, path string
		held                []string
		want                []string
	}{
		{name: "in /usr", command: "/usr/bin/env", want: nil},
		{name: "on PATH in /usr", command: "env", path: "/usr/local/bin:/usr/bin:/bin", want: nil},
		{name: "in /bin", command: "/bin/sh", want: nil},
		{name: "relative, in the job", command: "./run.sh", want: nil},
		{name: "not found", command: "no-such-command", path: "/usr/bin", want: nil},
		{name: "absolute, outside", command: tool, want: []string{filepath.Dir(tool)}},
		{name: "on the job's PATH, outside", command: "tool", path: "/usr/bin:" + filepath.Dir(tool), want: []string{filepath.Dir(tool)}},
		{name: "already read-only", command: tool, held: []string{tmp}, want: nil},
		{name: "installation prefix", command: filepath.Join(prefix, "bin", "interp"), want: []string{prefix}},
		{name: "virtual environment", command: filepath.Join(venv, "bin", "python"), want: []string{venv}},
		{name: "link leading out", command: filepath.Join(links, "tool"), want: []string{links, filepath.Dir(tool)}},
	}
	if dropPrivileges() {
		tests = append(tests, struct {
			name, command, path string
			held                []string
			want                []string
		}{name: "closed to the job user", command: filepath.Join(closed, "secret-tool"), want: nil})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := commandPaths(tt.command, tt.path, job, append([]string{job}, tt.held...))
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("commandPaths(%q) (-want +got):\n%s", tt.command, d)
			}
		})
	}
}

func TestLocalIsolationLevels(t *testing.T) {
	works := jailSupport{bwrap: "/usr/bin/bwrap", version: "bubblewrap 0.8.0"}
	missing := jailSupport{err: errors.New("bubblewrap not installed (apt-get install bubblewrap)")}
	tests := []struct {
		name         string
		support      jailSupport
		noJail, root bool
		want         Isolation
		why          string
	}{
		{name: "bubblewrap as root", support: works, root: true, want: IsolationJail, why: "jail: bubblewrap 0.8.0, asi is root"},
		{name: "bubblewrap as a user", support: works, want: IsolationJail, why: "jail: bubblewrap 0.8.0, asi is not root"},
		{name: "no bubblewrap as root", support: missing, root: true, want: IsolationUser, why: "user: bubblewrap not installed (apt-get install bubblewrap); jobs run as nobody"},
		{name: "no bubblewrap as a user", support: missing, want: IsolationLimits, why: "rlimits: asi is not root and bubblewrap not installed (apt-get install bubblewrap)"},
		{name: "trusted jobs as root", support: works, noJail: true, root: true, want: IsolationUser, why: "not jailed"},
		{name: "trusted jobs as a user", support: works, noJail: true, want: IsolationLimits, why: "not jailed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := localIsolation(tt.support, tt.noJail, tt.root)
			if got != tt.want || !strings.Contains(why, tt.why) {
				t.Errorf("localIsolation = %s, %q; want %s and %q", got, why, tt.want, tt.why)
			}
		})
	}
}

func TestProbeJail(t *testing.T) {
	t.Run("not installed", func(t *testing.T) {
		s := probeJail(func(string) (string, error) { return "", exec.ErrNotFound })
		if s.err == nil || !strings.Contains(s.err.Error(), "apt-get install bubblewrap") {
			t.Errorf("probe without bwrap: %v, want the installer named", s.err)
		}
	})
	t.Run("namespaces forbidden", func(t *testing.T) {
		// A bwrap that fails as one does where namespaces are forbidden.
		fake := filepath.Join(t.TempDir(), "bwrap")
		writeExe(t, fake, "#!/bin/sh\n[ \"$1\" = --version ] && { echo bubblewrap 0.8.0; exit 0; }\necho 'bwrap: No permissions to create new namespace' >&2; exit 1\n")
		s := probeJail(func(name string) (string, error) {
			if name == "bwrap" {
				return fake, nil
			}
			return exec.LookPath(name)
		})
		if s.err == nil || !strings.Contains(s.err.Error(), "bubblewrap 0.8.0 cannot create a jail here: bwrap: No permissions") {
			t.Errorf("probe with a failing bwrap: %v", s.err)
		}
		if level, why := localIsolation(s, false, true); level != IsolationUser || !strings.Contains(why, "cannot create a jail") {
			t.Errorf("isolation %s (%s), want user, saying why", level, why)
		}
	})
}

// withoutBubblewrap plays a machine without bubblewrap until t ends.
func withoutBubblewrap(t *testing.T) {
	saved := detectJail
	t.Cleanup(func() { detectJail = saved })
	detectJail = func() jailSupport { return probeJail(func(string) (string, error) { return "", exec.ErrNotFound }) }
}

func TestLocalRequire(t *testing.T) {
	t.Run("jail without bubblewrap", func(t *testing.T) {
		withoutBubblewrap(t)
		_, err := NewLocal(LocalConfig{Dir: workDir(t), Require: IsolationJail})
		if !errors.Is(err, ErrIsolation) || !strings.Contains(err.Error(), "apt-get install bubblewrap") {
			t.Errorf("NewLocal = %v, want ErrIsolation naming the installer", err)
		}
		_, err = NewGPU(GPUConfig{LocalConfig: LocalConfig{Dir: workDir(t), Require: IsolationJail}}, twoGPUs())
		if !errors.Is(err, ErrIsolation) {
			t.Errorf("NewGPU = %v, want ErrIsolation", err)
		}
	})
	t.Run("user without bubblewrap", func(t *testing.T) {
		withoutBubblewrap(t)
		l, err := NewLocal(LocalConfig{Dir: workDir(t), Require: IsolationUser})
		switch {
		case dropPrivileges() && err != nil:
			t.Errorf("as root: %v, want jobs run as nobody", err)
		case dropPrivileges():
			if level, _ := l.Isolation(); level != IsolationUser {
				t.Errorf("isolation %s, want user", level)
			}
			// Not jailed: nobody, seeing the machine's files.
			res, log := runJob(t, l, sdk.Job{Command: sh("id -u; ls -d /home")})
			if res.State != sdk.JobSucceeded || log != "65534\n/home\n" {
				t.Errorf("unjailed job: %s (%s), log %q", res.State, res.Detail, log)
			}
			_ = l.Close()
		case !errors.Is(err, ErrIsolation):
			t.Errorf("not root: %v, want ErrIsolation", err)
		}
	})
	t.Run("unknown level", func(t *testing.T) {
		_, err := NewLocal(LocalConfig{Dir: workDir(t), Require: "vm"})
		if !errors.Is(err, ErrIsolation) || !strings.Contains(err.Error(), `unknown isolation "vm"`) {
			t.Errorf("NewLocal = %v, want the unknown level named", err)
		}
	})
	t.Run("trusted jobs cannot meet a jail", func(t *testing.T) {
		_, err := NewLocal(LocalConfig{Dir: workDir(t), Require: IsolationJail, NoJail: true})
		if !errors.Is(err, ErrIsolation) || !strings.Contains(err.Error(), "not jailed") {
			t.Errorf("NewLocal = %v, want ErrIsolation", err)
		}
	})
	t.Run("jail where bubblewrap works", func(t *testing.T) {
		if level, why := LocalIsolation(false); level != IsolationJail {
			testenv.Skipf(t, "no jail here (%s): run scripts/ci/install-jail.sh", why)
		}
		l := newTestLocal(t, LocalConfig{Require: IsolationJail})
		if level, why := l.Isolation(); level != IsolationJail || !strings.HasPrefix(why, "jail: bubblewrap") {
			t.Errorf("isolation %s (%s), want jail", level, why)
		}
	})
	t.Run("read-only paths must be absolute", func(t *testing.T) {
		if _, err := NewLocal(LocalConfig{Dir: workDir(t), ReadOnly: []string{"data"}}); err == nil || !strings.Contains(err.Error(), `"data" is not absolute`) {
			t.Errorf("NewLocal = %v", err)
		}
	})
}

func TestSlurmIsolation(t *testing.T) {
	tests := []struct {
		name string
		cfg  SlurmConfig
		want Isolation
		why  string
	}{
		{name: "required", cfg: SlurmConfig{Require: IsolationJail}, want: IsolationJail, why: "required"},
		{name: "user needs the jail too", cfg: SlurmConfig{Require: IsolationUser}, want: IsolationJail, why: "required"},
		{name: "where nodes have it", cfg: SlurmConfig{}, want: IsolationLimits, why: "jail where a node has a working bubblewrap"},
		{name: "trusted jobs", cfg: SlurmConfig{NoJail: true}, want: IsolationLimits, why: "not jailed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := (&Slurm{cfg: tt.cfg}).Isolation()
			if got != tt.want || !strings.Contains(why, tt.why) {
				t.Errorf("Isolation = %s, %q; want %s and %q", got, why, tt.want, tt.why)
			}
		})
	}
	if _, err := exec.LookPath("sbatch"); err == nil {
		_, err := NewSlurm(SlurmConfig{SharedDir: t.TempDir(), NoJail: true, Require: IsolationJail})
		if !errors.Is(err, ErrIsolation) {
			t.Errorf("NewSlurm with NoJail and a required jail: %v, want ErrIsolation", err)
		}
	}
}

// runScript runs a Slurm batch script here, as slurmd would on a node, in
// a mount namespace where bwrap is hidden when hide is set.
func runScript(t *testing.T, s *Slurm, job sdk.Job, hide bool) (int, string) {
	t.Helper()
	dir := filepath.Join(workDir(t), "job")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "asi-job.sh")
	if err := os.WriteFile(script, []byte(s.batchScript(job, dir)), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/bin/sh", script)
	if hide {
		bwrap, err := exec.LookPath("bwrap")
		if err != nil {
			t.Fatal(err)
		}
		// A file without execute permission bound over bwrap: the script's
		// command -v finds none.
		blank := filepath.Join(t.TempDir(), "blank")
		if err := os.WriteFile(blank, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd = exec.Command("unshare", "--mount", "/bin/sh", "-c", `mount --bind "$1" "$2" && exec /bin/sh "$3"`, "sh", blank, bwrap, script)
	}
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run the batch script: %v\n%s", err, out)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// The batch script decides on the node: jailed where bwrap works, failed
// with a line saying so when the jail is required and bwrap is missing,
// unjailed otherwise.
func TestSlurmScriptOnNode(t *testing.T) {
	requireJail(t)
	if _, err := exec.LookPath("unshare"); err != nil {
		testenv.Skipf(t, "unshare (util-linux) not found")
	}
	probe := sdk.Job{Command: sh(`echo "uid $(id -u)"; ls -d /home 2>&1; true`)}
	tests := []struct {
		name     string
		cfg      SlurmConfig
		hide     bool
		wantCode int
		want     []string
	}{
		{name: "jailed where bwrap works", cfg: SlurmConfig{Require: IsolationJail},
			want: []string{`^uid 65534$`, `^ls: cannot access '/home': No such file or directory$`}},
		{name: "required and missing", cfg: SlurmConfig{Require: IsolationJail}, hide: true, wantCode: slurmNoJailExit,
			want: []string{`^asi: this node has no bubblewrap \(apt-get install bubblewrap\); the campaign requires isolation = "jail"$`}},
		{name: "missing, not required", cfg: SlurmConfig{}, hide: true, want: []string{`^uid 0$`, `^/home$`}},
		{name: "trusted jobs", cfg: SlurmConfig{NoJail: true}, want: []string{`^uid 0$`, `^/home$`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := runScript(t, &Slurm{cfg: tt.cfg}, probe, tt.hide)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tt.wantCode, out)
			}
			wantLines(t, out, tt.want...)
		})
	}
}

// At the deadline every process in the jail gets SIGTERM and the grace
// period to clean up, as a process group does outside one; bwrap itself
// would not pass the signal on.
func TestJailTermGrace(t *testing.T) {
	requireJail(t)
	l := newTestLocal(t, LocalConfig{Grace: 5 * time.Second})
	res, log := runJob(t, l, sdk.Job{Command: sh(`trap 'echo cleaned > cleaned.txt; exit 0' TERM; sleep 60 & wait`),
		Resources: sdk.Resources{Timeout: time.Second}, Outputs: []string{"cleaned.txt"}})
	if res.State != sdk.JobTimedOut {
		t.Errorf("state %s (%s), want timed_out", res.State, res.Detail)
	}
	if string(res.Outputs["cleaned.txt"]) != "cleaned\n" {
		t.Errorf("the job's TERM handler did not run: outputs %q, log %q", res.Outputs, log)
	}
	if res.Wall > 4*time.Second {
		t.Errorf("took %s: the job was not told to stop, or waited the whole grace period", res.Wall)
	}
}

// bwrap passes a job's death by signal on as 128+n; the detail says which.
func TestJailSignalExit(t *testing.T) {
	requireJail(t)
	l := newTestLocal(t, LocalConfig{})
	tests := []struct {
		name, script, detail string
	}{
		{name: "cpu limit", script: "kill -XCPU $$", detail: "CPU time limit exceeded"},
		{name: "killed", script: "kill -KILL $$", detail: "exit status 137 (signal: killed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := runJob(t, l, sdk.Job{Command: sh(tt.script)})
			if res.State != sdk.JobFailed || res.Detail != tt.detail {
				t.Errorf("state %s detail %q, want failed %q", res.State, res.Detail, tt.detail)
			}
		})
	}
}

// What a jailed job writes in its directory stays asi's to read and
// remove; as root the job writes as nobody.
func TestJailFilesStayAsis(t *testing.T) {
	requireJail(t)
	l := newTestLocal(t, LocalConfig{})
	ctx := t.Context()
	id, err := l.Submit(ctx, sdk.Job{Command: sh("mkdir -p out/deep && echo 1 > out/deep/r.txt && chmod 700 out && echo ok > result.txt"),
		Outputs: []string{"result.txt", "out/deep/r.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Wait(ctx, id)
	if err != nil || res.State != sdk.JobSucceeded {
		t.Fatalf("%+v %v", res, err)
	}
	if d := cmp.Diff(map[string][]byte{"result.txt": []byte("ok\n"), "out/deep/r.txt": []byte("1\n")}, res.Outputs); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}
	dir := filepath.Join(l.cfg.Dir, id)
	if fi, err := os.Stat(filepath.Join(dir, "result.txt")); err == nil && dropPrivileges() {
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != 65534 {
			t.Errorf("result.txt is owned by uid %d, want 65534", st.Uid)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Errorf("asi cannot remove the job's directory: %v", err)
	}
}

// A work directory given relative to the current one (a campaign's state
// directory, .asi/NAME, usually is) runs jailed jobs: the jail binds the
// job's directory where it is, so the executor makes it absolute.
func TestJailRelativeWorkDir(t *testing.T) {
	requireJail(t)
	dir := workDir(t)
	if err := os.MkdirAll(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(dir))
	l, err := NewLocal(LocalConfig{Dir: filepath.Base(dir), Grace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	res, log := runJob(t, l, sdk.Job{Command: sh("pwd; echo ok > r.txt"), Outputs: []string{"r.txt"}})
	if res.State != sdk.JobSucceeded || string(res.Outputs["r.txt"]) != "ok\n" {
		t.Fatalf("%s (%s), log %q, outputs %q", res.State, res.Detail, log, res.Outputs)
	}
	if got := strings.TrimSpace(log); !filepath.IsAbs(got) || !strings.HasPrefix(got, dir) {
		t.Errorf("the job ran in %q, want a directory under %s", got, dir)
	}
}

// A command outside /usr runs, its directory read-only in the jail; so do
// the paths of ReadOnly, and a Python virtual environment's interpreter.
func TestJailCommandOutsideUsr(t *testing.T) {
	requireJail(t)
	tools := filepath.Join(t.TempDir(), "tools")
	writeExe(t, filepath.Join(tools, "bin", "hello"), "#!/bin/sh\necho hello from $0\ncat \"$DATA/set.txt\"\ntouch \"$DATA/x\" 2>&1 || true\ntouch \"$(dirname \"$0\")/x\"\n")
	data := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "set.txt"), []byte("the data set\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	openTree(t, tools)
	openTree(t, data)
	l := newTestLocal(t, LocalConfig{ReadOnly: []string{data}})
	res, log := runJob(t, l, sdk.Job{Command: []string{"hello"}, Env: map[string]string{"PATH": "/usr/bin:" + filepath.Join(tools, "bin"), "DATA": data}})
	if res.State != sdk.JobFailed { // the last touch fails: read-only
		t.Errorf("state %s (%s), want failed at the last touch", res.State, res.Detail)
	}
	wantLines(t, log, `^hello from .*/tools/bin/hello$`, `^the data set$`,
		`touch: cannot touch '.*/data/x': Read-only file system$`, `touch: cannot touch '.*/tools/bin/x': Read-only file system$`)

	venv := filepath.Join(t.TempDir(), "venv")
	if out, err := exec.Command("/usr/bin/python3", "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Skipf("no venv module for /usr/bin/python3: %v %s", err, out)
	}
	openTree(t, venv)
	res, log = runJob(t, l, sdk.Job{Command: []string{filepath.Join(venv, "bin", "python"), "-c", "import sys; print(sys.prefix)"}})
	if res.State != sdk.JobSucceeded || strings.TrimSpace(log) != venv {
		t.Errorf("venv python: %s (%s), log %q; want it to run with prefix %s", res.State, res.Detail, log, venv)
	}
}

// A GPU job sees the NVIDIA devices and /sys, which CUDA reads; a CPU job
// of the same executor sees neither.
func TestJailGPUJob(t *testing.T) {
	requireJail(t)
	g, err := NewGPU(GPUConfig{LocalConfig: LocalConfig{Dir: workDir(t)}}, twoGPUs())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gpu := g.jailArgv("/tmp/job", sdk.Job{Command: []string{"/usr/bin/python3"}, Resources: sdk.Resources{GPUs: 1}}, nil, "/usr/bin/prlimit")
	cpu := g.jailArgv("/tmp/job", sdk.Job{Command: []string{"/usr/bin/python3"}}, nil, "/usr/bin/prlimit")
	if !strings.Contains(strings.Join(gpu, " "), "--ro-bind /sys /sys") || strings.Contains(strings.Join(cpu, " "), "/sys") {
		t.Errorf("GPU job: %q\nCPU job: %q\nwant /sys for the GPU job only", gpu, cpu)
	}
	for _, d := range gpuDevices() {
		if !strings.Contains(strings.Join(gpu, " "), "--dev-bind-try "+d+" "+d) {
			t.Errorf("GPU job lacks %s: %q", d, gpu)
		}
	}
}

// Network keeps the host's network namespace in the jail: the job sees the
// machine's interfaces, not loopback alone.
func TestJailNetworkOption(t *testing.T) {
	requireJail(t)
	if hostIPv4() == "" {
		testenv.Skipf(t, "this machine has no interface but loopback")
	}
	l := newTestLocal(t, LocalConfig{Network: true})
	_, log := runJob(t, l, sdk.Job{Command: sh("tail -n +3 /proc/net/dev | cut -d: -f1")})
	if got := strings.Fields(log); len(got) < 2 {
		t.Errorf("network interfaces in the job: %q, want the host's", got)
	}
}
