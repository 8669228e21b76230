package command

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/asi-evolve/asi/core/engine"
	"github.com/asi-evolve/asi/core/llm"
	htmlreport "github.com/asi-evolve/asi/core/report"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/sampling"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"

	"github.com/asi-evolve/asi/internal/testenv"
)

// testSecret stands for an API key in the campaign's environment.
const testSecret = "sk-live-9f8e7d6c5b4a3210"

const toyProgram = `# the score rewards a near 7, b near 3 and c near 5
# EVOLVE-BLOCK-START
a = 2
b = 9
c = 1
# EVOLVE-BLOCK-END
print(a, b, c)
`

var toyAssignment = regexp.MustCompile(`(?m)^([abc]) = (-?[0-9.]+)$`)

// toyTask scores the three constants of toyProgram; a constant out of
// [0, 10] makes the candidate invalid, so a campaign has failures.
type toyTask struct{}

func (toyTask) Describe(context.Context) (task.Description, error) {
	return task.Description{
		Name: "toy", Language: "python", InitialProgram: toyProgram, Statement: "Bring the constants to their targets.",
		Metrics: []task.Metric{{Name: "score"}, {Name: "a"}, {Name: "b"}}, Primary: "score", Direction: task.Maximize,
		FeatureDimensions: []string{"a", "b"}, Stages: []task.Stage{{Name: "check"}, {Name: "score"}},
	}, nil
}

func (toyTask) Evaluate(_ context.Context, c task.Candidate, stage int, _ int64) (task.Result, error) {
	v := map[string]float64{}
	for _, m := range toyAssignment.FindAllStringSubmatch(c.Code, -1) {
		f, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return task.Result{Feedback: "cannot read " + m[1]}, nil
		}
		v[m[1]] = f
	}
	for _, k := range []string{"a", "b", "c"} {
		x, ok := v[k]
		if !ok {
			return task.Result{Feedback: k + " is missing"}, nil
		}
		if x < 0 || x > 10 {
			return task.Result{Feedback: fmt.Sprintf("%s = %g is out of range [0, 10]", k, x)}, nil
		}
	}
	score := 100 - (v["a"]-7)*(v["a"]-7) - (v["b"]-3)*(v["b"]-3) - (v["c"]-5)*(v["c"]-5)
	return task.Result{Valid: true, Metrics: map[string]float64{"score": score, "a": v["a"], "b": v["b"]},
		Artifacts: map[string][]byte{"stdout": fmt.Appendf(nil, "%g %g %g\n", v["a"], v["b"], v["c"])}}, nil
}

// leakyProvider wraps the offline researcher and, once, echoes the API
// key in its reply, as a careless proxy might.
type leakyProvider struct {
	llm.Provider
	calls atomic.Int64
}

func (p *leakyProvider) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	resp, err := p.Provider.Complete(ctx, req)
	if p.calls.Add(1) == 2 {
		resp.Content = "(upstream echoed Authorization: Bearer " + testSecret + ")\n" + resp.Content
	}
	return resp, err
}

