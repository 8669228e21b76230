package sdk

import (
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// Serve serves the task that newTask returns and blocks until the host
// ends the plugin. Call it from main; it never returns normally. Run by
// hand (not by asi), the binary prints a note and exits with status 1.
func Serve(newTask func() Task) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake(),
		Plugins:         plugin.PluginSet{TaskPluginName: &TaskPlugin{Impl: newTask()}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          Logger("plugin"),
	})
}

// ServeExecutor serves the executor that newExecutor returns, like Serve.
func ServeExecutor(newExecutor func() Executor) {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake(),
		Plugins:         plugin.PluginSet{ExecutorPluginName: &ExecutorPlugin{Impl: newExecutor()}},
		GRPCServer:      plugin.DefaultGRPCServer,
		Logger:          Logger("plugin"),
	})
}

// stderr is the process's stderr as it was before Serve: go-plugin then
// points os.Stderr at a pipe it forwards separately.
var stderr = os.Stderr

// Logger returns a logger a plugin should use: JSON lines on the process's
// stderr, which asi reads back and writes into its own log under the
// plugin's name. Text written to os.Stderr after Serve starts reaches the
// same log, as plain lines.
func Logger(name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Output:     stderr,
		Level:      hclog.Info,
		JSONFormat: true,
	})
}

// PluginSet is the set a host passes to go-plugin's ClientConfig.Plugins.
func PluginSet() plugin.PluginSet {
	return plugin.PluginSet{TaskPluginName: &TaskPlugin{}, ExecutorPluginName: &ExecutorPlugin{}}
}
