package campaign

import (
	"testing"
)

func TestTaskRange(t *testing.T) {
	const src = `campaign "c" {
  task = "circlepacking"
}

task {
  language = "go"
  weights  = [1, 2]
}
`
	cfg, diags := NewParser().Parse([]byte(src), "c.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	tests := []struct {
		name     string
		path     []string
		wantLine int
		wantCol  int
	}{
		{name: "attribute", path: []string{"language"}, wantLine: 6, wantCol: 14},
		{name: "inside a list", path: []string{"weights", "1"}, wantLine: 7, wantCol: 14},
		{name: "not written: the block", path: []string{"timeout"}, wantLine: 5, wantCol: 1},
		{name: "no path: the block", path: nil, wantLine: 5, wantCol: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cfg.TaskRange(tt.path)
			if r.Start.Line != tt.wantLine || r.Start.Column != tt.wantCol {
				t.Errorf("range starts at %d:%d, want %d:%d", r.Start.Line, r.Start.Column, tt.wantLine, tt.wantCol)
			}
		})
	}

	noBlock, _ := NewParser().Parse([]byte("campaign \"c\" {\n  task = \"x\"\n}\n"), "n.hcl")
	if r := noBlock.TaskRange([]string{"language"}); r.Start.Line != 2 {
		t.Errorf("without a task block the range is at line %d, want the task argument on line 2", r.Start.Line)
	}
}
