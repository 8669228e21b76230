package command

import (
	"os"
	"testing"

	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

// TestMain builds the task plugins once; discovery finds them through
// ASI_PLUGIN_DIR, as it would beside an installed asi.
func TestMain(m *testing.M) {
	os.Exit(plugintest.Main(m, func() error {
		dir, err := plugintest.Tasks()
		if err != nil {
			return err
		}
		return os.Setenv(plugins.DirEnv, dir)
	}))
}
