package campaign

import (
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Built-in executor types; any other type names an executor plugin
// (asi-executor-<type>) and its block is left for the plugin to read.
const (
	ExecutorLocal = "local"
	ExecutorGPU   = "gpu"
	ExecutorSlurm = "slurm"
)

// ExecutorSettings are a built-in executor's block, decoded. Zero values
// mean the executor's own default (docs/executors.md).
type ExecutorSettings struct {
	// local and gpu
	Slots       int
	WorkDir     string // relative to the campaign file's directory
	Memory      uint64 // bytes, per job
	Timeout     time.Duration
	Grace       time.Duration
	OutputLimit uint64
	Network     bool
	Devices     []int // gpu: the GPU indices jobs may use
	// Isolation is the least isolation a job must get ("jail", "user",
	// "rlimits"); "": the best the machine gives. All built-in types.
	Isolation string
	// ReadOnly are host paths a jailed job also sees, read-only (relative
	// to the campaign file's directory); TmpSize caps its private /tmp and
	// /dev/shm, each; Processes caps its processes (RLIMIT_NPROC). All
	// built-in types; Network is slurm's too.
	ReadOnly  []string
	TmpSize   uint64
	Processes int
	// slurm
	SharedDir               string
	Partition, Account, QOS string
	CPUs                    int
	GRES                    string
	Args                    []string
	Poll                    time.Duration
	SlurmConf               string // SLURM_CONF for the client commands
}

var executorSchemas = map[string]*hcl.BodySchema{
	ExecutorLocal: {Attributes: localAttrs},
	ExecutorGPU:   {Attributes: append(append([]hcl.AttributeSchema(nil), localAttrs...), hcl.AttributeSchema{Name: "devices"})},
	ExecutorSlurm: {Attributes: []hcl.AttributeSchema{
		{Name: "shared_dir"}, {Name: "partition"}, {Name: "account"}, {Name: "qos"},
		{Name: "cpus"}, {Name: "memory"}, {Name: "timeout"}, {Name: "gres"}, {Name: "sbatch_args"},
		{Name: "poll"}, {Name: "slurm_conf"}, {Name: "isolation"},
		{Name: "network"}, {Name: "read_only"}, {Name: "tmp_size"}, {Name: "processes"},
	}},
}

var localAttrs = []hcl.AttributeSchema{
	{Name: "slots"}, {Name: "work_dir"}, {Name: "memory"}, {Name: "timeout"}, {Name: "grace"},
	{Name: "output_limit"}, {Name: "network"}, {Name: "isolation"},
	{Name: "read_only"}, {Name: "tmp_size"}, {Name: "processes"},
}

// isolationLevels are the values of an executor's isolation attribute,
// most isolated first (docs/executors.md).
var isolationLevels = []string{"jail", "user", "rlimits"}

// decodeExecutor reads a built-in executor's block into ex.Settings.
func (d *decoder) decodeExecutor(ex *Executor) {
	schema, ok := executorSchemas[ex.Type]
	if !ok {
		return
	}
	content, diags := ex.Body.Content(schema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes
	s := &ExecutorSettings{}
	d.count(attrs, "slots", 1, &s.Slots)
	d.count(attrs, "cpus", 1, &s.CPUs)
	d.count(attrs, "processes", 1, &s.Processes)
	if v, ok := d.byteSize(attrs, "tmp_size", 1<<20, 1<<40); ok {
		s.TmpSize = v
	}
	if v, _, ok := d.strings(attrs, "read_only"); ok {
		s.ReadOnly = v
	}
	if v, _, ok := d.string(attrs, "work_dir"); ok {
		s.WorkDir = v
	}
	if v, ok := d.byteSize(attrs, "memory", 1<<20, 1<<50); ok {
		s.Memory = v
	}
	if v, ok := d.byteSize(attrs, "output_limit", 1, 1<<31-1); ok {
		s.OutputLimit = v
	}
	for name, dst := range map[string]*time.Duration{"timeout": &s.Timeout, "grace": &s.Grace, "poll": &s.Poll} {
		if v, ok := d.duration(attrs, name); ok {
			*dst = v
		}
	}
	if v, _, ok := d.value(attrs, "network", cty.Bool); ok {
		s.Network = v.True()
	}
	if v, attr, ok := d.value(attrs, "devices", cty.List(cty.Number)); ok {
		for _, e := range v.AsValueSlice() {
			bf := e.AsBigFloat()
			n, _ := bf.Int64()
			if !bf.IsInt() || n < 0 {
				d.errorf(attr.Expr.Range(), "Invalid GPU index", "\"devices\" lists GPU indices such as [0, 1].")
				break
			}
			s.Devices = append(s.Devices, int(n))
		}
	}
	for name, dst := range map[string]*string{"shared_dir": &s.SharedDir, "partition": &s.Partition,
		"account": &s.Account, "qos": &s.QOS, "gres": &s.GRES, "slurm_conf": &s.SlurmConf} {
		if v, _, ok := d.string(attrs, name); ok {
			*dst = v
		}
	}
	if v, attr, ok := d.string(attrs, "isolation"); ok {
		if !slices.Contains(isolationLevels, v) {
			d.errorf(attr.Expr.Range(), "Invalid isolation level",
				"%q is not an isolation level; want one of %s (most isolated first).", v, strings.Join(isolationLevels, ", "))
		}
		s.Isolation = v
	}
	if v, _, ok := d.strings(attrs, "sbatch_args"); ok {
		s.Args = v
	}
	ex.Settings = s
}
