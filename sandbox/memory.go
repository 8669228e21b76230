package sandbox

import (
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// memoryCap is a per-run memory allocator. wazero's own memory limit is set
// once per runtime; this lets each run have its own limit while all runs
// share the compiled modules of one runtime.
type memoryCap struct {
	limit   uint64
	refused atomic.Bool   // a grow past the limit was refused
	peak    atomic.Uint64 // the largest size any memory of the run reached
}

func (m *memoryCap) note(size uint64) {
	for {
		old := m.peak.Load()
		if size <= old || m.peak.CompareAndSwap(old, size) {
			return
		}
	}
}

func (m *memoryCap) Allocate(capacity, maxBytes uint64) experimental.LinearMemory {
	return &cappedMemory{owner: m, initialCap: min(capacity, m.limit)}
}

type cappedMemory struct {
	owner      *memoryCap
	initialCap uint64
	buf        []byte
}

// Reallocate grows the buffer, or returns nil, which the guest sees as a
// failed memory.grow, when size is over the limit. The first call allocates
// the module's declared minimum; Run checks that minimum against the limit
// before instantiating, because wazero cannot handle a nil first buffer.
func (c *cappedMemory) Reallocate(size uint64) []byte {
	if c.buf != nil && size > c.owner.limit {
		c.owner.refused.Store(true)
		return nil
	}
	c.owner.note(size)
	if size <= uint64(cap(c.buf)) {
		c.buf = c.buf[:size]
		return c.buf
	}
	// Grow geometrically, as append would, but never past the limit.
	newCap := max(size, c.initialCap, min(2*uint64(cap(c.buf)), c.owner.limit))
	grown := make([]byte, size, newCap)
	copy(grown, c.buf)
	c.buf = grown
	return c.buf
}

func (c *cappedMemory) Free() { c.buf = nil }
