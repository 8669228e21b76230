// Command protocol2 is a test task plugin built for a future plugin
// protocol version 2: asi must refuse it at the handshake, naming both
// versions.
package main

import (
	"context"

	"github.com/hashicorp/go-plugin"

	"github.com/asi-evolve/asi/sdk"
)

func main() {
	hs := sdk.Handshake()
	hs.ProtocolVersion = 2
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: hs,
		Plugins:         plugin.PluginSet{sdk.TaskPluginName: &sdk.TaskPlugin{Impl: task{}}},
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}

type task struct{}

func (task) Describe(context.Context) (sdk.Description, error) {
	return sdk.Description{Name: "protocol2"}, nil
}
func (task) Configure(context.Context, sdk.ConfigureRequest) error { return nil }
func (task) Evaluate(context.Context, sdk.Candidate, int, int64) (sdk.Result, error) {
	return sdk.Result{}, nil
}
