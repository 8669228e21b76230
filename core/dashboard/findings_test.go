package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

func TestCampaignShowsRedteamFindings(t *testing.T) {
	st, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	getAs := func(path string, v any) {
		t.Helper()
		code, body := get(t, hs.URL+path)
		if code != http.StatusOK {
			t.Fatalf("GET %s: status %d: %s", path, code, body)
		}
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatal(err)
		}
	}
	var v campaignJSON
	if getAs("/api/campaigns/demo", &v); v.Redteam != nil {
		t.Fatalf("red team %+v for a campaign never attacked; want none", v.Redteam)
	}
	var empty redteamJSON
	if getAs("/api/campaigns/demo/findings", &empty); empty.Passes != 0 || empty.Findings == nil || len(empty.Findings) != 0 {
		t.Errorf("findings of a campaign never attacked = %+v; want no pass and an empty list", empty)
	}
	ctx := context.Background()
	if err := st.AddFindings(ctx, nil, store.Event{Step: 1, NodeID: 1, Kind: store.EventRedteam, Message: "node 1: 30 attempts, no finding"}); err != nil {
		t.Fatal(err)
	}
	found := []store.Finding{
		{NodeID: 2, Source: store.FindingSourceAudit, Attack: "scale-2", Kind: "optimiser", Score: 5, Bound: 4.5, BoundText: "the best honest score 3 by 50%", Code: "a = 6\n"},
		{NodeID: 2, Source: store.FindingSourceAudit, Attack: "huge-all", Kind: "library", Score: 1e300, Bound: 4.5, BoundText: "the best honest score 3 by 50%", Code: "a = 1e300\n", Description: "every number 1e300"},
	}
	if err := st.AddFindings(ctx, found, store.Event{Step: 2, NodeID: 2, Kind: store.EventRedteam, Message: "node 2: 2 findings"}); err != nil {
		t.Fatal(err)
	}
	v = campaignJSON{}
	getAs("/api/campaigns/demo", &v)
	if v.Redteam == nil || v.Redteam.Passes != 2 || len(v.Redteam.Findings) != 2 {
		t.Fatalf("red team = %+v; want 2 passes, 2 findings", v.Redteam)
	}
	if f := v.Redteam.Findings[0]; f.Attack != "huge-all" || f.Where != "node 2 (raise-a)" || f.Code != "" {
		t.Errorf("first finding in the campaign view = %+v; want the worst, huge-all against node 2 (raise-a), without its code", f)
	}
	var full redteamJSON
	getAs("/api/campaigns/demo/findings", &full)
	if len(full.Findings) != 2 || full.Findings[0].Code != "a = 1e300\n" || !strings.Contains(full.Findings[1].BoundText, "50%") {
		t.Errorf("findings route = %+v; want both with their code and bound", full)
	}
	if code, _ := get(t, hs.URL+"/api/campaigns/nope/findings"); code != http.StatusNotFound {
		t.Errorf("findings of an unknown campaign: status %d; want 404", code)
	}
}
