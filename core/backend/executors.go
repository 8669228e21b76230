package backend

import (
	"fmt"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
	"github.com/asi-evolve/asi/plugins/executor"
)

// executorSpecs turns the campaign's executor blocks into what
// plugins.StartExecutors takes, with the paths resolved against the
// campaign file's directory.
func executorSpecs(cfg *campaign.Config) []plugins.ExecutorSpec {
	specs := make([]plugins.ExecutorSpec, 0, len(cfg.Executors))
	for _, block := range cfg.Executors {
		spec := plugins.ExecutorSpec{Type: block.Type}
		if s := block.Settings; s != nil { // nil: an executor plugin's block
			spec.Slots, spec.Memory, spec.Timeout, spec.Grace = s.Slots, s.Memory, s.Timeout, s.Grace
			spec.OutputLimit, spec.Network, spec.Devices = s.OutputLimit, s.Network, s.Devices
			spec.WorkDir, spec.SharedDir, spec.SlurmConf = cfg.Resolve(s.WorkDir), cfg.Resolve(s.SharedDir), cfg.Resolve(s.SlurmConf)
			spec.Partition, spec.Account, spec.QOS = s.Partition, s.Account, s.QOS
			spec.CPUs, spec.GRES, spec.Args, spec.Poll = s.CPUs, s.GRES, s.Args, s.Poll
			spec.Isolation = executor.Isolation(s.Isolation)
			spec.TmpSize, spec.Processes = s.TmpSize, s.Processes
			for _, p := range s.ReadOnly {
				spec.ReadOnly = append(spec.ReadOnly, cfg.Resolve(p))
			}
		}
		specs = append(specs, spec)
	}
	return specs
}

// DescribeExecutors names the campaign's executors, for plan: a built-in
// one with the isolation its jobs get on this machine, and what the
// campaign requires when this machine cannot give it.
func DescribeExecutors(cfg *campaign.Config) []string {
	if len(cfg.Executors) == 0 {
		return []string{"none (candidates run in the sandbox only)"}
	}
	// Probing bubblewrap and the GPU driver is left to campaigns with
	// executors.
	builtin := map[string]plugins.BuiltinExecutor{}
	for _, b := range plugins.BuiltinExecutors() {
		builtin[b.Type] = b
	}
	var executors []string
	for _, e := range cfg.Executors {
		b, ok := builtin[e.Type]
		if !ok || e.Settings == nil {
			executors = append(executors, e.Type+" (executor plugin)")
			continue
		}
		want := executor.Isolation(e.Settings.Isolation)
		if e.Type == campaign.ExecutorSlurm {
			b.Isolation, b.Detail = executor.SlurmIsolation(want) // each node decides for itself
		}
		line := fmt.Sprintf("%s: isolation %s (%s)", e.Type, b.Isolation, b.Detail)
		if want != "" && !b.Isolation.AtLeast(want) {
			line += fmt.Sprintf("; REFUSED: the campaign requires isolation %q", want)
		}
		executors = append(executors, line)
	}
	return executors
}
