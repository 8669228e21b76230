package plugins

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
)

// How much of a plugin's stderr an error about its death shows: the last
// tailLines lines before a Go panic (its log), and the panic itself, its
// first line and up to panicLines after it (the goroutine and the frames
// that say where). Each line is cut at lineBytes. plugins.log has all.
const (
	tailLines  = 10
	panicLines = 8
	lineBytes  = 300
)

// stderrTail keeps the end of one plugin process's stderr, for the errors
// that report the process's death: the host's log has every line, the
// node that the death cost shows these. It is safe for concurrent use.
type stderrTail struct {
	mu    sync.Mutex
	lines []string // the last tailLines lines outside a panic, oldest first
	panic []string // the first panic or fatal error and the lines after it
}

// writer returns a writer that splits what it gets into lines for t. Each
// source of lines needs its own writer; a nil t discards everything.
func (t *stderrTail) writer() io.Writer {
	if t == nil {
		return io.Discard
	}
	return &tailWriter{tail: t}
}

func (t *stderrTail) add(line string) {
	line = strings.TrimRight(line, "\r")
	if strings.TrimSpace(line) == "" {
		return
	}
	line = readable(line)
	if len(line) > lineBytes {
		line = strings.ToValidUTF8(line[:lineBytes], "") + "…"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.panic == nil && (strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ")):
		t.panic = []string{line}
	case t.panic != nil:
		if len(t.panic) <= panicLines {
			t.panic = append(t.panic, line)
		}
	default:
		t.lines = append(t.lines, line)
		if len(t.lines) > tailLines {
			t.lines = t.lines[len(t.lines)-tailLines:]
		}
	}
}

// panicked returns the first line of the process's panic or fatal error,
// or "" when it printed none.
func (t *stderrTail) panicked() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.panic) == 0 {
		return ""
	}
	return t.panic[0]
}

// String renders the kept lines for an error message, each on its own
// indented line after a heading; "" when the plugin wrote nothing.
func (t *stderrTail) String() string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines)+len(t.panic) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("the last lines of its stderr:")
	for _, l := range append(append([]string(nil), t.lines...), t.panic...) {
		b.WriteString("\n  ")
		b.WriteString(l)
	}
	return b.String()
}

// withTail appends the lines t kept to err's message, keeping err for
// errors.Is and errors.As.
func withTail(err error, t *stderrTail) error {
	if s := t.String(); s != "" {
		return fmt.Errorf("%w\n%s", err, s)
	}
	return err
}

// readable turns a JSON log line (what sdk.Logger writes) into
// "[LEVEL] message key=value ..."; any other line is returned as it is.
func readable(line string) string {
	if !strings.HasPrefix(line, "{") {
		return line
	}
	var entry map[string]any
	if json.Unmarshal([]byte(line), &entry) != nil {
		return line
	}
	msg, ok := entry["@message"].(string)
	if !ok {
		return line
	}
	var b strings.Builder
	if level, ok := entry["@level"].(string); ok {
		fmt.Fprintf(&b, "[%s] ", strings.ToUpper(level))
	}
	b.WriteString(msg)
	keys := make([]string, 0, len(entry))
	for k := range entry {
		if !strings.HasPrefix(k, "@") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, entry[k])
	}
	return b.String()
}

// tailWriter cuts one source's bytes into lines for a stderrTail.
type tailWriter struct {
	tail    *stderrTail
	mu      sync.Mutex
	partial []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			// A line longer than lineBytes is cut when it ends.
			if room := 4 * lineBytes; len(w.partial) < room {
				w.partial = append(w.partial, p[:min(len(p), room-len(w.partial))]...)
			}
			break
		}
		w.tail.add(string(append(w.partial, p[:i]...)))
		w.partial = w.partial[:0]
		p = p[i+1:]
	}
	return n, nil
}
