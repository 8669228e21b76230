package command

import (
	"fmt"
	"os"
	"testing"

	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

// TestMain builds the task plugins once; discovery finds them through
// ASI_PLUGIN_DIR, as it would beside an installed asi.
func TestMain(m *testing.M) {
	dir, cleanup, err := plugintest.MainDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv(plugins.DirEnv, dir)
	code := m.Run()
	cleanup()
	os.Exit(code)
}
