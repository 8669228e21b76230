// Command checktask is a task plugin for the tests of `asi task check`:
// its mode setting makes the initial program pass, lose its EVOLVE-BLOCK
// markers, fail to build, report a NaN metric or no score, or hang. It
// runs nothing in the sandbox.
package main

import (
	"context"
	"math"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

func main() { sdk.Serve(newTask) }

func newTask() sdk.Task { return &checkTask{mode: "ok"} }

const initial = `package main

// EVOLVE-BLOCK-START
const x = 1.0
// EVOLVE-BLOCK-END

func main() { println(x) }
`

type checkTask struct{ mode string }

func (t *checkTask) Describe(context.Context) (sdk.Description, error) {
	program := initial
	if t.mode == "nomarkers" {
		program = strings.NewReplacer("// EVOLVE-BLOCK-START\n", "", "// EVOLVE-BLOCK-END\n", "").Replace(initial)
	}
	return sdk.Description{
		Name: "checktask", Version: "0.0.1", Statement: "Make x larger.", Language: "go",
		InitialProgram: program,
		Metrics:        []sdk.Metric{{Name: "score", Description: "x"}, {Name: "spread", Description: "a second metric"}},
		Primary:        "score", Direction: sdk.Maximize,
		Stages: []sdk.Stage{{Name: "evaluate"}},
		Config: []sdk.Setting{{Name: "mode", Type: sdk.TypeString, Default: "ok",
			Description: "ok, nomarkers, invalid, nan, noscore or hang"}},
	}, nil
}

func (t *checkTask) Configure(_ context.Context, req sdk.ConfigureRequest) error {
	mode, err := req.Settings.String("mode")
	if err != nil {
		return err
	}
	t.mode = mode
	return nil
}

func (t *checkTask) Evaluate(ctx context.Context, _ sdk.Candidate, _ int, _ int64) (sdk.Result, error) {
	switch t.mode {
	case "invalid":
		return sdk.Result{Feedback: "build failed:\n./main.go:4:7: undefined: y"}, nil
	case "nan":
		return sdk.Result{Valid: true, Metrics: map[string]float64{"score": 1, "spread": math.NaN()}}, nil
	case "noscore":
		return sdk.Result{Valid: true, Metrics: map[string]float64{"spread": 0.5}}, nil
	case "hang":
		select {} // ignores ctx, as a stuck plugin would
	}
	return sdk.Result{Valid: true, Metrics: map[string]float64{"score": 1, "spread": 0.5}, Feedback: "x is 1"}, nil
}
