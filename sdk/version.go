package sdk

import "github.com/hashicorp/go-plugin"

// ProtocolVersion is the major version of the plugin protocol, the same
// number as in the proto packages (asi.task.v1). A plugin and a host with
// different protocol versions refuse each other at the handshake.
const ProtocolVersion = 1

// APIVersion is the version of protocol v1 this SDK speaks. Additions that
// old hosts can ignore raise the minor number; the host accepts a plugin
// that shares its major number.
const APIVersion = "1.0"

// The magic cookie tells a plugin binary that asi started it. It never
// changes: it is not a secret, only a guard against running a plugin by hand.
const (
	MagicCookieKey   = "ASI_PLUGIN_MAGIC_COOKIE"
	MagicCookieValue = "6f3b1c2e-asi-plugin-9d84a7e5"
)

// Names under which plugins are dispensed.
const (
	TaskPluginName     = "task"
	ExecutorPluginName = "executor"
)

// Handshake returns the go-plugin handshake for ProtocolVersion.
func Handshake() plugin.HandshakeConfig {
	return plugin.HandshakeConfig{
		ProtocolVersion:  ProtocolVersion,
		MagicCookieKey:   MagicCookieKey,
		MagicCookieValue: MagicCookieValue,
	}
}

// Default markers around the regions of a program the researcher may edit.
const (
	EvolveStart = "EVOLVE-BLOCK-START"
	EvolveEnd   = "EVOLVE-BLOCK-END"
)
