package backend

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/sandbox"
	"github.com/asi-evolve/asi/sdk"
)

// fakeSlurm puts an sbatch that records the batch script it is given (and
// runs nothing) and an scontrol that reports every job completed first on
// PATH. It returns the file the scripts are recorded in.
func fakeSlurm(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	record := filepath.Join(bin, "submitted")
	scripts := map[string]string{
		"sbatch":   "#!/bin/sh\nfor a; do last=$a; done\necho \"$last\" >> " + record + "\necho 42\n",
		"scontrol": "#!/bin/sh\necho 'JobId=42 JobState=COMPLETED ExitCode=0:0'\n",
	}
	for name, src := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(src), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return record
}

// TestHostSandbox: without sandbox.executor the task's sandbox runs here;
// with executor = "slurm" each run is a job of its own Slurm executor,
// in a "sandbox" subdirectory of the slurm block's shared directory, with
// no jail, running this binary on the request (the campaign's limits and
// the host's cache).
func TestHostSandbox(t *testing.T) {
	record := fakeSlurm(t)
	ctx := context.Background()
	dir := t.TempDir()
	parse := func(src string) *campaign.Config {
		cfg, diags := campaign.NewParser().Parse([]byte(src), filepath.Join(dir, "c.hcl"))
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		return cfg
	}
	program := sdk.SandboxRun{Language: "go", Files: map[string][]byte{"main.go": []byte("package main\n\nfunc main() {}\n")}}

	t.Run("here", func(t *testing.T) {
		cfg := parse("campaign \"c\" {\n  task = \"t\"\n}\nexecutor \"slurm\" {}\n")
		rt, err := sandbox.NewRuntime(ctx, sandbox.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Close(ctx)
		sb, err := hostSandbox(cfg, filepath.Join(dir, "state"), t.TempDir(), rt, hclog.NewNullLogger())
		if err != nil {
			t.Fatal(err)
		}
		if res, err := sb.Run(ctx, program); err != nil || !res.OK() {
			t.Fatalf("run: %+v, %v", res, err)
		}
		if _, err := os.Stat(record); !os.IsNotExist(err) {
			t.Errorf("a run without sandbox.executor went to Slurm (%v)", err)
		}
	})

	t.Run("on slurm", func(t *testing.T) {
		cfg := parse("campaign \"c\" {\n  task = \"t\"\n}\nsandbox {\n  executor = \"slurm\"\n  timeout  = \"7s\"\n}\n" +
			"executor \"slurm\" {\n  shared_dir = \"shared\"\n  poll       = \"10ms\"\n}\n")
		cache := t.TempDir()
		sb, err := hostSandbox(cfg, filepath.Join(dir, "state"), cache, nil, hclog.NewNullLogger())
		if err != nil {
			t.Fatal(err)
		}
		// The fake job leaves no result: the run fails, saying so.
		if _, err := sb.Run(ctx, program); err == nil || !strings.Contains(err.Error(), "sandbox job 42 succeeded with no result") {
			t.Fatalf("run on the fake cluster: %v", err)
		}
		submitted, err := os.ReadFile(record)
		if err != nil {
			t.Fatal(err)
		}
		script := strings.TrimSpace(string(submitted))
		if want := filepath.Join(dir, "shared", "sandbox") + "/job-"; !strings.HasPrefix(script, want) {
			t.Fatalf("batch script %s, want one under %s", script, want)
		}
		body, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"'" + self + "' 'sandbox' 'job' '.'", "'ASI_CACHE_DIR="} {
			if !strings.Contains(string(body), want) {
				t.Errorf("batch script lacks %s:\n%s", want, body)
			}
		}
		if strings.Contains(string(body), "bwrap") {
			t.Errorf("sandbox jobs run in a jail:\n%s", body)
		}
		data, err := os.ReadFile(filepath.Join(filepath.Dir(script), plugins.SandboxRequestFile))
		if err != nil {
			t.Fatal(err)
		}
		var req plugins.SandboxRequest
		if err := json.Unmarshal(data, &req); err != nil {
			t.Fatal(err)
		}
		if req.CacheDir != cache || req.Timeout != 7*time.Second || req.Memory != cfg.Sandbox.Memory || req.Language != "go" {
			t.Errorf("request = %+v; want the campaign's limits and the host's cache %s", req, cache)
		}
	})
}
