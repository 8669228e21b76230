package roles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"text/template"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
	"github.com/google/go-cmp/cmp"
)

// The researcher's and the analyzer's prompts were text/templates before
// they were written in Go (render.go). These are those templates, with
// "~" for each backquote, kept as the reference the Go writers must match
// byte for byte: change a prompt here and in render.go together.
var (
	referenceResearcher = referenceTemplate("researcher", `You are the researcher of an automated research campaign. You improve a program step by step.

# Task: {{.Task.Name}}
{{.Task.Statement}}

The primary metric is ~{{.Task.Primary}}~ ({{.Task.Direction}}).
{{- if .Cognition}}

# What is known (cognition base)
{{range $i, $c := .Cognition}}{{$i | inc}}. {{$c}}
{{end}}
{{- end}}

# Context programs
{{range $i, $n := .Nodes}}
## {{if eq $i 0}}Parent{{else}}Reference{{end}} node {{$n.ID}}: {{$n.Name}}
{{- if $n.Valid}}
{{$.Task.Primary}} = {{printf "%.6g" $n.Score}}
{{- else}}
(failed evaluation)
{{- end}}
{{- if $n.Metrics}}
Metrics:{{range $k, $v := $n.Metrics}} {{$k}}={{printf "%.6g" $v}}{{end}}
{{- end}}
{{- if $n.Motivation}}
Motivation: {{$n.Motivation}}
{{- end}}
{{- if $n.Analysis}}
Analysis: {{$n.Analysis}}
{{- end}}
~~~{{$.Task.Language}}
{{$n.Code}}
~~~
{{- range $n.Outputs}}
{{.Label}}:
~~~
{{.Text}}
~~~
{{- end}}
{{end}}
# Your answer
Propose one improvement of the parent program. Only text between the
EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers may change.
{{- if .Files}}
The program is {{len .Files}} files, each beginning with its own line ~=== file: PATH ===~:
{{range .Files}}- {{.Path}}{{if .Editable}} (has EVOLVE regions: you may change it){{else}} (no EVOLVE region: read only){{end}}
{{end -}}
Header lines never change. Put a line ~File: PATH~ just before each
<<<<<<< SEARCH to name the file that block edits.
{{- end}} Answer in exactly this form:

<name>short-kebab-name</name>
<motivation>what you change and why you expect it to help</motivation>
<diff>
{{if .Files}}File: {{$.Editable}}
{{end -}}
<<<<<<< SEARCH
lines copied exactly from the parent
=======
the new lines
>>>>>>> REPLACE
</diff>

You may give several SEARCH/REPLACE blocks. If the change is large, give the
whole new program in <program>...</program> instead of <diff>.
{{- if .Files}} It holds all
{{len .Files}} files, in the order above, each beginning with its header line.
{{- end}}
`)
	referenceAnalyzer = referenceTemplate("analyzer", `You are the analyzer of an automated research campaign. Explain what an experiment showed.

# Task: {{.Task.Name}} (primary metric ~{{.Task.Primary}}~, {{.Task.Direction}})

# The experiment: node {{.Node.ID}} "{{.Node.Name}}"
Motivation: {{.Node.Motivation}}
Result: {{if .Node.Valid}}{{.Task.Primary}} = {{printf "%.6g" .Node.Score}}{{else}}failed{{end}}
{{- if .Node.Metrics}}
Metrics:{{range $k, $v := .Node.Metrics}} {{$k}}={{printf "%.6g" $v}}{{end}}
{{- end}}
{{- if .Node.Feedback}}
Evaluator feedback:
{{.Node.Feedback}}
{{- end}}
~~~{{.Task.Language}}
{{.Node.Code}}
~~~
{{if .Best}}
# The best context node {{.Best.ID}} "{{.Best.Name}}": {{.Task.Primary}} = {{printf "%.6g" .Best.Score}}
~~~{{.Task.Language}}
{{.Best.Code}}
~~~
{{end}}
Write at most 150 words: what worked or failed and why, what to try next,
and one reusable insight on a line starting with "Insight:".
`)
)

