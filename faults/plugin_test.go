package faults

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestPluginFaults runs campaigns whose plugin misbehaves on one node. The
// campaign must spend its whole budget, store that node as failed with a
// reason (or, for harmless noise, as valid), and leave a sound database.
// (A plugin killed mid-evaluation is TestCampaignSurvivesPluginCrash, in plugincrash_test.go.)
func TestPluginFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	const steps = 6
	tests := []struct {
		name      string
		taskBlock string
		// wantError is in the failed node's error; "" means every node valid.
		wantError string
	}{
		{name: "garbage on stdout", taskBlock: "garbage_on_node = 3"},
		{name: "hang past the deadline", taskBlock: "hang_on_node = 3", wantError: "deadline"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file, state := campaign(t, steps, 1, tt.taskBlock, "")
			shortDeadline(t, file, "3s")
			out, err := asi(t, time.Minute, nil, "apply", "-state", state, file)
			if err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			checkDatabase(t, state, steps)
			js, err := asi(t, time.Minute, nil, "show", "-state", state, "-json", "3")
			if err != nil {
				t.Fatalf("show: %v\n%s", err, js)
			}
			if tt.wantError == "" && strings.Contains(js, `"valid": false`) {
				t.Errorf("node 3 failed:\n%s", js)
			}
			if tt.wantError != "" && !strings.Contains(js, tt.wantError) {
				t.Errorf("node 3 does not name %q:\n%s", tt.wantError, js)
			}
		})
	}
}

// shortDeadline sets the campaign's evaluation_timeout, so that a hung
// plugin costs seconds, not the default hour.
func shortDeadline(t *testing.T, file, timeout string) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Replace(string(src), "  seed    = 1\n", "  seed    = 1\n  evaluation_timeout = \""+timeout+"\"\n", 1)
	if out == string(src) {
		t.Fatal("campaign template changed: cannot set evaluation_timeout")
	}
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}
