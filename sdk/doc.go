// Package sdk is what a third party imports to write an asi task or
// executor plugin. It is its own Go module with few dependencies (go-plugin,
// grpc, protobuf) and imports nothing of the asi core, so a plugin author
// does not pull in all of asi.
//
// A task plugin is a main package of two functions:
//
//	func main() { sdk.Serve(newTask) }
//	func newTask() sdk.Task { return &myTask{} }
//
// asi starts the binary, checks the handshake (a fixed magic cookie and
// ProtocolVersion) over go-plugin with mutual TLS, and calls the Task
// methods over gRPC: Describe, then Configure with the campaign's task
// block, then Evaluate from several workers at once.
//
// Rules:
//   - A task never runs a candidate itself. It runs untrusted code only
//     through the Host handed to Configure: Host.Sandbox (wazero, with the
//     campaign's limits) or Host.Executor. The host enforces the limits
//     whatever a request asks for.
//   - A task recomputes every metric from what the candidate produced; a
//     number the candidate prints about itself is never a metric.
//   - A bad candidate is a Result with Valid false and feedback for the
//     researcher (Invalid; FailedRun words a sandbox run that did not end
//     cleanly, Tail bounds a log); Evaluate returns an error only when the
//     task itself cannot evaluate.
//   - stdout belongs to the go-plugin handshake: log to stderr (asi copies
//     a plugin's stderr into its own log).
//   - The wire format lives in protocol/ (generated from proto/, never
//     edited); this package only translates between it and plain Go types.
//     sdk/tasktest runs a Task through the same translation in a test.
package sdk
