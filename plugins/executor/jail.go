package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// bwrapInstall is what a machine without bubblewrap runs to get it.
const bwrapInstall = "apt-get install bubblewrap"

// defaultTmpSize caps a jailed job's /tmp and /dev/shm, each: both are
// tmpfs, so what a job writes there is memory.
const defaultTmpSize = 1 << 30

// jailSupport is what this machine's bubblewrap can do.
type jailSupport struct {
	bwrap   string // path of bwrap
	version string // "bubblewrap 0.8.0"
	err     error  // why jobs cannot be jailed here; nil when they can
}

var (
	jailOnce  sync.Once
	jailFound jailSupport
	// detectJail probes bubblewrap once per process; tests replace it to
	// play a machine without it.
	detectJail = func() jailSupport {
		jailOnce.Do(func() { jailFound = probeJail(exec.LookPath) })
		return jailFound
	}
)

// probeJail finds bwrap with lookPath and runs `true` in a jail built as a
// job's is: bwrap may be installed where namespaces are forbidden (in some
// containers), and then it fails here rather than in every job.
func probeJail(lookPath func(string) (string, error)) jailSupport {
	bwrap, err := lookPath("bwrap")
	if err != nil {
		return jailSupport{err: fmt.Errorf("bubblewrap not installed (%s)", bwrapInstall)}
	}
	s := jailSupport{bwrap: bwrap, version: "bubblewrap"}
	if out, err := exec.Command(bwrap, "--version").Output(); err == nil {
		s.version = strings.TrimSpace(string(out))
	}
	dir, err := os.MkdirTemp("", "asi-jail-probe-")
	if err != nil {
		s.err = fmt.Errorf("%s: probe directory: %w", s.version, err)
		return s
	}
	defer os.RemoveAll(dir)
	argv := append(append([]string{bwrap}, linkArgs()...), jail{dir: dir}.args()...)
	if dropPrivileges() {
		setpriv, err := lookPath("setpriv")
		if err != nil {
			s.err = fmt.Errorf("setpriv (util-linux) not installed: jailed jobs cannot leave root")
			return s
		}
		argv = append(argv, dropArgs(setpriv, 65534, 65534)...)
	}
	truePath, err := lookPath("true")
	if err != nil {
		truePath = "/usr/bin/true"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], append(argv[1:], truePath)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		s.err = fmt.Errorf("%s cannot create a jail here: %s", s.version, msg)
	}
	return s
}

// LocalIsolation is the isolation a local or gpu job gets on this machine,
// and a short reason naming what decides it. noJail: the executor runs
// asi's own trusted jobs outside bubblewrap (LocalConfig.NoJail).
func LocalIsolation(noJail bool) (Isolation, string) {
	return localIsolation(detectJail(), noJail, dropPrivileges())
}

func localIsolation(s jailSupport, noJail, root bool) (Isolation, string) {
	switch {
	case noJail && root:
		return IsolationUser, "user: trusted asi jobs, not jailed; they run as nobody"
	case noJail:
		return IsolationLimits, "rlimits: trusted asi jobs, not jailed"
	case s.err == nil && root:
		return IsolationJail, "jail: " + s.version + ", asi is root: jobs run as nobody"
	case s.err == nil:
		return IsolationJail, "jail: " + s.version + ", asi is not root: jobs run as its user"
	case root:
		return IsolationUser, "user: " + s.err.Error() + "; jobs run as nobody, seeing the machine's files"
	}
	return IsolationLimits, "rlimits: asi is not root and " + s.err.Error()
}

// jail is one job's bubblewrap sandbox: a fresh root holding /usr
// read-only (and, from linkArgs, the machine's /bin, /lib... links into
// it), the few /etc files programs there need, a new /proc and a minimal
// /dev, a private /tmp and /dev/shm, the extra read-only paths, and the
// job's directory read-write at its own path. Nothing else of the machine
// is there: no /home, /root, /etc/passwd or other job's directory.
type jail struct {
	dir      string   // the job directory
	readOnly []string // more host paths, read-only at their own paths
	devices  []string // device nodes the job may use (GPUs)
	network  bool     // keep the host's network namespace
	tmpSize  uint64   // bytes of /tmp and of /dev/shm, each; 0: defaultTmpSize
}