// buildCampaign runs the real engine offline on toyTask into dir/demo and
// returns what the store holds.
func buildCampaign(t *testing.T, root string, steps int) *htmlreport.Campaign {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(root, "demo")
	st, err := store.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sampler, err := sampling.New("island", sampling.Options{Islands: 3, MigrationInterval: 6, FeatureDims: 2})
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(ctx, engine.Config{
		Store: st, Task: toyTask{}, Researcher: &leakyProvider{Provider: roles.NewOffline()}, Analyzer: roles.OfflineAnalyzer{},
		Sampler: sampler, Workers: 1, SampleN: 3, Seed: 7, Budget: engine.Budget{Steps: steps},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.SetInfo(ctx, store.Info{Campaign: "demo", Task: "toy", Primary: "score", Direction: "maximize", StepBudget: steps}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddEvent(ctx, store.Event{Kind: "warning", Message: "provider rejected key " + testSecret}); err != nil {
		t.Fatal(err)
	}
	c, err := htmlreport.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("campaign: %d steps, %d failed", c.Done(), c.FailureCount())
	if c.FailureCount() == 0 || c.Done() != steps {
		t.Fatalf("campaign: %d steps, %d failures; the test wants %d steps and some failures", c.Done(), c.FailureCount(), steps)
	}
	return c
}

// startUI runs `asi ui ARGS -json` until the test ends and returns its URL.
func startUI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errOut strings.Builder
	exit := make(chan int, 1)
	go func() {
		exit <- runUI(ctx, append(args, "-json"), Streams{Stdin: strings.NewReader(""), Stdout: pw, Stderr: &errOut})
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-exit:
			if code != exitOK {
				t.Errorf("asi ui exited %d: %s", code, errOut.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("asi ui did not stop")
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("asi ui printed no address: %v; stderr: %s", err, errOut.String())
	}
	go io.Copy(io.Discard, pr)
	var out struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal([]byte(line), &out); err != nil {
		t.Fatalf("asi ui -json: %v in %q", err, line)
	}
	return out.URL
}

func httpDo(t *testing.T, method, u, auth, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUIBindsLoopbackAndGuardsChanges(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testSecret)
	root := t.TempDir()
	c := buildCampaign(t, root, 12)
	best, _ := c.Best()

	readOnly := startUI(t, "-port", "0", root)
	writable := startUI(t, "-port", "0", "-token", "s3cret-token", root)
	for _, u := range []string{readOnly, writable} {
		parsed, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		if parsed.Hostname() != "127.0.0.1" {
			t.Fatalf("asi ui listens on %s by default, want 127.0.0.1", parsed.Host)
		}
	}

	note := fmt.Sprintf("%sapi/campaigns/demo/nodes/%d/notes", writable, best.ID)
	tests := []struct {
		name     string
		endpoint string
		auth     string
		want     int
	}{
		{"read-only server refuses", strings.Replace(note, writable, readOnly, 1), "Bearer s3cret-token", http.StatusForbidden},
		{"no token", note, "", http.StatusUnauthorized},
		{"wrong token", note, "Bearer guess", http.StatusUnauthorized},
		{"token", note, "Bearer s3cret-token", http.StatusCreated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, body := httpDo(t, http.MethodPost, tt.endpoint, tt.auth, `{"text":"look here"}`); code != tt.want {
				t.Fatalf("POST: status %d, want %d: %s", code, tt.want, body)
			}
		})
	}
	_, body := httpDo(t, http.MethodGet, fmt.Sprintf("%sapi/campaigns/demo/nodes/%d", readOnly, best.ID), "", "")
	if strings.Count(body, "look here") != 1 {
		t.Fatalf("want exactly the one authorised note stored; node: %.300s", body)
	}

	// Every page and endpoint, with the key in the environment and in the store.
	paths := []string{"", "c/demo", "c/demo/tree", "static/app.js", "api/campaigns", "api/campaigns/demo",
		"api/campaigns/demo/cognition", "api/info", "metrics"}
	for _, n := range c.Nodes {
		paths = append(paths, fmt.Sprintf("api/campaigns/demo/nodes/%d", n.ID))
	}
	redacted := 0
	for _, p := range paths {
		code, body := httpDo(t, http.MethodGet, readOnly+p, "", "")
		if code != http.StatusOK {
			t.Fatalf("GET /%s: status %d", p, code)
		}
		if strings.Contains(body, testSecret) {
			t.Errorf("GET /%s leaks the API key", p)
		}
		redacted += strings.Count(body, "[redacted]")
	}
	if redacted < 2 {
		t.Errorf("the key reached %d responses redacted, want the event and the LLM reply: the check saw nothing", redacted)
	}
}

// artifactDir is where screenshots go: $ASI_TEST_ARTIFACTS when set.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ASI_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = filepath.Join(dir, "ui")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// newBrowser starts headless Chromium, or skips when it is not installed.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if path, err = exec.LookPath("chromium-browser"); err != nil {
			testenv.Skipf(t, "chromium is not installed: run scripts/ci/install-chromium.sh")
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(1400, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser and must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func TestUIInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	t.Setenv("OPENAI_API_KEY", testSecret)
	root := t.TempDir()
	c := buildCampaign(t, root, 24)
	best, _ := c.Best()
	browser := newBrowser(t)
	shots := artifactDir(t)
	base := startUI(t, "-port", "0", root)

	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
		if err != nil {
			t.Fatalf("count %s: %v", sel, err)
		}
		return n
	}
	noLeak := func(page string) {
		t.Helper()
		html, err := chromedp.Run(ctx, chromedp.OuterHTML("html"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(html, testSecret) {
			t.Errorf("%s page shows the API key", page)
		}
		if count(".error") > 0 {
			t.Errorf("%s page shows an error: %s", page, text(".error"))
		}
	}

	// The campaign list.
	step("open the list", chromedp.Navigate(base), chromedp.WaitVisible("#campaigns a.campaign-link"))
	shot("1-campaigns")
	noLeak("campaign list")

	// The live view: best score, chart, and an update pushed without reload.
	step("open the campaign", chromedp.Click("#campaigns a.campaign-link"), chromedp.WaitVisible("#best-score"), chromedp.WaitVisible("#score-chart .best-line"))
	shown, err := strconv.ParseFloat(text("#best-score"), 64)
	if err != nil || math.Abs(shown-best.Score) > 1e-4*math.Max(1, math.Abs(best.Score)) {
		t.Errorf("live view shows best %q, want %.6g", text("#best-score"), best.Score)
	}
	if n := count("#score-chart .pt"); n != len(c.Nodes) {
		t.Errorf("chart has %d points, want one per node (%d)", n, len(c.Nodes))
	}
	shot("2-live")
	noLeak("live")
	addNode(t, filepath.Join(root, "demo"), best, int64(len(c.Nodes)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf("document.querySelector('#steps').textContent.startsWith('%d ')", c.Done()+1))); err != nil {
		t.Fatalf("the live view did not show the new node without a reload: %v (steps: %s)", err, text("#steps"))
	}
	if got := text("#best-score"); got != "101" {
		t.Errorf("after the pushed update the best score reads %q, want 101", got)
	}
	shot("3-live-updated")

	// The lineage tree: every node drawn, the best marked; click it.
	step("open the tree", chromedp.Click("#tab-tree"), chromedp.WaitVisible("#tree g.node"))
	if n := count("#tree g.node"); n != len(c.Nodes)+1 {
		t.Errorf("tree has %d nodes, want %d", n, len(c.Nodes)+1)
	}
	if n := count("#tree g.node.failed"); n != c.FailureCount() {
		t.Errorf("tree marks %d failed nodes, want %d", n, c.FailureCount())
	}
	shot("4-tree")
	noLeak("tree")
	target := fmt.Sprintf("#tree g.node[data-id=%q]", strconv.FormatInt(best.ID, 10))
	step("click a node in the tree", chromedp.Click(target), chromedp.WaitVisible("#node-title"))
	if want := fmt.Sprintf("Node %d ", best.ID); !strings.HasPrefix(text("#node-title"), want) {
		t.Errorf("clicked node %d, got page %q", best.ID, text("#node-title"))
	}
	if count("#diff .diff-line.add") == 0 || count("#diff .diff-line.del") == 0 {
		t.Error("the node page shows no diff against its parent")
	}
	if count("#diff .tok-num") == 0 {
		t.Error("the diff is not syntax highlighted")
	}
	shot("5-node")
	noLeak("node")

	// The MAP-Elites grid and the cognition page.
	step("open the grid", chromedp.Click("#tab-grid"), chromedp.WaitVisible("#map"))
	if count("#map td a") == 0 {
		t.Error("the grid has no filled cell")
	}
	shot("6-grid")
	step("open cognition", chromedp.Click("#tab-cognition"), chromedp.WaitVisible("#cognition-items"))
	if got := text("#cognition-items tr:nth-child(2) td:first-child"); got != "insight-constants-near-targets" {
		t.Errorf("cognition page lists %q first, want the item the pushed node used", got)
	}
	shot("7-cognition")
	noLeak("cognition")
}

// addNode stores one more node, as a running `asi apply` would.
func addNode(t *testing.T, dir string, parent store.Node, step int64) {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n := store.Node{Step: step, Parents: []int64{parent.ID}, Name: "pushed", Code: parent.Code + "# more\n",
		Valid: true, Score: 101, Status: store.StatusOK, Metrics: map[string]float64{"score": 101, "a": 7, "b": 3}, Features: []float64{7, 3},
		Cognition: []string{"insight-constants-near-targets"}}
	if _, err := st.Commit(context.Background(), &n, nil, nil); err != nil {
		t.Fatal(err)
	}
}
