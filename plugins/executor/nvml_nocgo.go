//go:build !cgo

package executor

import "os/exec"

// GPUDiscovery names how this build finds GPUs.
const GPUDiscovery = "nvidia-smi (this asi was built without cgo, so without NVML)"

// NVML returns the GPUs as nvidia-smi reports them: this build has no cgo,
// so no NVML. Without nvidia-smi every GPU job is refused.
func NVML() (Devices, func()) {
	path, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return noDevices{reason: "this asi was built without cgo (so without NVML) and nvidia-smi is not on PATH"}, func() {}
	}
	return NvidiaSMI(path), func() {}
}