// usrLinks are the top-level directories that merged-/usr systems make
// links into /usr; on older layouts they are directories, bound read-only.
var usrLinks = []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}

// linkArgs are bwrap's options recreating this machine's usrLinks.
func linkArgs() []string {
	var argv []string
	for _, p := range usrLinks {
		fi, err := os.Lstat(p)
		switch {
		case err != nil:
		case fi.Mode()&os.ModeSymlink != 0:
			if target, err := os.Readlink(p); err == nil {
				argv = append(argv, "--symlink", target, p)
			}
		case fi.IsDir():
			argv = append(argv, "--ro-bind", p, p)
		}
	}
	return argv
}

// etcFiles are what programs in /usr read from /etc: the loader's cache,
// and the alternatives Debian's libraries link through (libblas for numpy
// and torch). Not passwd, shadow, or anything with secrets.
var etcFiles = []string{"/etc/ld.so.cache", "/etc/alternatives"}

// args are bwrap's options for the jail, up to the command, but for the
// /usr links (linkArgs), which depend on the machine the job runs on.
func (j jail) args() []string {
	tmpSize := j.tmpSize
	if tmpSize == 0 {
		tmpSize = defaultTmpSize
	}
	size := strconv.FormatUint(tmpSize, 10)
	b := &jailArgs{mounted: map[string]bool{"/": true}}
	b.mount("/usr", "--ro-bind")
	for _, p := range etcFiles {
		b.mount(p, "--ro-bind-try")
	}
	b.mount("/proc", "--proc")
	b.mount("/dev", "--dev")
	b.mount("/dev/shm", "--perms", "1777", "--size", size, "--tmpfs")
	b.mount("/tmp", "--perms", "1777", "--size", size, "--tmpfs")
	for _, d := range j.devices {
		b.mount(d, "--dev-bind-try")
	}
	ro := append([]string(nil), j.readOnly...)
	// Parents before children, so that a child is bound on top.
	sort.Slice(ro, func(a, b int) bool { return len(ro[a]) < len(ro[b]) })
	for _, p := range ro {
		b.mount(p, "--ro-bind")
	}
	b.mount(j.dir, "--bind")
	b.add("--chdir", j.dir)
	b.add("--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try")
	if !j.network {
		b.add("--unshare-net")
	}
	// No --unshare-user: as root, bwrap would map only root into it and the
	// job could not become nobody (dropArgs); as another user bwrap makes
	// one by itself.
	b.add("--die-with-parent", "--new-session")
	return b.argv
}

// jailArgs builds bwrap's options, creating the parents of each mount
// point with --dir: those bwrap makes by itself are closed (0700) to the
// job user.
type jailArgs struct {
	argv    []string
	mounted map[string]bool // paths made by a mount or --dir
	binds   []string        // bind-mounted paths: nothing is created inside
}

func (b *jailArgs) add(args ...string) { b.argv = append(b.argv, args...) }

// mount adds the option opts for dest, its parents first; a bind's source
// is its destination (paths appear in the jail where they are on the host).
func (b *jailArgs) mount(dest string, opts ...string) {
	b.parents(dest)
	b.add(opts...)
	switch opts[0] {
	case "--ro-bind", "--ro-bind-try", "--bind", "--dev-bind-try":
		b.add(dest)
		b.binds = append(b.binds, dest)
	}
	b.add(dest)
	b.mounted[dest] = true
}

func (b *jailArgs) parents(dest string) {
	var missing []string
	// Stop at the top as well: a relative dest never reaches "/".
	for d := filepath.Dir(dest); !b.mounted[d] && d != filepath.Dir(d); d = filepath.Dir(d) {
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if b.insideBind(d) {
			return // it exists in the bound tree, which cannot be written
		}
		b.add("--dir", d)
		b.mounted[d] = true
	}
}

func (b *jailArgs) insideBind(p string) bool {
	for _, m := range b.binds {
		if within(p, m) {
			return true
		}
	}
	return false
}

// within says whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// dropArgs runs the rest of the command line as uid:gid with no
// capabilities, no supplementary groups, and no way back (no_new_privs:
// setuid binaries in /usr do not raise it).
func dropArgs(setpriv string, uid, gid int) []string {
	return []string{setpriv, "--reuid=" + strconv.Itoa(uid), "--regid=" + strconv.Itoa(gid), "--clear-groups",
		"--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"}
}

