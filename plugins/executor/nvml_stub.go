//go:build !nvml || !cgo

package executor

// NVML returns the driver's device list. This build has no nvml (it needs
// cgo and the nvml build tag), so every GPU job is refused.
func NVML() (Devices, func()) {
	return noDevices{reason: "this asi was built without NVML support (build with CGO_ENABLED=1 -tags nvml)"}, func() {}
}
