package backend

import (
	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/plugins"
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
		}
		specs = append(specs, spec)
	}
	return specs
}

// DescribeExecutors names the campaign's executors, for plan.
func DescribeExecutors(cfg *campaign.Config) []string {
	var executors []string
	for _, e := range cfg.Executors {
		executors = append(executors, e.Type)
	}
	if len(executors) == 0 {
		executors = []string{"none (candidates run in the sandbox only)"}
	}
	return executors
}
