package sdk

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/asi-evolve/asi/sdk/protocol/executorv1"
	"github.com/asi-evolve/asi/sdk/protocol/taskv1"
)

// TaskPlugin is the go-plugin side of a task: the plugin serves Impl, the
// host dispenses a *TaskClient. Hosts and tests use it; a plugin author
// calls Serve instead.
type TaskPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Task // set on the plugin side only
}

// GRPCServer implements plugin.GRPCPlugin.
func (p *TaskPlugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	taskv1.RegisterTaskServer(s, &taskServer{impl: p.Impl, broker: broker})
	return nil
}

// GRPCClient implements plugin.GRPCPlugin.
func (p *TaskPlugin) GRPCClient(_ context.Context, broker *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return &TaskClient{client: taskv1.NewTaskClient(conn), broker: broker}, nil
}

// taskServer runs in the plugin process and calls the implementation.
type taskServer struct {
	taskv1.UnimplementedTaskServer
	impl   Task
	broker *plugin.GRPCBroker

	mu       sync.Mutex
	hostConn *grpc.ClientConn // the host services, once Configure dialled them
}

func (s *taskServer) Describe(ctx context.Context, _ *taskv1.DescribeRequest) (*taskv1.DescribeResponse, error) {
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	out, err := describeToWire(d)
	return out, toStatus(err)
}

func (s *taskServer) Configure(ctx context.Context, req *taskv1.ConfigureRequest) (*taskv1.ConfigureResponse, error) {
	host, err := s.dialHost(req.GetHostServices())
	if err != nil {
		return nil, toStatus(err)
	}
	err = s.impl.Configure(ctx, ConfigureRequest{
		Settings: req.GetSettings().AsMap(),
		Limits:   limitsFromWire(req.GetLimits()),
		Host:     host,
	})
	resp := &taskv1.ConfigureResponse{}
	if err == nil {
		return resp, nil
	}
	for _, ce := range configErrorsFromError(err) {
		resp.Diagnostics = append(resp.Diagnostics, &taskv1.Diagnostic{Path: ce.Path, Summary: ce.Summary, Detail: ce.Detail})
	}
	return resp, nil
}

// dialHost connects to the host services the host serves on the broker.
// Without an id (a host that lends nothing) every call reports
// ErrNotConfigured.
func (s *taskServer) dialHost(id uint32) (Host, error) {
	if id == 0 {
		return Host{Sandbox: sandboxClient{}, Executor: executorClient{}}, nil
	}
	conn, err := s.broker.Dial(id)
	if err != nil {
		return Host{}, fmt.Errorf("dial host services: %w", err)
	}
	s.mu.Lock()
	if s.hostConn != nil {
		_ = s.hostConn.Close()
	}
	s.hostConn = conn
	s.mu.Unlock()
	return Host{
		Sandbox:  sandboxClient{client: taskv1.NewSandboxClient(conn)},
		Executor: executorClient{client: executorv1.NewExecutorClient(conn)},
	}, nil
}

func (s *taskServer) Evaluate(ctx context.Context, req *taskv1.EvaluateRequest) (*taskv1.EvaluateResponse, error) {
	c := req.GetCandidate()
	res, err := s.impl.Evaluate(ctx, Candidate{NodeID: c.GetNodeId(), Language: c.GetLanguage(), Code: c.GetCode()},
		int(req.GetStage()), req.GetSeed())
	if err != nil {
		return nil, toStatus(err)
	}
	// A protobuf string must be UTF-8, and feedback often quotes what a
	// candidate printed: invalid bytes would fail the whole reply.
	feedback := strings.ToValidUTF8(res.Feedback, "\uFFFD")
	return &taskv1.EvaluateResponse{Metrics: res.Metrics, Valid: res.Valid, Feedback: feedback, Artifacts: res.Artifacts}, nil
}

// TaskClient calls a task plugin over gRPC. It implements Task, so the host
// and tests use a plugin as if it were in process. It is safe for
// concurrent use.
type TaskClient struct {
	client taskv1.TaskClient
	broker *plugin.GRPCBroker
}

// Describe implements Task.
func (c *TaskClient) Describe(ctx context.Context) (Description, error) {
	resp, err := c.client.Describe(ctx, &taskv1.DescribeRequest{})
	if err != nil {
		return Description{}, fromStatus("describe", err)
	}
	return describeFromWire(resp), nil
}

// Configure implements Task. It serves req.Host to the plugin over the
// broker; a nil service in req.Host answers ErrNotConfigured. Problems the
// plugin found with the settings come back as ConfigErrors.
func (c *TaskClient) Configure(ctx context.Context, req ConfigureRequest) error {
	settings, err := structpb.NewStruct(req.Settings)
	if err != nil {
		return fmt.Errorf("configure: settings: %w", err)
	}
	id := c.broker.NextId()
	go c.broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
		s := grpc.NewServer(opts...)
		taskv1.RegisterSandboxServer(s, &sandboxServer{impl: req.Host.Sandbox})
		executorv1.RegisterExecutorServer(s, &executorServer{impl: req.Host.Executor})
		return s
	})
	resp, err := c.client.Configure(ctx, &taskv1.ConfigureRequest{
		Settings: settings, HostServices: id, Limits: limitsToWire(req.Limits),
	})
	if err != nil {
		return fromStatus("configure", err)
	}
	if len(resp.GetDiagnostics()) == 0 {
		return nil
	}
	errs := make(ConfigErrors, 0, len(resp.GetDiagnostics()))
	for _, d := range resp.GetDiagnostics() {
		errs = append(errs, &ConfigError{Path: d.GetPath(), Summary: d.GetSummary(), Detail: d.GetDetail()})
	}
	return errs
}

// Evaluate implements Task.
func (c *TaskClient) Evaluate(ctx context.Context, cand Candidate, stage int, seed int64) (Result, error) {
	resp, err := c.client.Evaluate(ctx, &taskv1.EvaluateRequest{
		Candidate: &taskv1.Candidate{NodeId: cand.NodeID, Language: cand.Language, Code: cand.Code},
		Stage:     int32(stage),
		Seed:      seed,
	})
	if err != nil {
		return Result{}, fromStatus(fmt.Sprintf("evaluate node %d", cand.NodeID), err)
	}
	return Result{Metrics: resp.GetMetrics(), Valid: resp.GetValid(), Feedback: resp.GetFeedback(), Artifacts: resp.GetArtifacts()}, nil
}

var (
	_ Task              = (*TaskClient)(nil)
	_ plugin.GRPCPlugin = (*TaskPlugin)(nil)
)
