// Package sdk is what a third party imports to write an asi task or
// executor plugin. It is its own Go module with few dependencies, so a
// plugin author does not pull in all of asi, and it imports nothing of the
// asi core.
//
// The plugin protocol (go-plugin over gRPC) and its harness land here; until
// then tasks are built into asi (see tasks/).
package sdk
