package draft

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestCampaignFileQuotesTheModel: whatever the model puts in the
// statement stays one string of the task block, and the description
// stays comments: nothing turns into an attribute or a template.
func TestCampaignFileQuotesTheModel(t *testing.T) {
	hostile := "Say \"hi\".\nisolation = \"jail\"\n${file(\"/etc/passwd\")} %{ if true }x%{ endif } \\\" }\ntask {\n"
	c := Campaign{Name: "t", Description: "pack circles\r\n}\ntask { isolation = \"jail\" }\u2028x = 1", Timeout: 2 * time.Minute}
	known := 2.5
	src := CampaignFile(c, Meta{Statement: hostile, Primary: "combined_score", Direction: "maximize", KnownBest: &known})
	f, diags := hclsyntax.ParseConfig(src, "campaign.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the file does not parse: %v\n%s", diags, src)
	}
	body := f.Body.(*hclsyntax.Body)
	var blocks []string
	for _, b := range body.Blocks {
		blocks = append(blocks, b.Type)
	}
	if got := strings.Join(blocks, " "); got != "campaign task sandbox" || len(body.Attributes) != 0 {
		t.Fatalf("blocks %q and %d top-level attributes, want campaign task sandbox and none:\n%s", got, len(body.Attributes), src)
	}
	attrs := body.Blocks[1].Body.Attributes
	want := map[string]string{"contract": "openevolve", "evaluator": EvaluatorFile, "initial": InitialFile, "isolation": "wasm",
		"statement": hostile, "primary": "combined_score", "direction": "maximize", "timeout": "2m0s"}
	if len(attrs) != len(want) {
		t.Errorf("task block has %d attributes, want %d:\n%s", len(attrs), len(want), src)
	}
	for name, v := range want {
		a, ok := attrs[name]
		if !ok {
			t.Errorf("no %s in the task block", name)
			continue
		}
		val, diags := a.Expr.Value(nil) // no functions, no variables: a template would fail here
		if diags.HasErrors() {
			t.Errorf("%s: %v", name, diags)
			continue
		}
		if val.AsString() != v {
			t.Errorf("%s = %q, want %q", name, val.AsString(), v)
		}
	}
	if !strings.Contains(string(src), "# The model says the best possible combined_score is 2.5 (unchecked); to audit\n# the evaluator against it: asi task audit -known-best 2.5 campaign.hcl\n") {
		t.Errorf("the known best is not noted:\n%s", src)
	}
	if !strings.Contains(string(src), "runs only in the wasm sandbox") {
		t.Errorf("the header does not say where the evaluator runs:\n%s", src)
	}
}

// TestCampaignFileWithPackages: only the user's -packages moves the
// evaluator into the local executor's jail, and the file says so.
func TestCampaignFileWithPackages(t *testing.T) {
	c := Campaign{Name: "t", Description: "fit a curve with numpy", Timeout: 30 * time.Second, Packages: true}
	src := CampaignFile(c, Meta{Statement: "s", Primary: "combined_score", Direction: "maximize"})
	f, diags := hclsyntax.ParseConfig(src, "campaign.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("the file does not parse: %v\n%s", diags, src)
	}
	body := f.Body.(*hclsyntax.Body)
	var blocks []string
	for _, b := range body.Blocks {
		blocks = append(blocks, strings.Join(append([]string{b.Type}, b.Labels...), " "))
	}
	if got := strings.Join(blocks, ", "); got != "campaign t, task, executor local" {
		t.Fatalf("blocks %q, want campaign, task and executor local:\n%s", got, src)
	}
	iso, _ := body.Blocks[1].Body.Attributes["isolation"].Expr.Value(nil)
	if iso.AsString() != "jail" || !strings.Contains(string(src), "asked for with -packages") {
		t.Errorf("isolation %q, want jail and a header that says why:\n%s", iso.AsString(), src)
	}
	if strings.Contains(string(firstMessages("d", true)[0].Content), "standard library only") ||
		!strings.Contains(firstMessages("d", false)[0].Content, "standard library only") {
		t.Error("the system prompt does not follow -packages")
	}
}

func TestFolderName(t *testing.T) {
	tests := []struct{ name, description, want string }{
		{"words", "Pack 26 circles in a unit square, maximising the radii", "pack-26-circles-in"},
		{"punctuation and case", "  TSP: shortest tour!", "tsp-shortest-tour"},
		{"nothing usable", "¿¡ … !?", "task"},
		{"starts with a digit", "3 coloring", "task-3-coloring"},
		{"long words", strings.Repeat("a", 30) + " " + strings.Repeat("b", 30), strings.Repeat("a", 30)},
		{"no path tricks", "../../etc/passwd", "etc-passwd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FolderName(tt.description); got != tt.want {
				t.Errorf("FolderName(%q) = %q, want %q", tt.description, got, tt.want)
			}
		})
	}
}
