package command

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

// TestStatusAndBestShowFindings: a campaign whose evaluator the red team
// fooled says so in `asi status` (text and -json) and `asi best`, which
// still prints the program, clean, on stdout.
func TestStatusAndBestShowFindings(t *testing.T) {
	dir := bestStore(t, "x = 1\n")
	ctx := context.Background()
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	f := store.Finding{NodeID: 1, Source: store.FindingSourceAudit, Attack: "duplicate-items", Kind: "library",
		Score: 2.7, Bound: 1.6926, BoundText: "the declared known best", Code: "x = 2\n"}
	err = st.AddFindings(ctx, []store.Finding{f}, store.Event{NodeID: 1, Kind: store.EventRedteam, Message: "node 1 attacked"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	stdout, stderr, code := run(t, "status", "-state", dir)
	if code != 0 || !strings.Contains(stdout, "red team:   1 pass(es), 1 FINDING(S)") ||
		!strings.Contains(stdout, "duplicate-items (library) against node 1 (initial): value 2.7 vs bound 1.6926") {
		t.Errorf("status: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	stdout, _, code = run(t, "status", "-json", "-state", dir)
	var r struct {
		Findings []struct {
			Attack string  `json:"attack"`
			Node   int64   `json:"node"`
			Score  float64 `json:"score"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); code != 0 || err != nil || len(r.Findings) != 1 || r.Findings[0].Attack != "duplicate-items" || r.Findings[0].Node != 1 {
		t.Errorf("status -json: exit %d, %v, findings %+v", code, err, r.Findings)
	}
	stdout, stderr, code = run(t, "best", "-state", dir)
	if code != 0 || stdout != "x = 1\n" || !strings.Contains(stderr, "warning: the red team found 1 program(s)") {
		t.Errorf("best: exit %d, stdout %q, stderr %q; want the program and a warning on stderr", code, stdout, stderr)
	}
	stdout, stderr, code = run(t, "show", "-state", dir, "1")
	if code != 0 || !strings.Contains(stdout, "red team:   FINDING duplicate-items (library): value = 2.7 past 1.6926, the declared known best") {
		t.Errorf("show: exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}
