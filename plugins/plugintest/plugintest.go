package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sync"
	"testing"
)

// TaskPackages are the task plugins of this repository, by import path.
var TaskPackages = []string{
	"github.com/asi-evolve/asi/tasks/circlepacking",
	"github.com/asi-evolve/asi/tasks/datacuration",
	"github.com/asi-evolve/asi/tasks/linearattention",
	"github.com/asi-evolve/asi/tasks/optimizer",
	"github.com/asi-evolve/asi/tasks/script",
}

// Build compiles the main package pkg (an import path or a directory) into
// dir under name and returns the binary's path. ldflags may be empty. It
// builds every time; Binary and Tasks build once per test binary run.
func Build(dir, name, pkg string, ldflags string) (string, error) {
	out := filepath.Join(dir, name)
	args := []string{"build", "-o", out}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.Command("go", append(args, pkg)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return out, nil
}

// shared is the directory this test binary builds its plugins into, and
// the package each binary in it was built from. Several tests of one
// package, and TestMain, ask for the same plugins: each is built once.
var shared struct {
	mu    sync.Mutex
	dir   string
	built map[string]string // binary name -> package
}

// Binary builds the main package pkg as name into this test binary's
// shared directory, once per test binary run, and returns its path. Asking
// for a name already built from another package is an error. It is safe
// for concurrent use; Main removes the directory after the tests.
func Binary(name, pkg string) (string, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.dir == "" {
		dir, err := os.MkdirTemp("", "asi-plugintest-")
		if err != nil {
			return "", fmt.Errorf("plugin directory: %w", err)
		}
		shared.dir, shared.built = dir, map[string]string{}
	}
	out := filepath.Join(shared.dir, name)
	if built, ok := shared.built[name]; ok {
		if built != pkg {
			return "", fmt.Errorf("plugin %s: already built from %s, not %s", name, built, pkg)
		}
		return out, nil
	}
	if _, err := Build(shared.dir, name, pkg, ""); err != nil {
		return "", err
	}
	shared.built[name] = pkg
	return out, nil
}

// Tasks builds every task plugin of TaskPackages with Binary, named as
// discovery expects (asi-task-<name>), and returns the directory holding
// them: what ASI_PLUGIN_DIR names for asi to find them.
func Tasks() (string, error) {
	var dir string
	for _, pkg := range TaskPackages {
		bin, err := Binary("asi-task-"+path.Base(pkg), pkg)
		if err != nil {
			return "", err
		}
		dir = filepath.Dir(bin)
	}
	return dir, nil
}

// Main is the body of a TestMain in a package whose tests run plugins:
// it calls setup (nil for none; it may build with Binary and Tasks), runs
// the tests and removes what Binary built. It returns the exit code for
// os.Exit, 1 after printing setup's error when setup fails.
func Main(m *testing.M, setup func() error) int {
	defer removeShared()
	if setup != nil {
		if err := setup(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

func removeShared() {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
		shared.dir, shared.built = "", nil
	}
}
