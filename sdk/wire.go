package sdk

import (
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/asi-evolve/asi/sdk/protocol/taskv1"
)

// This file translates between the Go types of this package and the wire
// types of protocol/taskv1, in both directions.

func describeToWire(d Description) (*taskv1.DescribeResponse, error) {
	out := &taskv1.DescribeResponse{
		Name: d.Name, Version: d.Version, ApiVersions: []string{APIVersion},
		Statement: d.Statement, Language: d.Language, InitialProgram: d.InitialProgram,
		EvolveStart: d.EvolveStart, EvolveEnd: d.EvolveEnd,
		Primary: d.Primary, FeatureDimensions: d.FeatureDimensions, RunsOn: d.RunsOn, NeedsExecutor: d.NeedsExecutor,
	}
	if out.EvolveStart == "" {
		out.EvolveStart = EvolveStart
	}
	if out.EvolveEnd == "" {
		out.EvolveEnd = EvolveEnd
	}
	switch d.Direction {
	case Maximize:
		out.Direction = taskv1.Direction_DIRECTION_MAXIMIZE
	case Minimize:
		out.Direction = taskv1.Direction_DIRECTION_MINIMIZE
	default:
		return nil, fmt.Errorf("describe: direction %q: want %q or %q", d.Direction, Maximize, Minimize)
	}
	for _, m := range d.Metrics {
		out.Metrics = append(out.Metrics, &taskv1.Metric{Name: m.Name, Description: m.Description})
	}
	for _, s := range d.Stages {
		out.Stages = append(out.Stages, &taskv1.Stage{Name: s.Name, Threshold: s.Threshold, HeldOut: s.HeldOut})
	}
	for _, s := range d.Config {
		w := &taskv1.Setting{Name: s.Name, Type: s.Type, Description: s.Description, Required: s.Required}
		if s.Default != nil {
			v, err := structpb.NewValue(s.Default)
			if err != nil {
				return nil, fmt.Errorf("describe: setting %q: default: %w", s.Name, err)
			}
			w.Default = v
		}
		out.ConfigSchema = append(out.ConfigSchema, w)
	}
	return out, nil
}

func describeFromWire(w *taskv1.DescribeResponse) Description {
	d := Description{
		Name: w.GetName(), Version: w.GetVersion(), APIVersions: w.GetApiVersions(),
		Statement: w.GetStatement(), Language: w.GetLanguage(), InitialProgram: w.GetInitialProgram(),
		EvolveStart: w.GetEvolveStart(), EvolveEnd: w.GetEvolveEnd(),
		Primary: w.GetPrimary(), FeatureDimensions: w.GetFeatureDimensions(), RunsOn: w.GetRunsOn(), NeedsExecutor: w.GetNeedsExecutor(),
	}
	switch w.GetDirection() {
	case taskv1.Direction_DIRECTION_MAXIMIZE:
		d.Direction = Maximize
	case taskv1.Direction_DIRECTION_MINIMIZE:
		d.Direction = Minimize
	}
	for _, m := range w.GetMetrics() {
		d.Metrics = append(d.Metrics, Metric{Name: m.GetName(), Description: m.GetDescription()})
	}
	for _, s := range w.GetStages() {
		d.Stages = append(d.Stages, Stage{Name: s.GetName(), Threshold: s.Threshold, HeldOut: s.GetHeldOut()})
	}
	for _, s := range w.GetConfigSchema() {
		set := Setting{Name: s.GetName(), Type: s.GetType(), Description: s.GetDescription(), Required: s.GetRequired()}
		if s.GetDefault() != nil {
			set.Default = s.GetDefault().AsInterface()
		}
		d.Config = append(d.Config, set)
	}
	return d
}

func limitsToWire(l Limits) *taskv1.Limits {
	return &taskv1.Limits{MemoryBytes: l.Memory, TimeoutMs: l.Timeout.Milliseconds(), OutputBytes: l.OutputLimit}
}

func limitsFromWire(w *taskv1.Limits) Limits {
	return Limits{
		Memory:      w.GetMemoryBytes(),
		Timeout:     time.Duration(w.GetTimeoutMs()) * time.Millisecond,
		OutputLimit: w.GetOutputBytes(),
	}
}

// configErrorsFromError collects the *ConfigError values in err's tree
// (errors.Join and %w wrapping). An error that is not a ConfigError becomes
// one with an empty path, which the host shows at the task block.
func configErrorsFromError(err error) []*ConfigError {
	if ce, ok := err.(*ConfigError); ok {
		return []*ConfigError{ce}
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*ConfigError
		for _, e := range joined.Unwrap() {
			out = append(out, configErrorsFromError(e)...)
		}
		return out
	}
	var ce *ConfigError
	if errors.As(err, &ce) {
		return []*ConfigError{ce}
	}
	return []*ConfigError{{Summary: "Invalid task settings", Detail: err.Error()}}
}
