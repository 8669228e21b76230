package campaign

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the parser: it must report problems as
// diagnostics and never panic, also when printing them.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"testdata/valid/*.hcl", "testdata/invalid/*.hcl", "../../hcl-examples/*.hcl"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p := NewParser()
		cfg, diags := p.Parse(src, "fuzz.hcl")
		if cfg == nil && !diags.HasErrors() {
			t.Fatal("Parse returned neither a Config nor an error")
		}
		if cfg != nil {
			_ = cfg.Redacted()
		}
		if err := p.WriteDiagnostics(io.Discard, diags); err != nil {
			t.Fatalf("WriteDiagnostics: %v", err)
		}
	})
}
