package sandbox

import "sync"

// cappedWriter keeps the first limit bytes written to it and reports, once,
// when a write goes past the limit so the run can be stopped.
type cappedWriter struct {
	mu        sync.Mutex
	buf       []byte
	limit     int
	truncated bool
	onExceed  func()
}

// Write never fails: failing would let the guest see the cap and go on
// writing elsewhere; instead the run is stopped through onExceed.
func (w *cappedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	room := w.limit - len(w.buf)
	if len(p) <= room {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	w.buf = append(w.buf, p[:max(room, 0)]...)
	if !w.truncated {
		w.truncated = true
		if w.onExceed != nil {
			w.onExceed()
		}
	}
	return len(p), nil
}

func (w *cappedWriter) result() ([]byte, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf, w.truncated
}