func referenceTemplate(name, text string) *template.Template {
	return template.Must(template.New(name).Funcs(template.FuncMap{
		"inc": func(i int) int { return i + 1 },
	}).Parse(strings.ReplaceAll(text, "~", "`")))
}

func executeReference(t *testing.T, tmpl *template.Template, data any) string {
	t.Helper()
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// referenceResearcherPrompt is ResearcherPrompt as it was, through the
// reference template.
func referenceResearcherPrompt(t *testing.T, desc task.Description, nodes []Node, cognition []string) []llm.Message {
	var files []programFile
	if len(nodes) > 0 {
		files = programFiles(nodes[0].Code)
	}
	editable := ""
	for _, f := range files {
		if f.Editable {
			editable = f.Path
			break
		}
	}
	text := executeReference(t, referenceResearcher, struct {
		Task      task.Description
		Nodes     []Node
		Cognition []string
		Files     []programFile
		Editable  string
	}{desc, nodes, cognition, files, editable})
	return []llm.Message{{Role: "user", Content: text}}
}

// referenceAnalyzerRequest is LLMAnalyzer.Request as it was, through the
// reference template.
func referenceAnalyzerRequest(t *testing.T, a LLMAnalyzer, desc task.Description, node Node, best *Node) llm.Request {
	prompt := executeReference(t, referenceAnalyzer, struct {
		Task task.Description
		Node Node
		Best *Node
	}{desc, node, best})
	return llm.Request{Role: "analyzer", Messages: []llm.Message{{Role: "user", Content: prompt}}, Seed: a.Seed}
}

// promptInputs draws the inputs of a prompt from pools of edge cases:
// empty and odd texts, scores fmt writes in their own ways, metrics whose
// keys sort differently by bytes than by eye, programs of several files.
type promptInputs struct{ rng *rand.Rand }

var (
	oddTexts = []string{
		"", "x", "Pack circles.", "two\nlines\n", " padded ", "{{.Task.Name}} %d %v %!", "`back` ```fence```",
		"<b>&amp;</b> \"quoted\" 'single'", "ünïcödé — ∑ 🙂", "\x00\xff invalid utf-8", "tab\there\r\nCRLF",
		strings.Repeat("long line ", 300),
	}
	oddScores = []float64{
		0, math.Copysign(0, -1), 1, -1, 0.5, 2.635983, 1e-9, -1e-9, 123456789, 1234567, 123456, 1e21, 1e-300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.NaN(), math.Inf(1), math.Inf(-1), 1.0 / 3,
	}
	metricKeys = []string{"score", "sum_radii", "Z", "a", "_b", "B", "ä", "min_gap", "runtime_ms", "", "a b"}
	oddCodes   = []string{
		"", "x", "PARENT CODE\n",
		"package main\n// EVOLVE-BLOCK-START\nconst r = 0.2\n// EVOLVE-BLOCK-END\nfunc main() {}\n",
		"=== file: README.md ===\nnotes\n=== file: pkg/model.py ===\n# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n",
		"=== file: a.py ===\nx = 1\n=== file: b/c.py ===\ny = 2\n=== file: d.txt ===\n",
		"=== file: a.py ===\n# EVOLVE-BLOCK-START\n=== file: b.py ===\n# EVOLVE-BLOCK-END\n",
		"=== file: a.py ===\nx\n=== file: a.py ===\ny\n",
		"=== file: ../up.py ===\nx\n",
		"=== file: one.py ===\n# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n",
		"# EVOLVE-BLOCK-START\nunclosed\n",
	}
	outputLabels = []string{"feedback", "stderr (last 2000 characters; 310 cut)", "", "a:b"}
)

func (p promptInputs) text() string    { return oddTexts[p.rng.IntN(len(oddTexts))] }
func (p promptInputs) score() float64  { return oddScores[p.rng.IntN(len(oddScores))] }
func (p promptInputs) pick(n int) bool { return p.rng.IntN(n) == 0 }
func (p promptInputs) count(n int) int { return p.rng.IntN(n + 1) }

func (p promptInputs) desc() task.Description {
	d := task.Description{Name: p.text(), Statement: p.text(), Language: p.text(), Primary: p.text(), Direction: task.Maximize}
	if p.pick(2) {
		d.Direction = task.Minimize
	}
	if p.pick(3) {
		d.Name, d.Statement, d.Language, d.Primary = "circlepacking", "Pack circles.", "go", "sum_radii"
	}
	return d
}

func (p promptInputs) node() Node {
	n := Node{
		ID: p.rng.Int64N(1000) - 10, Name: p.text(), Motivation: p.text(), Analysis: p.text(), Feedback: p.text(),
		Code: oddCodes[p.rng.IntN(len(oddCodes))], Score: p.score(), Valid: !p.pick(3),
	}
	switch p.rng.IntN(4) {
	case 0: // no metrics
	case 1:
		n.Metrics = map[string]float64{}
	default:
		n.Metrics = map[string]float64{}
		for range 1 + p.count(5) {
			n.Metrics[metricKeys[p.rng.IntN(len(metricKeys))]] = p.score()
		}
	}
	for range p.count(2) {
		n.Outputs = append(n.Outputs, Output{Label: outputLabels[p.rng.IntN(len(outputLabels))], Text: p.text()})
	}
	return n
}

func TestPromptsMatchTemplates(t *testing.T) {
	p := promptInputs{rand.New(rand.NewPCG(7, 11))}
	for i := range 3000 {
		desc := p.desc()
		nodes := make([]Node, p.count(4))
		for j := range nodes {
			nodes[j] = p.node()
		}
		var cognition []string
		if !p.pick(4) {
			cognition = make([]string, p.count(5))
			for j := range cognition {
				cognition[j] = p.text()
			}
		}
		got, want := ResearcherPrompt(desc, nodes, cognition), referenceResearcherPrompt(t, desc, nodes, cognition)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("case %d: researcher prompt (-template +go):\n%s", i, diff)
		}

		a := LLMAnalyzer{Seed: p.rng.Int64()}
		node := p.node()
		var best *Node
		if !p.pick(3) {
			b := p.node()
			best = &b
		}
		if diff := cmp.Diff(referenceAnalyzerRequest(t, a, desc, node, best), a.Request(desc, node, best)); diff != "" {
			t.Fatalf("case %d: analyzer request (-template +go):\n%s", i, diff)
		}
	}
}

