package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/asi-evolve/asi/cognition"
	"github.com/asi-evolve/asi/cognition/weaviatetest"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/plugins/plugintest"
)

func TestMain(m *testing.M) { os.Exit(plugintest.Main(m, nil)) }

// buildAsi compiles the command once for the end-to-end tests, with the
// task plugins beside it as `make build` puts them.
func buildAsi(t *testing.T) string {
	t.Helper()
	bin, err := plugintest.Binary("asi", ".")
	if err != nil {
		t.Fatalf("build asi: %v", err)
	}
	if _, err := plugintest.Tasks(); err != nil {
		t.Fatal(err)
	}
	return bin
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestExamplesApply applies every campaign in hcl-examples/ offline with a
// small step budget, so that the examples cannot rot.
func TestExamplesApply(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	bin := buildAsi(t)
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "hcl-examples", "*.hcl"))
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dir := t.TempDir()
			for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
				_ = os.Chmod(d, 0o711) // executor jobs run as nobody when the tests are root
			}
			var srv *weaviatetest.Server
			if filepath.Base(f) == "circle-packing-weaviate.hcl" {
				srv = weaviatetest.Start(t)
				f = withWeaviate(t, srv, f, dir)
			}
			state := filepath.Join(dir, "state")
			cmd := exec.Command(bin, "apply", "-steps", "3", "-state", state, f)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY=", "OPENAI_BASE_URL=")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("apply %s: %v\n%s", f, err, out)
			}
			if !strings.Contains(string(out), "3 of 3 done") {
				t.Fatalf("apply %s did not run 3 steps:\n%s", f, out)
			}
			nodes := storedNodes(t, state)
			checkAChildIsValid(t, nodes)
			if filepath.Base(f) == "linear-attention.hcl" {
				checkStagesRecorded(t, nodes)
			}
			if filepath.Base(f) == "audit-attacks.hcl" {
				checkFindingStored(t, state)
			}
			if srv != nil {
				if strings.Contains(string(out), "Warning") {
					t.Errorf("apply warned with the server up:\n%s", out)
				}
				checkWeaviateHolds(t, srv, nodes)
			}
		})
	}
}

