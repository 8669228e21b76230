package sdk

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/asi-evolve/asi/sdk/protocol/executorv1"
)

// ExecutorPlugin is the go-plugin side of an executor: the plugin serves
// Impl, the host dispenses an Executor.
type ExecutorPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Executor // set on the plugin side only
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *ExecutorPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	executorv1.RegisterExecutorServer(s, &executorServer{impl: p.Impl})
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *ExecutorPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return executorClient{client: executorv1.NewExecutorClient(conn)}, nil
}

// NewExecutorClient returns an Executor that calls the Executor service on
// conn. Hosts use it for executor plugins.
func NewExecutorClient(conn grpc.ClientConnInterface) Executor {
	return executorClient{client: executorv1.NewExecutorClient(conn)}
}

// executorServer serves an Executor: the host's to a task plugin, or an
// executor plugin's to the host.
type executorServer struct {
	executorv1.UnimplementedExecutorServer
	impl Executor // nil: the host has no executor
}

func (s *executorServer) Capabilities(ctx context.Context, _ *executorv1.CapabilitiesRequest) (*executorv1.CapabilitiesResponse, error) {
	if s.impl == nil {
		return nil, toStatus(ErrNoExecutor)
	}
	c, err := s.impl.Capabilities(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	out := &executorv1.CapabilitiesResponse{Name: c.Name, Version: c.Version, ApiVersions: []string{APIVersion}, MemoryBytes: c.Memory}
	for _, d := range c.Devices {
		out.Devices = append(out.Devices, &executorv1.Device{Kind: d.Kind, Name: d.Name, MemoryBytes: d.Memory})
	}
	return out, nil
}

func (s *executorServer) Submit(ctx context.Context, req *executorv1.SubmitRequest) (*executorv1.SubmitResponse, error) {
	if s.impl == nil {
		return nil, toStatus(ErrNoExecutor)
	}
	r := req.GetResources()
	id, err := s.impl.Submit(ctx, Job{
		Command: req.GetCommand(), Files: req.GetFiles(), Env: req.GetEnv(),
		Resources: Resources{CPUs: int(r.GetCpus()), GPUs: int(r.GetGpus()), Memory: r.GetMemoryBytes(),
			Timeout: time.Duration(r.GetTimeoutMs()) * time.Millisecond, GPUMemory: r.GetGpuMemoryBytes()},
		Key: req.GetKey(), Executor: req.GetExecutor(), Outputs: req.GetOutputs(),
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.SubmitResponse{JobId: id}, nil
}

var jobStates = map[JobState]executorv1.State{
	JobSucceeded: executorv1.State_STATE_SUCCEEDED,
	JobFailed:    executorv1.State_STATE_FAILED,
	JobCancelled: executorv1.State_STATE_CANCELLED,
	JobTimedOut:  executorv1.State_STATE_TIMED_OUT,
}

func (s *executorServer) Wait(ctx context.Context, req *executorv1.WaitRequest) (*executorv1.WaitResponse, error) {
	if s.impl == nil {
		return nil, toStatus(ErrNoExecutor)
	}
	r, err := s.impl.Wait(ctx, req.GetJobId())
	if err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.WaitResponse{State: jobStates[r.State], ExitCode: int32(r.ExitCode), Detail: r.Detail,
		Outputs: r.Outputs, WallMs: r.Wall.Milliseconds()}, nil
}

func (s *executorServer) Logs(ctx context.Context, req *executorv1.LogsRequest) (*executorv1.LogsResponse, error) {
	if s.impl == nil {
		return nil, toStatus(ErrNoExecutor)
	}
	data, done, err := s.impl.Logs(ctx, req.GetJobId(), req.GetOffset())
	if err != nil {
		return nil, toStatus(err)
	}
	return &executorv1.LogsResponse{Data: data, Done: done}, nil
}

func (s *executorServer) Cancel(ctx context.Context, req *executorv1.CancelRequest) (*executorv1.CancelResponse, error) {
	if s.impl == nil {
		return nil, toStatus(ErrNoExecutor)
	}
	return &executorv1.CancelResponse{}, toStatus(s.impl.Cancel(ctx, req.GetJobId()))
}

// executorClient calls an Executor service.
type executorClient struct {
	client executorv1.ExecutorClient // nil before Configure
}

func (c executorClient) Capabilities(ctx context.Context) (Capabilities, error) {
	if c.client == nil {
		return Capabilities{}, ErrNotConfigured
	}
	resp, err := c.client.Capabilities(ctx, &executorv1.CapabilitiesRequest{})
	if err != nil {
		return Capabilities{}, fromStatus("executor capabilities", err)
	}
	out := Capabilities{Name: resp.GetName(), Version: resp.GetVersion(), APIVersions: resp.GetApiVersions(), Memory: resp.GetMemoryBytes()}
	for _, d := range resp.GetDevices() {
		out.Devices = append(out.Devices, Device{Kind: d.GetKind(), Name: d.GetName(), Memory: d.GetMemoryBytes()})
	}
	return out, nil
}

func (c executorClient) Submit(ctx context.Context, job Job) (string, error) {
	if c.client == nil {
		return "", ErrNotConfigured
	}
	r := job.Resources
	resp, err := c.client.Submit(ctx, &executorv1.SubmitRequest{
		Command: job.Command, Files: job.Files, Env: job.Env,
		Resources: &executorv1.Resources{Cpus: int32(r.CPUs), Gpus: int32(r.GPUs), MemoryBytes: r.Memory,
			TimeoutMs: r.Timeout.Milliseconds(), GpuMemoryBytes: r.GPUMemory},
		Key: job.Key, Executor: job.Executor, Outputs: job.Outputs,
	})
	if err != nil {
		return "", fromStatus("executor submit", err)
	}
	return resp.GetJobId(), nil
}

func (c executorClient) Wait(ctx context.Context, jobID string) (JobResult, error) {
	if c.client == nil {
		return JobResult{}, ErrNotConfigured
	}
	resp, err := c.client.Wait(ctx, &executorv1.WaitRequest{JobId: jobID})
	if err != nil {
		return JobResult{}, fromStatus(fmt.Sprintf("executor wait %s", jobID), err)
	}
	out := JobResult{ExitCode: int(resp.GetExitCode()), Detail: resp.GetDetail(), Outputs: resp.GetOutputs(),
		Wall: time.Duration(resp.GetWallMs()) * time.Millisecond}
	for s, w := range jobStates {
		if w == resp.GetState() {
			out.State = s
		}
	}
	return out, nil
}

func (c executorClient) Logs(ctx context.Context, jobID string, offset int64) ([]byte, bool, error) {
	if c.client == nil {
		return nil, false, ErrNotConfigured
	}
	resp, err := c.client.Logs(ctx, &executorv1.LogsRequest{JobId: jobID, Offset: offset})
	if err != nil {
		return nil, false, fromStatus(fmt.Sprintf("executor logs %s", jobID), err)
	}
	return resp.GetData(), resp.GetDone(), nil
}

func (c executorClient) Cancel(ctx context.Context, jobID string) error {
	if c.client == nil {
		return ErrNotConfigured
	}
	_, err := c.client.Cancel(ctx, &executorv1.CancelRequest{JobId: jobID})
	return fromStatus(fmt.Sprintf("executor cancel %s", jobID), err)
}

var (
	_ Executor          = executorClient{}
	_ plugin.GRPCPlugin = (*ExecutorPlugin)(nil)
)
