package dashboard

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

// TestOfflineAnswersAreNoCalls: the summary names the roles that ran with
// no model, and their answers count in neither the calls nor the tokens,
// in the API or in /metrics.
func TestOfflineAnswersAreNoCalls(t *testing.T) {
	st, dir := fillStore(t)
	ctx := context.Background()
	if err := st.SetMeta(ctx, "offline_roles", "researcher,analyzer"); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordCall(ctx, store.Call{Step: 2, Role: "researcher", Provider: store.OfflineProvider, PromptTokens: 900, CompletionTokens: 100}); err != nil {
		t.Fatal(err)
	}
	hs := newTestServer(t, Config{Dirs: []string{dir}})
	_, body := get(t, hs.URL+"/api/campaigns/demo")
	var v campaignJSON
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	sm := v.Summary
	if diff := cmp.Diff([]string{"researcher", "analyzer"}, sm.OfflineRoles); diff != "" || sm.OfflineAnswers != 1 || sm.Calls != 2 || sm.PromptTokens+sm.CompletionTokens != 0 {
		t.Errorf("summary: offline roles %v, %d offline answers, %d calls, %d tokens; want researcher and analyzer, 1, 2, 0",
			sm.OfflineRoles, sm.OfflineAnswers, sm.Calls, sm.PromptTokens+sm.CompletionTokens)
	}
	_, metrics := get(t, hs.URL+"/metrics")
	for _, want := range []string{`asi_llm_calls_total{campaign="demo"} 2`, `asi_llm_tokens_total{campaign="demo",kind="prompt"} 0`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
