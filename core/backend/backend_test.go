package backend

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

func TestMain(m *testing.M) {
	os.Exit(plugintest.Main(m, nil))
}

// offlineCampaign decodes a small offline campaign of the circlepacking
// task, whose plugin it builds.
func offlineCampaign(t *testing.T) *campaign.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a task plugin")
	}
	bin, err := plugintest.Binary("asi-task-circlepacking", "github.com/asi-evolve/asi/tasks/circlepacking")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(plugins.DirEnv, filepath.Dir(bin))
	src := "campaign \"small\" {\n  task = \"circlepacking\"\n  budget {\n    steps = 2\n  }\n}\n"
	cfg, diags := campaign.NewParser().Parse([]byte(src), filepath.Join(t.TempDir(), "small.hcl"))
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return cfg
}

// TestOpenCloseReleasesEverything: while a run is open its directory is
// locked; one Close releases it (and the store, the plugins), so the
// campaign opens again.
func TestOpenCloseReleasesEverything(t *testing.T) {
	cfg := offlineCampaign(t)
	ctx := context.Background()
	opts := Options{StateDir: filepath.Join(t.TempDir(), "state"), SandboxCacheDir: t.TempDir()}
	run, err := Open(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if run.Engine == nil || run.Store == nil || run.Description.Task != "circlepacking" || run.Description.Workers != 1 {
		t.Fatalf("run = %+v", run)
	}
	if _, err := Open(ctx, cfg, opts); err == nil || !strings.Contains(err.Error(), "in use by another asi apply") {
		t.Fatalf("second Open while the first is open: %v, want the directory in use", err)
	}
	run.Close()
	run.Close() // a second Close does nothing
	again, err := Open(ctx, cfg, opts)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

// TestOpenRefusesAnotherCampaignsDirectory: a failed Open leaves nothing
// open: the directory it refused is not locked afterwards.
func TestOpenRefusesAnotherCampaignsDirectory(t *testing.T) {
	cfg := offlineCampaign(t)
	ctx := context.Background()
	opts := Options{StateDir: filepath.Join(t.TempDir(), "state"), SandboxCacheDir: t.TempDir()}
	run, err := Open(ctx, cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	run.Close()
	other := *cfg
	other.Campaign.Name = "other"
	if _, err := Open(ctx, &other, opts); err == nil || !strings.Contains(err.Error(), `belongs to campaign "small"`) {
		t.Fatalf("Open of another campaign's directory: %v", err)
	}
	run, err = Open(ctx, cfg, opts)
	if err != nil {
		t.Fatalf("Open after a refused Open: %v", err)
	}
	run.Close()
}