// visibleIn says whether the host path p can be reached in a jail that
// holds /usr, the /usr links and the paths in held.
func visibleIn(p string, held []string) bool {
	if within(p, "/usr") {
		return true
	}
	for _, h := range held {
		if within(p, h) {
			return true
		}
	}
	for _, l := range usrLinks {
		if within(p, l) {
			return true // a link into /usr or a bound directory
		}
	}
	return false
}

// commandPaths are the host directories a jailed job needs read-only to
// run command, which it finds on path (its PATH) or in dir (a relative
// path): the directory holding it when that is outside the jail, and the
// one holding its target when it is a link leading out. A bin directory
// whose parent is a Python virtual environment or an installation prefix
// (it has lib beside bin) gives the parent: interpreters load from there.
// When asi is root, a directory the job user could not reach on the host
// is left out (the job fails as it would there): bubblewrap, run as root,
// would show it.
func commandPaths(command, path, dir string, held []string) []string {
	exe := lookIn(command, path, dir)
	if exe == "" {
		return nil // the job fails with "not found" as it would outside
	}
	var out []string
	need := func(p string) {
		if visibleIn(p, append(held, out...)) {
			return
		}
		d := filepath.Dir(p)
		if root := filepath.Dir(d); filepath.Base(d) == "bin" &&
			(fileExists(filepath.Join(root, "pyvenv.cfg")) || isDir(filepath.Join(root, "lib"))) {
			d = root
		}
		if dropPrivileges() && !othersReach(d) {
			return
		}
		out = append(out, d)
	}
	need(exe)
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		need(real)
	}
	return out
}

// othersReach says whether users other than a directory's owner can list
// dir and reach it from the root.
func othersReach(dir string) bool {
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm()&0o005 != 0o005 {
		return false
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// lookIn finds command as exec would: a name with a slash is a path
// (relative to dir), anything else is searched in the directories of path.
func lookIn(command, path, dir string) string {
	if strings.Contains(command, "/") {
		if !filepath.IsAbs(command) {
			command = filepath.Join(dir, command)
		}
		if fileExists(command) {
			return filepath.Clean(command)
		}
		return ""
	}
	for _, d := range filepath.SplitList(path) {
		if d == "" || !filepath.IsAbs(d) {
			continue
		}
		p := filepath.Join(d, command)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// gpuDevices are the NVIDIA device nodes of this machine (nvidiactl,
// nvidia-uvm, one per GPU, nvidia-caps for MIG): CUDA opens them, and a
// CUDA_VISIBLE_DEVICES chosen by the Placer restricts a job to its GPUs as
// it does outside a jail.
func gpuDevices() []string {
	devs, _ := filepath.Glob("/dev/nvidia*")
	return devs
}

// jailInfo is what bwrap reports on --info-fd once the jail runs.
type jailInfo struct {
	ChildPID int    `json:"child-pid"`     // the jail's init, in asi's PID namespace
	PIDNS    uint64 `json:"pid-namespace"` // the jail's PID namespace
}

// readJailInfo decodes bwrap's report from r; ok is false when bwrap ended
// before it made the jail.
func readJailInfo(r io.Reader) (jailInfo, bool) {
	var info jailInfo
	if err := json.NewDecoder(r).Decode(&info); err != nil || info.ChildPID <= 0 || info.PIDNS == 0 {
		return jailInfo{}, false
	}
	return info, true
}

// signal sends sig to every process in the jail but its init, which
// ignores signals it has no handler for. The job's processes may have left
// their process group and session, never their namespace.
func (info jailInfo) signal(sig syscall.Signal) {
	want := fmt.Sprintf("pid:[%d]", info.PIDNS)
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == info.ChildPID {
			continue
		}
		if ns, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && ns == want {
			_ = syscall.Kill(pid, sig)
		}
	}
}

// jailExit reads the exit code bwrap passes on: a job killed by signal n
// ends bwrap with 128+n.
func jailExit(code int) (sig syscall.Signal, ok bool) {
	if code > 128 && code < 128+65 {
		return syscall.Signal(code - 128), true
	}
	return 0, false
}
