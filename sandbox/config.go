package sandbox

import (
	"maps"
	"slices"
	"time"
)

const (
	pageSize = 64 << 10 // bytes in one WebAssembly page

	defaultMemoryLimit = 64 << 20
	maxMemoryLimit     = 4 << 30 // the 32-bit address space of wasm32
	defaultTimeout     = 10 * time.Second
	defaultOutputLimit = 1 << 20
	programName        = "guest"
)

// Config says what one Run may use. It is immutable: every With method
// returns a changed copy, so one Config can be shared by concurrent runs.
//
// The defaults are closed: no filesystem, no environment variables, no
// network, no arguments but the program name, empty stdin, a memory cap, a
// wall-clock timeout and a cap on captured output. The zero value holds the
// defaults, like NewConfig.
type Config struct {
	// Zero fields mean "the default", so the zero value is usable.
	memoryLimit    uint64
	timeout        time.Duration
	stdin          []byte
	outputLimit    int
	outputLimitSet bool
	args           []string
	mounts         []Mount
	env            map[string]string
	fixedClock     bool
	seed           uint64
}

// NewConfig returns the closed default configuration.
func NewConfig() Config {
	return Config{}
}

// WithMemoryLimit caps the guest's linear memory at bytes, rounded down to
// whole 64KiB pages (at least one page, at most 4GiB). A guest that tries to
// grow past the cap fails with ReasonOutOfMemory. The default is 64MiB: room
// for a scoring program's working set while ten concurrent runs stay well
// inside a small machine's memory.
func (c Config) WithMemoryLimit(bytes uint64) Config {
	bytes = min(bytes, maxMemoryLimit)
	bytes -= bytes % pageSize
	c.memoryLimit = max(bytes, pageSize)
	return c
}

// WithTimeout caps the wall-clock time of a run, from instantiation to exit.
// A guest still running at the deadline is stopped and the run ends with
// ReasonTimeout. The default is 10s, long enough for a scoring run and short
// enough that a looping candidate costs little. A non-positive d restores the
// default: a run always has a deadline.
func (c Config) WithTimeout(d time.Duration) Config {
	if d <= 0 {
		d = defaultTimeout
	}
	c.timeout = d
	return c
}

// WithStdin sets what the guest reads from standard input. The bytes are
// copied. The default is empty input, so a guest that reads stdin sees EOF.
func (c Config) WithStdin(b []byte) Config {
	c.stdin = slices.Clone(b)
	return c
}

// WithOutputLimit caps how many bytes are kept from each of stdout and
// stderr. A guest that writes more is stopped and the run ends with
// ReasonOutputLimit, keeping the first n bytes. The default is 1MiB per
// stream, so a guest printing in a loop cannot fill the host's memory.
// A negative n is treated as 0 (no output allowed).
func (c Config) WithOutputLimit(n int) Config {
	c.outputLimit = max(n, 0)
	c.outputLimitSet = true
	return c
}

// WithArgs sets the arguments the guest sees after its program name (which
// is always "guest"). The strings are copied. The default is no arguments.
func (c Config) WithArgs(args ...string) Config {
	c.args = slices.Clone(args)
	return c
}

// WithReadOnlyMount makes the host directory hostDir visible to the guest
// at guestDir (an absolute guest path such as "/data"), read-only: the guest
// can neither create, change nor delete anything under it, and cannot reach
// outside it through "..". Mounts add up; a later mount at the same guestDir
// replaces the earlier one. The default is no mount: the guest sees no file
// system at all.
func (c Config) WithReadOnlyMount(hostDir, guestDir string) Config {
	return c.withMount(Mount{HostDir: hostDir, GuestDir: guestDir})
}

func (c Config) withMount(m Mount) Config {
	mounts := slices.DeleteFunc(slices.Clone(c.mounts), func(o Mount) bool { return o.GuestDir == m.GuestDir })
	c.mounts = append(mounts, m)
	return c
}

// WithEnv sets one environment variable the guest sees. The host's own
// environment is never passed through. The default is an empty environment.
func (c Config) WithEnv(key, value string) Config {
	env := maps.Clone(c.env)
	if env == nil {
		env = map[string]string{}
	}
	env[key] = value
	c.env = env
	return c
}

// WithDeterministicClock makes the guest's clocks fake: wall time starts at
// 2022-01-01T00:00:00Z and both clocks advance 1ms each time they are read;
// sleeping returns at once. Runs of the same input then see the same times.
// The default is the host's real clocks, because candidates often search
// until a time budget is spent; the wall timeout bounds both.
func (c Config) WithDeterministicClock() Config {
	c.fixedClock = true
	return c
}

// WithRandSeed seeds the guest's random source (WASI random_get, which Go's
// crypto/rand and map iteration and C's getentropy read). The same seed
// gives the same bytes in every run. The default seed is 0: runs are
// reproducible unless a caller asks otherwise.
func (c Config) WithRandSeed(seed uint64) Config {
	c.seed = seed
	return c
}

// MemoryLimit returns the memory cap in bytes (a whole number of pages).
func (c Config) MemoryLimit() uint64 {
	if c.memoryLimit == 0 {
		return defaultMemoryLimit
	}
	return c.memoryLimit
}

// Timeout returns the wall-clock cap of a run.
func (c Config) Timeout() time.Duration {
	if c.timeout == 0 {
		return defaultTimeout
	}
	return c.timeout
}

// OutputLimit returns the cap in bytes on each captured output stream.
func (c Config) OutputLimit() int {
	if !c.outputLimitSet {
		return defaultOutputLimit
	}
	return c.outputLimit
}

// Mounts returns the read-only mounts, in the order they were added.
func (c Config) Mounts() []Mount { return slices.Clone(c.mounts) }

// Args returns the arguments after the program name.
func (c Config) Args() []string { return slices.Clone(c.args) }

// Env returns a copy of the guest's environment.
func (c Config) Env() map[string]string { return maps.Clone(c.env) }

// DeterministicClock reports whether the guest sees fake clocks.
func (c Config) DeterministicClock() bool { return c.fixedClock }

// RandSeed returns the seed of the guest's random source.
func (c Config) RandSeed() uint64 { return c.seed }

// argv returns the full argument vector, program name first.
func (c Config) argv() []string {
	return append([]string{programName}, c.args...)
}
