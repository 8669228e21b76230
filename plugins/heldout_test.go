package plugins

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/task"
	"github.com/asi-evolve/asi/sdk"
)

func TestCoreDescriptionCarriesHeldOutStages(t *testing.T) {
	desc := func(stages ...sdk.Stage) sdk.Description {
		return sdk.Description{Name: "t", Primary: "m", Direction: sdk.Maximize, Metrics: []sdk.Metric{{Name: "m"}},
			EvolveStart: sdk.EvolveStart, EvolveEnd: sdk.EvolveEnd, Stages: stages}
	}
	got, err := coreDescription("t", desc(sdk.Stage{Name: "run"}, sdk.Stage{Name: "verify", HeldOut: true}))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]task.Stage{{Name: "run"}, {Name: "verify", HeldOut: true}}, got.Stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	if _, err := coreDescription("t", desc(sdk.Stage{Name: "verify", HeldOut: true})); !errors.Is(err, ErrInvalidDescription) {
		t.Errorf("a task whose every stage is held out: %v; want ErrInvalidDescription", err)
	}
}
