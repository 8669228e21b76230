package report

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/store"
)

// TestWriteHTMLBestFiles checks the best program is shown whole for one
// file, and file by file, each under its heading, for several.
func TestWriteHTMLBestFiles(t *testing.T) {
	tests := []struct {
		name     string
		code     string
		want     []string
		wantNone []string
	}{
		{"one file", "v = 3\n", []string{"<pre><code>v = 3\n</code></pre>"}, []string{`id="best-files"`, `<h3 class="file"`}},
		{"several files", "=== file: pkg/model.py ===\nw = 1\n=== file: run.py ===\nimport pkg\n", []string{
			`<ul id="best-files">`, `<a href="#file-1">pkg/model.py</a> (1 line)`,
			`<h3 class="file" id="file-1">pkg/model.py</h3>` + "\n<pre><code>w = 1\n</code></pre>",
			`<h3 class="file" id="file-2">run.py</h3>` + "\n<pre><code>import pkg\n</code></pre>",
		}, []string{"=== file:"}},
		// Not split: shown whole, as the text it is.
		{"bad path", "=== file: ../x ===\nv\n", []string{"<pre><code>=== file: ../x ===\nv\n</code></pre>"}, []string{`id="best-files"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Campaign{Name: "demo", Task: "number", Primary: "value", Direction: "maximize",
				Nodes: []store.Node{{ID: 1, Name: "initial", Code: tt.code, Valid: true, Score: 1, Status: store.StatusOK}}}
			c.index()
			var b bytes.Buffer
			if err := WriteHTML(&b, c, nil, Options{Now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
				t.Fatal(err)
			}
			page := html.UnescapeString(b.String())
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("report lacks %q", w)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(page, w) {
					t.Errorf("report holds %q", w)
				}
			}
			if t.Failed() {
				t.Logf("report:\n%s", page)
			}
		})
	}
}
