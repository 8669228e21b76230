package executor

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

// Router is the host's Executor service: it sends each job to the executor
// the job names (Job.Executor), or to the first declared when it names
// none. Job ids carry the executor's name ("slurm:1234") so Wait, Logs and
// Cancel find their way back.
type Router struct {
	names []string // declaration order; names[0] is the default
	execs map[string]sdk.Executor
}

// NewRouter returns a router over execs; the first name is the default.
func NewRouter() *Router {
	return &Router{execs: map[string]sdk.Executor{}}
}

// Add registers an executor under name.
func (r *Router) Add(name string, e sdk.Executor) {
	if _, ok := r.execs[name]; !ok {
		r.names = append(r.names, name)
	}
	r.execs[name] = e
}

// Names are the executors, default first.
func (r *Router) Names() []string { return append([]string(nil), r.names...) }

func (r *Router) pick(name string) (string, sdk.Executor, error) {
	if len(r.names) == 0 {
		return "", nil, sdk.ErrNoExecutor
	}
	if name == "" {
		name = r.names[0]
	}
	e, ok := r.execs[name]
	if !ok {
		known := append([]string(nil), r.names...)
		sort.Strings(known)
		return "", nil, fmt.Errorf("%w %q: the campaign declares %s", ErrUnknownExecutor, name, strings.Join(known, ", "))
	}
	return name, e, nil
}

func (r *Router) route(id string) (sdk.Executor, string, error) {
	name, inner, ok := strings.Cut(id, ":")
	if !ok {
		return nil, "", fmt.Errorf("%w %q", ErrUnknownJob, id)
	}
	e, ok := r.execs[name]
	if !ok {
		return nil, "", fmt.Errorf("%w %q", ErrUnknownJob, id)
	}
	return e, inner, nil
}

// Capabilities implements sdk.Executor: the default executor's.
func (r *Router) Capabilities(ctx context.Context) (sdk.Capabilities, error) {
	_, e, err := r.pick("")
	if err != nil {
		return sdk.Capabilities{}, err
	}
	return e.Capabilities(ctx)
}

// Submit implements sdk.Executor.
func (r *Router) Submit(ctx context.Context, job sdk.Job) (string, error) {
	name, e, err := r.pick(job.Executor)
	if err != nil {
		return "", err
	}
	id, err := e.Submit(ctx, job)
	if err != nil {
		return "", err
	}
	return name + ":" + id, nil
}

// Wait implements sdk.Executor.
func (r *Router) Wait(ctx context.Context, id string) (sdk.JobResult, error) {
	e, inner, err := r.route(id)
	if err != nil {
		return sdk.JobResult{}, err
	}
	return e.Wait(ctx, inner)
}

// Logs implements sdk.Executor.
func (r *Router) Logs(ctx context.Context, id string, offset int64) ([]byte, bool, error) {
	e, inner, err := r.route(id)
	if err != nil {
		return nil, false, err
	}
	return e.Logs(ctx, inner, offset)
}

// Cancel implements sdk.Executor.
func (r *Router) Cancel(ctx context.Context, id string) error {
	e, inner, err := r.route(id)
	if err != nil {
		return err
	}
	return e.Cancel(ctx, inner)
}

// Close closes every executor that can be closed (local jobs are
// cancelled; Slurm jobs keep running on the cluster).
func (r *Router) Close() error {
	var errs []error
	for _, n := range r.names {
		if c, ok := r.execs[n].(interface{ Close() error }); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}

var _ sdk.Executor = (*Router)(nil)
