package roles

import (
	"math/rand/v2"
	"testing"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/internal/benchdata"
)

// benchPromptInputs are what a step of circle packing shows its roles:
// the statement, three context nodes of the benchmark programs (5 KB of
// code and 1 to 3 KB of prose each, with the evaluator's feedback as an
// output) and three cognition items.
func benchPromptInputs(b *testing.B) (task.Description, []Node, []string) {
	data, err := benchdata.Load("../..")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	desc := task.Description{
		Name: "circlepacking", Statement: data.Statement, Language: "go",
		Primary: "score", Direction: task.Maximize,
	}
	var nodes []Node
	for i := range int64(3) {
		n := data.Node(rng, i+1)
		nodes = append(nodes, Node{
			ID: i + 1, Name: n.Name, Motivation: n.Motivation, Code: n.Code, Analysis: n.Analysis,
			Feedback: n.Feedback, Metrics: n.Metrics, Score: n.Score, Valid: n.Valid,
			Outputs: []Output{{Label: "feedback", Text: n.Feedback}},
		})
	}
	var cognition []string
	for range 3 {
		cognition = append(cognition, data.Text(rng, [2]int{200, 600}))
	}
	return desc, nodes, cognition
}

func BenchmarkResearcherPrompt(b *testing.B) {
	desc, nodes, cognition := benchPromptInputs(b)
	b.ReportAllocs()
	for b.Loop() {
		ResearcherPrompt(desc, nodes, cognition)
	}
}

func BenchmarkAnalyzerRequest(b *testing.B) {
	desc, nodes, _ := benchPromptInputs(b)
	a := LLMAnalyzer{Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		a.Request(desc, nodes[1], &nodes[0])
	}
}
