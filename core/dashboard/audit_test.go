package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/store"
)

func TestCampaignListsFlaggedNodes(t *testing.T) {
	st, dir := fillStore(t)
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	campaign := func() campaignJSON {
		t.Helper()
		code, body := get(t, hs.URL+"/api/campaigns/demo")
		if code != http.StatusOK {
			t.Fatalf("status %d: %s", code, body)
		}
		var v campaignJSON
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := campaign(); v.Audit != nil {
		t.Fatalf("audit %+v for a campaign never audited; want none", v.Audit)
	}
	ctx := context.Background()
	heldOut, drop, none := 0.5, 0.8333, 0.0
	for _, a := range []store.Audit{
		{NodeID: 2, Step: 2, PublicScore: 3, HeldOutScore: &heldOut, Drop: &drop, Flagged: true, Reason: "held-out value dropped by 83.3%"},
		{NodeID: 1, Step: 2, PublicScore: 1, HeldOutScore: &heldOut, Drop: &none},
	} {
		if err := st.AddAudit(ctx, a, store.Event{Kind: "audit", Message: "audited"}); err != nil {
			t.Fatal(err)
		}
	}
	v := campaign()
	if v.Audit == nil || v.Audit.Audited != 2 || len(v.Audit.Flagged) != 1 || v.Audit.Flagged[0].ID != 2 || !strings.Contains(v.Audit.Flagged[0].Reason, "83.3%") {
		t.Errorf("audit %+v; want 2 audited, node 2 flagged with its reason", v.Audit)
	}
}
