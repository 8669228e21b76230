package command

import (
	"os"
	"testing"

	"github.com/asi-evolve/asi/internal/slurmtest"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

// TestMain builds the task plugins once; discovery finds them through
// ASI_PLUGIN_DIR, as it would beside an installed asi. It stops the Slurm
// cluster the sandbox tests started, if any.
func TestMain(m *testing.M) {
	code := plugintest.Main(m, func() error {
		dir, err := plugintest.Tasks()
		if err != nil {
			return err
		}
		return os.Setenv(plugins.DirEnv, dir)
	})
	slurmtest.StopStarted()
	os.Exit(code)
}
