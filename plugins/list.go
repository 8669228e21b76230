package plugins

import (
	"context"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/asi-evolve/asi/sdk"
)

// Info is what `asi plugins` shows of one binary.
type Info struct {
	Listed
	Version     string   // the plugin's own version
	Protocol    int      // the protocol version it was accepted with; 0 when refused
	APIVersions []string // what it reports
	// Rejected says why asi would not use it; "" when it would.
	Rejected string
}

// inspectTimeout bounds how long one binary may take to describe itself.
const inspectTimeout = 30 * time.Second

// Inspect starts the binary l, asks what it is and stops it. A binary
// hidden by another of the same name is not started.
func Inspect(ctx context.Context, l Listed, logger hclog.Logger) Info {
	info := Info{Listed: l}
	if l.Shadowed != "" {
		info.Rejected = "shadowed by " + l.Shadowed
		return info
	}
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	ctx, cancel := context.WithTimeout(ctx, inspectTimeout)
	defer cancel()
	client, raw, err := dial(l.Found, "", logger, nil)
	if err != nil {
		info.Rejected = err.Error()
		return info
	}
	defer client.Kill()
	info.Protocol = client.NegotiatedVersion()
	switch p := raw.(type) {
	case *sdk.TaskClient:
		d, err := p.Describe(ctx)
		if err != nil {
			info.Rejected = err.Error()
			return info
		}
		info.Version, info.APIVersions = d.Version, d.APIVersions
		if d.Name != l.Name {
			info.Rejected = "it describes itself as task " + d.Name + ", not " + l.Name
			return info
		}
	case sdk.Executor:
		c, err := p.Capabilities(ctx)
		if err != nil {
			info.Rejected = err.Error()
			return info
		}
		info.Version, info.APIVersions = c.Version, c.APIVersions
	}
	if err := checkAPIVersions(l.Name, info.APIVersions); err != nil {
		info.Rejected = err.Error()
	}
	return info
}
