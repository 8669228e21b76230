//go:build cgo

package executor

import (
	"fmt"
	"sync"

	"github.com/NVIDIA/go-nvml/pkg/nvml"
)

// GPUDiscovery names how this build finds GPUs.
const GPUDiscovery = "NVML (compiled in)"

// NVML returns the driver's device list and a shutdown to call when done.
// Init is called once, first: after a failed Init no other nvml function
// may be called (the process would die on an unresolved symbol), so the
// list then reports ErrNoDriver forever.
func NVML() (Devices, func()) {
	if ret := nvml.Init(); ret != nvml.SUCCESS {
		return noDevices{reason: nvml.ErrorString(ret)}, func() {}
	}
	d := &nvmlDevices{}
	return d, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.shut = true
		_ = nvml.Shutdown()
	}
}

type nvmlDevices struct {
	mu   sync.Mutex
	shut bool
}

func (n *nvmlDevices) GPUs() ([]GPUDevice, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.shut {
		return nil, fmt.Errorf("%w: nvml shut down", ErrNoDriver)
	}
	count, ret := nvml.DeviceGetCount()
	if ret != nvml.SUCCESS {
		return nil, fmt.Errorf("nvml: device count: %s", nvml.ErrorString(ret))
	}
	out := make([]GPUDevice, 0, count)
	for i := 0; i < count; i++ {
		dev, ret := nvml.DeviceGetHandleByIndex(i)
		if ret != nvml.SUCCESS {
			return nil, fmt.Errorf("nvml: device %d: %s", i, nvml.ErrorString(ret))
		}
		g := GPUDevice{Index: i}
		g.Name, _ = dev.GetName()
		g.UUID, _ = dev.GetUUID()
		if mem, ret := dev.GetMemoryInfo(); ret == nvml.SUCCESS {
			g.Memory, g.FreeMemory = mem.Total, mem.Free
		}
		if u, ret := dev.GetUtilizationRates(); ret == nvml.SUCCESS {
			g.Utilization = int(u.Gpu)
		}
		out = append(out, g)
	}
	return out, nil
}
