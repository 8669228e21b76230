package sdk_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/sdk"
)

const harness = "import x\n# EVOLVE-BLOCK-START\nrate = 0.1\n# EVOLVE-BLOCK-END\nrun()\n"

func TestEvolveBlock(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		wantBlock string
		wantErr   string
	}{
		{"edited region", strings.Replace(harness, "0.1", "0.2", 1), "# EVOLVE-BLOCK-START\nrate = 0.2\n# EVOLVE-BLOCK-END", ""},
		{"harness before", strings.Replace(harness, "import x", "import os", 1), "", "line 1 before EVOLVE-BLOCK-START differs"},
		{"harness after", strings.Replace(harness, "run()", "print(1.0)", 1), "", "line 2 after EVOLVE-BLOCK-END differs"},
		{"markers gone", "rate = 0.1\n", "", "want exactly one"},
		{"two regions", harness + harness, "", "want exactly one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block, err := sdk.EvolveBlock(tt.code, harness)
			if tt.wantErr == "" {
				if err != nil || block != tt.wantBlock {
					t.Fatalf("block %q, err %v; want %q", block, err, tt.wantBlock)
				}
				return
			}
			if !errors.Is(err, sdk.ErrHarnessChanged) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrHarnessChanged with %q", err, tt.wantErr)
			}
		})
	}
}
