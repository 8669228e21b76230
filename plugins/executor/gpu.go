package executor

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/asi-evolve/asi/sdk"
)

// GPUDevice is one NVIDIA GPU as discovery sees it.
type GPUDevice struct {
	Index       int
	UUID        string
	Name        string
	Memory      uint64 // bytes in all
	FreeMemory  uint64 // bytes free now
	Utilization int    // percent busy now
}

// Devices lists the GPUs of this machine. The nvml build asks the driver;
// tests give a fixed list.
type Devices interface {
	GPUs() ([]GPUDevice, error)
}

// GPUConfig is the local executor's configuration plus device placement.
type GPUConfig struct {
	LocalConfig
	// Devices restricts jobs to these GPU indices; empty: all.
	Devices []int
	// Poll is how often a queued job looks again for a free device
	// (default 2s): other programs free memory without telling asi.
	Poll time.Duration
}

// GPU is the local executor plus GPUs: a job asking for n GPUs with a
// given free memory each waits for such devices that no other asi job
// holds, and sees only them through CUDA_VISIBLE_DEVICES.
type GPU struct {
	*Local
	alloc *gpuAllocator
}

// NewGPU returns a GPU executor discovering devices with devs (NVML in
// builds with cgo, nvidia-smi otherwise: see NVML). Without a driver it still runs
// CPU-only jobs and refuses GPU jobs with ErrNoDriver.
func NewGPU(cfg GPUConfig, devs Devices) (*GPU, error) {
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	a := &gpuAllocator{devs: devs, allowed: cfg.Devices, poll: cfg.Poll, held: map[int]bool{}, freed: make(chan struct{})}
	// GPU jobs need a large address space (CUDA maps far more than it
	// uses): the memory cap applies through Resources only, never RLIMIT_AS
	// by default.
	l, err := newLocal("gpu", cfg.LocalConfig, a)
	if err != nil {
		return nil, err
	}
	return &GPU{Local: l, alloc: a}, nil
}

// Capabilities implements sdk.Executor: the GPUs found, or none and a name
// saying why.
func (g *GPU) Capabilities(ctx context.Context) (sdk.Capabilities, error) {
	c, _ := g.Local.Capabilities(ctx)
	gpus, err := g.alloc.devices()
	if err != nil {
		c.Name = fmt.Sprintf("gpu (%v)", err)
		return c, nil
	}
	for _, d := range gpus {
		c.Devices = append(c.Devices, sdk.Device{Kind: "gpu", Name: fmt.Sprintf("%d: %s", d.Index, d.Name), Memory: d.Memory})
	}
	return c, nil
}

// Submit implements sdk.Executor, refusing at once a GPU job that no device
// here could ever run.
func (g *GPU) Submit(ctx context.Context, job sdk.Job) (string, error) {
	if job.Resources.GPUs > 0 {
		if err := g.alloc.possible(job.Resources); err != nil {
			return "", fmt.Errorf("gpu executor: %w", err)
		}
	}
	return g.Local.Submit(ctx, job)
}

// gpuAllocator places jobs on devices; it is the Local executor's Placer.
type gpuAllocator struct {
	devs    Devices
	allowed []int
	poll    time.Duration

	mu    sync.Mutex
	held  map[int]bool
	freed chan struct{} // closed and replaced when a device is released
}

func (a *gpuAllocator) devices() ([]GPUDevice, error) {
	gpus, err := a.devs.GPUs()
	if err != nil {
		return nil, err
	}
	if len(a.allowed) == 0 {
		return gpus, nil
	}
	var out []GPUDevice
	for _, d := range gpus {
		for _, i := range a.allowed {
			if d.Index == i {
				out = append(out, d)
			}
		}
	}
	return out, nil
}

// possible says whether the job fits this machine at all.
func (a *gpuAllocator) possible(r sdk.Resources) error {
	gpus, err := a.devices()
	if err != nil {
		return err
	}
	fit := 0
	for _, d := range gpus {
		if d.Memory >= r.GPUMemory {
			fit++
		}
	}
	if fit < r.GPUs {
		return fmt.Errorf("%w: %d GPUs with %d bytes each asked, %d of %d devices have that much memory",
			ErrUnsatisfiable, r.GPUs, r.GPUMemory, fit, len(gpus))
	}
	return nil
}

// pick chooses n free devices with enough free memory, least used first;
// nil when none fit now.
func pick(gpus []GPUDevice, held map[int]bool, n int, memory uint64) []int {
	var free []GPUDevice
	for _, d := range gpus {
		if !held[d.Index] && d.FreeMemory >= memory {
			free = append(free, d)
		}
	}
	if len(free) < n {
		return nil
	}
	sort.SliceStable(free, func(i, j int) bool {
		if free[i].Utilization != free[j].Utilization {
			return free[i].Utilization < free[j].Utilization
		}
		return free[i].FreeMemory > free[j].FreeMemory
	})
	out := make([]int, n)
	for i := range out {
		out[i] = free[i].Index
	}
	sort.Ints(out)
	return out
}

// Place implements Placer: it blocks until devices are free.
func (a *gpuAllocator) Place(ctx context.Context, job sdk.Job) (map[string]string, func(), error) {
	r := job.Resources
	if r.GPUs <= 0 {
		// A CPU job must not see any GPU.
		return map[string]string{"CUDA_VISIBLE_DEVICES": ""}, func() {}, nil
	}
	for {
		gpus, err := a.devices()
		if err != nil {
			return nil, nil, err
		}
		a.mu.Lock()
		chosen := pick(gpus, a.held, r.GPUs, r.GPUMemory)
		for _, i := range chosen {
			a.held[i] = true
		}
		freed := a.freed
		a.mu.Unlock()
		if chosen != nil {
			ids := make([]string, len(chosen))
			for i, c := range chosen {
				ids[i] = strconv.Itoa(c)
			}
			release := func() {
				a.mu.Lock()
				for _, i := range chosen {
					delete(a.held, i)
				}
				close(a.freed)
				a.freed = make(chan struct{})
				a.mu.Unlock()
			}
			// Indices as nvml numbers them: the same order as CUDA's with
			// CUDA_DEVICE_ORDER=PCI_BUS_ID.
			return map[string]string{"CUDA_VISIBLE_DEVICES": strings.Join(ids, ","), "CUDA_DEVICE_ORDER": "PCI_BUS_ID"}, release, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-freed:
		case <-time.After(a.poll):
		}
	}
}

// noDevices is what a build without nvml discovers.
type noDevices struct{ reason string }

func (n noDevices) GPUs() ([]GPUDevice, error) {
	return nil, fmt.Errorf("%w: %s", ErrNoDriver, n.reason)
}

var (
	_ sdk.Executor = (*GPU)(nil)
	_ Placer       = (*gpuAllocator)(nil)
)