// TestPromptInputsVary checks that the drawn inputs reach the branches of
// the prompts, so that TestPromptsMatchTemplates compares them all.
func TestPromptInputsVary(t *testing.T) {
	p := promptInputs{rand.New(rand.NewPCG(7, 11))}
	seen := map[string]bool{}
	for range 3000 {
		n := p.node()
		files := programFiles(n.Code)
		seen[fmt.Sprintf("valid=%v", n.Valid)] = true
		seen[fmt.Sprintf("metrics=%d", min(len(n.Metrics), 3))] = true
		seen[fmt.Sprintf("outputs=%d", len(n.Outputs))] = true
		seen[fmt.Sprintf("files=%d", min(len(files), 3))] = true
		seen[fmt.Sprintf("motivation=%v", n.Motivation != "")] = true
		seen[fmt.Sprintf("nan=%v", math.IsNaN(n.Score))] = true
		for _, f := range files {
			seen[fmt.Sprintf("editable=%v", f.Editable)] = true
		}
	}
	for _, want := range []string{"valid=true", "valid=false", "metrics=0", "metrics=1", "metrics=3", "outputs=0", "outputs=2",
		"files=0", "files=2", "files=3", "motivation=true", "motivation=false", "nan=true", "editable=true", "editable=false"} {
		if !seen[want] {
			t.Errorf("no drawn node has %s", want)
		}
	}
}
