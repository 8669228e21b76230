package command

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/asi-evolve/asi/core/engine"
	htmlreport "github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
)

// frontObjectives trade the toy task's score off against its constant a,
// which the score wants near 7, not as large as it can be.
var frontObjectives = []store.Objective{
	{Metric: "score", Direction: "maximize", Weight: 1},
	{Metric: "a", Direction: "maximize", Weight: 1},
}

// buildFrontCampaign runs the toy task with the pareto sampler and the
// objectives recorded, as `asi apply` of a file with objective blocks does.
func buildFrontCampaign(t *testing.T, root string, steps int) *htmlreport.Campaign {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(root, "front"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sampler, err := sampling.New("pareto", sampling.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetInfo(ctx, store.Info{Campaign: "front", Task: "toy", Primary: "score", Direction: "maximize", StepBudget: steps}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetObjectives(ctx, frontObjectives); err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(ctx, engine.Config{
		Store: st, Task: toyTask{}, Researcher: roles.NewOffline(), Analyzer: roles.OfflineAnalyzer{},
		Sampler: sampler, Objectives: frontObjectives, Workers: 1, SampleN: 3, Seed: 7, Budget: engine.Budget{Steps: steps},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Run(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := htmlreport.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if f := c.Front(); len(f.Members) < 2 || !(f.Hypervolume > 0) {
		t.Fatalf("campaign: front of %d node(s), hypervolume %v; the test wants a trade-off", len(f.Members), f.Hypervolume)
	}
	return c
}

func TestUIFrontAPI(t *testing.T) {
	root := t.TempDir()
	c := buildFrontCampaign(t, root, 16)
	want := c.Front()
	base := startUI(t, "-port", "0", root)

	code, body := httpDo(t, http.MethodGet, base+"/api/campaigns/front/front", "", "")
	if code != http.StatusOK {
		t.Fatalf("GET front: %d %s", code, body)
	}
	var got struct {
		Objectives []struct{ Metric string } `json:"objectives"`
		Members    []struct {
			ID     int64     `json:"id"`
			Values []float64 `json:"values"`
		} `json:"members"`
		Hypervolume *float64 `json:"hypervolume"`
		Preferred   int64    `json:"preferred"`
		Curve       []struct {
			Step        int64   `json:"step"`
			Hypervolume float64 `json:"hypervolume"`
		} `json:"hypervolume_curve"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Objectives) != 2 || len(got.Members) != len(want.Members) || got.Hypervolume == nil || *got.Hypervolume != want.Hypervolume {
		t.Errorf("front %s, want %d members and hypervolume %v", body, len(want.Members), want.Hypervolume)
	}
	if got.Preferred != want.Members[want.Preferred].Node.ID {
		t.Errorf("preferred node %d, want %d", got.Preferred, want.Members[want.Preferred].Node.ID)
	}
	if n := len(got.Curve); n != len(c.Nodes) || got.Curve[n-1].Hypervolume != want.Hypervolume {
		t.Errorf("hypervolume curve of %d points ending at %v", n, got.Curve[n-1].Hypervolume)
	}

	// The campaign view carries the front too, for the live page.
	code, body = httpDo(t, http.MethodGet, base+"/api/campaigns/front", "", "")
	if code != http.StatusOK || !strings.Contains(body, `"front":{`) {
		t.Errorf("campaign view: %d, front missing", code)
	}

	// A campaign without objectives has no front.
	plain := t.TempDir()
	buildCampaign(t, plain, 12)
	plainURL := startUI(t, "-port", "0", plain)
	if code, body := httpDo(t, http.MethodGet, plainURL+"/api/campaigns/demo/front", "", ""); code != http.StatusNotFound || !strings.Contains(body, "no objective blocks") {
		t.Errorf("front of a campaign without objectives: %d %s", code, body)
	}
}

func TestUIFrontInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	root := t.TempDir()
	c := buildFrontCampaign(t, root, 16)
	f := c.Front()
	browser := newBrowser(t)
	base := startUI(t, "-port", "0", root)

	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/c/front"), chromedp.WaitVisible("#pareto-front .front-pt")); err != nil {
		t.Fatalf("open the live view: %v", err)
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	if n := count("#pareto-front .front-pt"); n != len(f.Members) {
		t.Errorf("front plot has %d points, want %d", n, len(f.Members))
	}
	if n := count("#front-table tr"); n != len(f.Members)+1 {
		t.Errorf("front table has %d rows, want a header and %d", n, len(f.Members))
	}
	if count("#hypervolume-chart path") != 1 {
		t.Error("no hypervolume curve")
	}
	heading, err := chromedp.Run(ctx, chromedp.Text("#front-panel h2"))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("Pareto front: %d node(s)", len(f.Members)); !strings.HasPrefix(heading, want) {
		t.Errorf("front heading %q, want it to start %q", heading, want)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(artifactDir(t), "front.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
