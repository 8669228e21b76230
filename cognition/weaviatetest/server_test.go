package weaviatetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingServerGuard shows the guard of required suites at work: with
// the Weaviate binary renamed away, a test that needs the server skips on a
// developer's machine, and fails under CI=true (or ASI_REQUIRE_ALL=1) with
// the same message, which names the installer.
func TestMissingServerGuard(t *testing.T) {
	if os.Getenv("ASI_GUARD_CHILD") == "1" {
		Start(t) // needs the server; must not get past this line
		t.Fatal("Start returned without a server")
	}
	renamed := filepath.Join(t.TempDir(), "weaviate-server.renamed")
	message := "weaviate-server " + Version + " not found: run " + Installer
	tests := []struct {
		name     string
		env      []string
		wantFail bool
		want     string
	}{
		{name: "developer machine", want: "--- SKIP: TestMissingServerGuard"},
		{name: "CI=true", env: []string{"CI=true"}, wantFail: true, want: "--- FAIL: TestMissingServerGuard"},
		{name: "ASI_REQUIRE_ALL=1", env: []string{"ASI_REQUIRE_ALL=1"}, wantFail: true, want: "--- FAIL: TestMissingServerGuard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMissingServerGuard$", "-test.v", "-test.count=1")
			for _, kv := range os.Environ() {
				if name, _, _ := strings.Cut(kv, "="); name != "CI" && name != "ASI_REQUIRE_ALL" {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, append(tt.env, "ASI_GUARD_CHILD=1", "ASI_WEAVIATE_BIN="+renamed)...)
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != tt.wantFail {
				t.Errorf("child test failed = %v (%v), want %v:\n%s", failed, err, tt.wantFail, out)
			}
			for _, part := range []string{tt.want, message} {
				if !strings.Contains(string(out), part) {
					t.Errorf("child output lacks %q:\n%s", part, out)
				}
			}
		})
	}
}
