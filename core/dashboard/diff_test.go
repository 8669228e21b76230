package dashboard

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

func TestLineDiffPerFile(t *testing.T) {
	const parent = "=== file: a.py ===\nx = 1\ny = 2\n=== file: same.py ===\ns = 1\n=== file: old.py ===\ngone\n"
	tests := []struct {
		name         string
		parent, node string
		want         []diffLine
	}{
		{"equal", parent, parent, []diffLine{}},
		{"changed, unchanged, added and removed files", parent,
			"=== file: a.py ===\nx = 1\ny = 3\n=== file: same.py ===\ns = 1\n=== file: new.py ===\nhello\n",
			[]diffLine{
				{Op: "@", Text: "a.py — changed", File: "a.py", Change: "changed"},
				{Op: "@", Text: "@@ -1,2 +1,2 @@", File: "a.py"},
				{Op: " ", Text: "x = 1", Old: 1, New: 1, File: "a.py"},
				{Op: "-", Text: "y = 2", Old: 2, File: "a.py"},
				{Op: "+", Text: "y = 3", New: 2, File: "a.py"},
				{Op: "@", Text: "same.py — unchanged (1 line)", File: "same.py", Change: "unchanged"},
				{Op: "@", Text: "new.py — added (1 line)", File: "new.py", Change: "added"},
				{Op: "@", Text: "@@ -0,0 +1,1 @@", File: "new.py"},
				{Op: "+", Text: "hello", New: 1, File: "new.py"},
				{Op: "@", Text: "old.py — removed (1 line)", File: "old.py", Change: "removed"},
				{Op: "@", Text: "@@ -1,1 +0,0 @@", File: "old.py"},
				{Op: "-", Text: "gone", Old: 1, File: "old.py"},
			}},
		{"no parent: every file added", "", "=== file: m.py ===\nz\n", []diffLine{
			{Op: "@", Text: "m.py — added (1 line)", File: "m.py", Change: "added"},
			{Op: "@", Text: "@@ -0,0 +1,1 @@", File: "m.py"},
			{Op: "+", Text: "z", New: 1, File: "m.py"},
		}},
		// A program of one file has no path to pair with: the whole text.
		{"one file to several", "z\n", "=== file: m.py ===\nz\n", []diffLine{
			{Op: "@", Text: "@@ -1,1 +1,2 @@"},
			{Op: "+", Text: "=== file: m.py ===", New: 1},
			{Op: " ", Text: "z", Old: 1, New: 2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, lineDiff(tt.parent, tt.node, 3)); diff != "" {
				t.Fatalf("lineDiff (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNodeAPIDiffPerFile checks the node endpoint carries the per-file
// diff in its existing diff field, which the page reads.
func TestNodeAPIDiffPerFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir() + "/demo"
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for k, v := range map[string]string{"campaign": "demo", "task": "number", "primary": "value", "direction": "maximize"} {
		if err := st.SetMeta(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []store.Node{
		{Step: 0, Name: "initial", Code: "=== file: a.py ===\na = 1\n=== file: b.py ===\nb = 1\n", Valid: true, Score: 1, Status: store.StatusOK},
		{Step: 1, Parents: []int64{1}, Name: "raise-b", Code: "=== file: a.py ===\na = 1\n=== file: b.py ===\nb = 2\n", Valid: true, Score: 2, Status: store.StatusOK},
	} {
		if _, err := st.Commit(ctx, &n, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	code, body := get(t, hs.URL+"/api/campaigns/demo/nodes/2")
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	var n struct {
		Diff []diffLine `json:"diff"`
	}
	if err := json.Unmarshal([]byte(body), &n); err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, l := range n.Diff {
		if l.Change != "" {
			heads = append(heads, l.File+" "+l.Change)
		}
	}
	if diff := cmp.Diff([]string{"a.py unchanged", "b.py changed"}, heads); diff != "" {
		t.Fatalf("file headings (-want +got):\n%s\n%s", diff, body)
	}
}
