package executor

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/sdk"

	"github.com/asi-evolve/asi/internal/testenv"
)

// fakeDevices is a fixed device list; free memory can change under a test.
type fakeDevices struct {
	mu   sync.Mutex
	gpus []GPUDevice
	err  error
}

func (f *fakeDevices) GPUs() ([]GPUDevice, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]GPUDevice(nil), f.gpus...), f.err
}

const gib = 1 << 30

func twoGPUs() *fakeDevices {
	return &fakeDevices{gpus: []GPUDevice{
		{Index: 0, Name: "A100", Memory: 40 * gib, FreeMemory: 10 * gib, Utilization: 90},
		{Index: 1, Name: "A100", Memory: 40 * gib, FreeMemory: 39 * gib, Utilization: 0},
	}}
}

func TestPick(t *testing.T) {
	gpus := []GPUDevice{
		{Index: 0, FreeMemory: 10 * gib, Utilization: 90},
		{Index: 1, FreeMemory: 39 * gib, Utilization: 0},
		{Index: 2, FreeMemory: 30 * gib, Utilization: 0},
		{Index: 3, FreeMemory: 24 * gib, Utilization: 50},
	}
	tests := []struct {
		name   string
		held   map[int]bool
		n      int
		memory uint64
		want   []int
	}{
		{name: "least busy first", n: 1, memory: 20 * gib, want: []int{1}},
		{name: "two with enough memory", n: 2, memory: 20 * gib, want: []int{1, 2}},
		{name: "held devices skipped", held: map[int]bool{1: true}, n: 1, memory: 20 * gib, want: []int{2}},
		{name: "not enough free memory", n: 1, memory: 40 * gib, want: nil},
		{name: "not enough devices free", held: map[int]bool{1: true, 2: true}, n: 2, memory: 20 * gib, want: nil},
		{name: "any memory", n: 4, want: []int{0, 1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held := tt.held
			if held == nil {
				held = map[int]bool{}
			}
			if d := cmp.Diff(tt.want, pick(gpus, held, tt.n, tt.memory)); d != "" {
				t.Errorf("pick (-want +got):\n%s", d)
			}
		})
	}
}

func newTestGPU(t *testing.T, devs Devices) *GPU {
	t.Helper()
	g, err := NewGPU(GPUConfig{LocalConfig: LocalConfig{Dir: workDir(t), Slots: 4, Grace: 300 * time.Millisecond}, Poll: 50 * time.Millisecond}, devs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g
}

func TestGPUPlacement(t *testing.T) {
	g := newTestGPU(t, twoGPUs())
	tests := []struct {
		name string
		res  sdk.Resources
		want string
	}{
		{name: "cpu job sees no GPU", res: sdk.Resources{}, want: "[]"},
		{name: "20GiB fits only device 1", res: sdk.Resources{GPUs: 1, GPUMemory: 20 * gib}, want: "[1]"},
		{name: "two GPUs", res: sdk.Resources{GPUs: 2, GPUMemory: gib}, want: "[0,1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, log := runJob(t, g, sdk.Job{Command: sh(`echo "[$CUDA_VISIBLE_DEVICES]"`), Resources: tt.res})
			if res.State != sdk.JobSucceeded || strings.TrimSpace(log) != tt.want {
				t.Errorf("state %s, CUDA_VISIBLE_DEVICES %q, want %q", res.State, strings.TrimSpace(log), tt.want)
			}
		})
	}
}

func TestGPUJobsQueueForAFreeDevice(t *testing.T) {
	g := newTestGPU(t, twoGPUs())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	job := sdk.Job{Command: sh(`echo $CUDA_VISIBLE_DEVICES; sleep 0.5`), Resources: sdk.Resources{GPUs: 1, GPUMemory: 20 * gib}}
	first, err := g.Submit(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	second, err := g.Submit(ctx, job)
	if err != nil {
		t.Fatal(err)
	}
	r1, _ := g.Wait(ctx, first)
	r2, _ := g.Wait(ctx, second)
	if r1.State != sdk.JobSucceeded || r2.State != sdk.JobSucceeded {
		t.Fatalf("states %s, %s", r1.State, r2.State)
	}
	// Only device 1 fits: the second job ran after the first, not beside it.
	if r2.Wall > time.Second || r1.Wall < 400*time.Millisecond {
		t.Errorf("walls %s, %s", r1.Wall, r2.Wall)
	}
	for _, id := range []string{first, second} {
		log, _, _ := g.Logs(ctx, id, 0)
		if strings.TrimSpace(string(log)) != "1" {
			t.Errorf("job %s ran on %q, want device 1", id, log)
		}
	}
}

func TestGPURefusals(t *testing.T) {
	tests := []struct {
		name string
		devs Devices
		res  sdk.Resources
		want error
	}{
		{name: "no driver", devs: noDevices{reason: "libnvidia-ml.so.1 not found"}, res: sdk.Resources{GPUs: 1}, want: ErrNoDriver},
		{name: "more GPUs than exist", devs: twoGPUs(), res: sdk.Resources{GPUs: 3}, want: ErrUnsatisfiable},
		{name: "more memory than any device", devs: twoGPUs(), res: sdk.Resources{GPUs: 1, GPUMemory: 80 * gib}, want: ErrUnsatisfiable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGPU(t, tt.devs)
			_, err := g.Submit(context.Background(), sdk.Job{Command: sh("true"), Resources: tt.res})
			if !errors.Is(err, tt.want) {
				t.Errorf("submit: %v, want %v", err, tt.want)
			}
		})
	}
}

func TestGPUWithoutDriver(t *testing.T) {
	devs, shutdown := NVML()
	defer shutdown()
	if _, err := devs.GPUs(); err == nil {
		testenv.Optional(t, "this machine has an NVIDIA driver; scripts/gpu-check.sh covers it")
	}
	g := newTestGPU(t, devs)
	caps, err := g.Capabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(caps.Name, "no NVIDIA driver") {
		t.Errorf("capabilities name %q does not say there is no driver", caps.Name)
	}
	for _, d := range caps.Devices {
		if d.Kind == "gpu" {
			t.Errorf("a GPU reported without a driver: %+v", d)
		}
	}
	_, err = g.Submit(context.Background(), sdk.Job{Command: sh("true"), Resources: sdk.Resources{GPUs: 1}})
	if !errors.Is(err, ErrNoDriver) || !strings.Contains(err.Error(), "no NVIDIA driver") {
		t.Errorf("GPU job: %v, want refused with %v", err, ErrNoDriver)
	}
	// CPU jobs still run.
	if res, _ := runJob(t, g, sdk.Job{Command: sh("true")}); res.State != sdk.JobSucceeded {
		t.Errorf("cpu job on the gpu executor: %s (%s)", res.State, res.Detail)
	}
}
