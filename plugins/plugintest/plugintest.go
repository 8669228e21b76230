// Package plugintest builds plugin binaries for tests that run real
// plugin processes: the campaigns of core/command and cmd/asi, and the
// crash and version tests of plugins.
package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"testing"
)

// TaskPackages are the task plugins of this repository, by import path.
var TaskPackages = []string{
	"github.com/asi-evolve/asi/tasks/circlepacking",
	"github.com/asi-evolve/asi/tasks/datacuration",
	"github.com/asi-evolve/asi/tasks/linearattention",
	"github.com/asi-evolve/asi/tasks/optimizer",
}

// Build compiles the main package pkg (an import path or a directory) into
// dir under name and returns the binary's path. ldflags may be empty.
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

// BuildTasks compiles every task plugin of TaskPackages into dir, named as
// discovery expects (asi-task-<name>).
func BuildTasks(dir string) error {
	for _, pkg := range TaskPackages {
		if _, err := Build(dir, "asi-task-"+path.Base(pkg), pkg, ""); err != nil {
			return err
		}
	}
	return nil
}

// TaskDir builds the task plugins into a temporary directory that lives
// until the test ends, and points discovery at it with ASI_PLUGIN_DIR.
func TaskDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := BuildTasks(dir); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ASI_PLUGIN_DIR", dir)
	return dir
}

// MainDir is TaskDir for TestMain: it returns the directory and a function
// removing it; the caller sets ASI_PLUGIN_DIR.
func MainDir() (string, func(), error) {
	dir, err := os.MkdirTemp("", "asi-plugins-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { _ = os.RemoveAll(dir) }
	if err := BuildTasks(dir); err != nil {
		cleanup()
		return "", nil, err
	}
	return dir, cleanup, nil
}
