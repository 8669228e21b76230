package command

import (
	"context"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/cognition"
)

func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut strings.Builder
	code := Main(args, Streams{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
	return out.String(), errOut.String(), code
}

func TestCognitionVerbs(t *testing.T) {
	dir := t.TempDir()
	db, err := cognition.OpenDB(context.Background(), dir) // an empty campaign directory
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	priors := "../../hcl-examples/cognition/circle-packing.md"
	tests := []struct {
		name string
		args []string
		want []string
		code int
	}{
		{"import", []string{"cognition", "import", "-state", dir, priors}, []string{"Imported 8 items (8 new)"}, exitOK},
		{"import again", []string{"cognition", "import", "-state", dir, priors}, []string{"Imported 8 items (0 new)"}, exitOK},
		{"list", []string{"cognition", "list", "-state", dir}, []string{"8 items", "prior", "circle-packing.md#start-from-a-lattice"}, exitOK},
		{"search", []string{"cognition", "search", "-state", dir, "-n", "1", "overlapping pairs rejected"}, []string{"1. [prior", "#check-overlaps-before-printing"}, exitOK},
		{"export", []string{"cognition", "export", "-state", dir, "-kind", "prior"}, []string{`"kind":"prior"`, `"source":"circle-packing.md#escape-local-optima"`}, exitOK},
		{"unknown", []string{"cognition", "forget", "-state", dir}, nil, exitUsage},
		{"search without query", []string{"cognition", "search", "-state", dir}, nil, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
