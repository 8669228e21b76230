// Package plugins is the host side of the plugin protocol: it finds plugin
// binaries, starts them over go-plugin (fixed magic cookie, versioned
// handshake, AutoMTLS), lends them the host services, and restarts a
// plugin that dies. It only translates: a *Task satisfies core/task's
// Interface, so the engine never sees go-plugin, gRPC or protobuf.
//
// Rules:
//   - Discovery order is fixed (see Finder): a path in the campaign's
//     plugin block, then $ASI_PLUGIN_DIR, ./.asi/plugins, $HOME/.asi/plugins
//     and the directory of the running asi binary. Binaries are named
//     asi-task-<name> (and asi-executor-<name>).
//   - A plugin block's sha256 is checked before the binary runs; a mismatch
//     refuses the plugin.
//   - The host enforces limits: Sandbox runs use the smaller of what the
//     plugin asks and the campaign's limits, never more.
//   - A plugin that dies mid-call costs that call (an error naming the
//     crash, with the panic value and the last lines of the process's
//     stderr, which the engine records as one node that could not be
//     evaluated); the next call starts a fresh process and configures it
//     again.
//   - A plugin's stderr goes to the host's logger, never to the terminal.
package plugins