func storedNodes(t *testing.T, state string) []store.Node {
	t.Helper()
	st, err := store.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes, err := st.Nodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// checkAChildIsValid checks that the search produced at least one valid
// node besides the initial program: an example whose every edit fails
// still runs its steps, and would pass for nothing otherwise.
func checkAChildIsValid(t *testing.T, nodes []store.Node) {
	t.Helper()
	var reasons []string
	for _, n := range nodes {
		if n.Step > 0 && n.Valid {
			return
		}
		if n.Step > 0 {
			reasons = append(reasons, fmt.Sprintf("node %d: %s %s", n.ID, n.Error, n.Feedback))
		}
	}
	t.Errorf("no valid node besides the initial program among %d:\n%s", len(nodes), strings.Join(reasons, "\n"))
}

// withWeaviate writes a copy of the Weaviate example into dir that talks to
// srv, and returns its path. The server lives in a network namespace of
// its own, which asi (another process) cannot enter; a reverse proxy on
// this side's loopback forwards to it. The copy sits beside a link to the
// example's cognition folder, so its seed glob matches the same files.
func withWeaviate(t *testing.T, srv *weaviatetest.Server, example, dir string) string {
	t.Helper()
	target, err := url.Parse(weaviatetest.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport: srv.HTTPClient().Transport,
	})
	t.Cleanup(proxy.Close)
	src, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	urlAttr := regexp.MustCompile(`(?m)^(\s*url\s*=\s*)"[^"]*"`)
	if !urlAttr.Match(src) {
		t.Fatalf("%s has no url attribute to point at the test server", example)
	}
	src = urlAttr.ReplaceAll(src, []byte(`${1}"`+proxy.URL+`"`))
	if err := os.Symlink(filepath.Join(filepath.Dir(example), "cognition"), filepath.Join(dir, "cognition")); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, filepath.Base(example))
	if err := os.WriteFile(file, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// checkWeaviateHolds checks that the campaign's cognition items reached
// the server: every section of the seed file is an object of the
// example's collection, and every item a node was shown is one of them.
func checkWeaviateHolds(t *testing.T, srv *weaviatetest.Server, nodes []store.Node) {
	t.Helper()
	resp, err := srv.HTTPClient().Get(weaviatetest.URL + "/v1/objects?class=CirclePacking&limit=1000")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Objects []struct {
			ID         string `json:"id"`
			Properties struct {
				Kind   string `json:"kind"`
				Source string `json:"source"`
			} `json:"properties"`
		} `json:"objects"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list the CirclePacking collection: HTTP %d, %v", resp.StatusCode, err)
	}
	seed, err := os.Open(filepath.Join(repoRoot(t), "hcl-examples", "cognition", "circle-packing.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer seed.Close()
	items, err := cognition.ParseMarkdown(seed, "circle-packing.md")
	if err != nil || len(items) == 0 {
		t.Fatalf("circle-packing.md: %d items, %v", len(items), err)
	}
	stored, priors := map[string]bool{}, map[string]bool{}
	for _, o := range list.Objects {
		stored[o.ID] = true
		if o.Properties.Kind == string(cognition.KindPrior) {
			priors[o.Properties.Source] = true
		}
	}
	for _, it := range items {
		if !priors[it.Source] {
			t.Errorf("the seed item %s is not in weaviate; its objects: %+v", it.Source, list.Objects)
		}
	}
	shown := 0
	for _, n := range nodes {
		for _, id := range n.Cognition {
			shown++
			if !stored[id] {
				t.Errorf("node %d was shown cognition item %s, which weaviate does not hold", n.ID, id)
			}
		}
	}
	if shown == 0 {
		t.Error("no node was shown a cognition item: the search never read the server")
	}
}

// checkStagesRecorded checks that every node of a linear-attention
// campaign records each stage it reached: a valid node the check, explore
// and verify stages' metrics, a refused one the reason.
func checkStagesRecorded(t *testing.T, nodes []store.Node) {
	t.Helper()
	valid := 0
	for _, n := range nodes {
		if !n.Valid {
			if n.Feedback == "" && n.Error == "" {
				t.Errorf("node %d is invalid with no reason recorded", n.ID)
			}
			continue
		}
		valid++
		for _, m := range []string{"check_seconds", "check_scaling_exponent", "explore_mqar_acc", "explore_val_loss", "explore_score", "verify_skipped"} {
			if _, ok := n.Metrics[m]; !ok {
				t.Errorf("node %d lacks %s: %v", n.ID, m, n.Metrics)
			}
		}
	}
	if valid == 0 {
		t.Errorf("no valid node among %d: the initial DeltaNet should pass every stage", len(nodes))
	}
}

const killCampaign = `
campaign "kill" {
  task    = "circlepacking"
  workers = 2
  budget {
    steps = %d
  }
}
`

// TestSIGKILLResume kills asi apply mid-run with SIGKILL and applies again:
// the campaign must continue with no node lost, none stored twice and the
// step count right.
func TestSIGKILLResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const steps = 14
	bin, file, state := writeCampaign(t, steps)
	ctx := context.Background()

	cmd := exec.Command(bin, "apply", "-state", state, file)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForNodes(t, cmd, state, 4)
	// Kill without warning.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := countNodes(t, state)
	if killedAt > steps {
		t.Fatalf("campaign finished before the kill (%d nodes): make it longer", killedAt)
	}

	out, err := exec.Command(bin, "apply", "-state", state, file).CombinedOutput()
	if err != nil {
		t.Fatalf("second apply: %v\n%s", err, out)
	}
	st, err := store.Open(ctx, state)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	nodes, err := st.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int64{}
	for _, n := range nodes {
		if other, dup := seen[n.Step]; dup {
			t.Fatalf("step %d stored twice (nodes %d and %d)", n.Step, other, n.ID)
		}
		seen[n.Step] = n.ID
	}
	for s := int64(0); s <= steps; s++ {
		if _, ok := seen[s]; !ok {
			t.Fatalf("step %d lost after the kill", s)
		}
	}
	if len(nodes) != steps+1 {
		t.Fatalf("%d nodes, want %d", len(nodes), steps+1)
	}
	counts, err := st.Steps(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Running != 0 || counts.Abandoned != 0 || counts.Done != steps+1 {
		t.Fatalf("step table after resume = %+v", counts)
	}
	if !strings.Contains(string(out), fmt.Sprintf("%d of %d done", steps, steps)) {
		t.Fatalf("second apply output:\n%s", out)
	}
	t.Logf("killed with %d nodes stored; resumed to %d", killedAt, len(nodes))
}

// writeCampaign builds asi and writes a campaign of the given step budget;
// it returns the binary, the campaign file and its state directory.
func writeCampaign(t *testing.T, steps int) (bin, file, state string) {
	t.Helper()
	bin = buildAsi(t)
	dir := t.TempDir()
	file = filepath.Join(dir, "campaign.hcl")
	if err := os.WriteFile(file, []byte(fmt.Sprintf(killCampaign, steps)), 0o644); err != nil {
		t.Fatal(err)
	}
	return bin, file, filepath.Join(dir, "state")
}

// waitForNodes waits until the running apply has stored n nodes.
func waitForNodes(t *testing.T, cmd *exec.Cmd, state string, n int) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Minute); countNodes(t, state) < n; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("campaign made no progress")
		}
	}
}

func countNodes(t *testing.T, state string) int {
	t.Helper()
	if _, err := os.Stat(filepath.Join(state, store.FileName)); err != nil {
		return 0
	}
	st, err := store.Open(context.Background(), state)
	if err != nil {
		return 0 // the writer may be creating it
	}
	defer st.Close()
	c, err := st.Steps(context.Background())
	if err != nil {
		return 0
	}
	return c.Done
}

// TestInterruptStopsCleanly sends one SIGINT: apply finishes the steps in
// flight, leaves none unfinished, and exits 0; a second apply carries on.
func TestInterruptStopsCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	const steps = 40
	bin, file, state := writeCampaign(t, steps)
	cmd := exec.Command(bin, "apply", "-state", state, file)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForNodes(t, cmd, state, 3)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("apply after one interrupt: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "stopped:    interrupted") {
		t.Fatalf("output:\n%s", out.String())
	}
	st, err := store.Open(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.Steps(context.Background())
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if counts.Running != 0 || counts.Abandoned != 0 || counts.Done >= steps+1 {
		t.Fatalf("after a clean stop: %+v", counts)
	}
}
