package command

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/internal/chattest"
)

// promptServer is an OpenAI-compatible server whose researcher replies
// depend on the system prompt: with one that names outerRingRadius they
// widen the outer ring of the parent (a change that raises the circle
// packing score), without one they are unusable. Prompt proposals get a
// prompt that names it.
func promptServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		system, user := "", req.Messages[len(req.Messages)-1].Content
		if req.Messages[0].Role == "system" {
			system = req.Messages[0].Content
		}
		reply := "I would rather not change anything."
		parent, _, _ := strings.Cut(user, "## Reference node")
		switch {
		case strings.Contains(user, "You improve the system prompt"):
			reply = "<prompt>You are a careful researcher. Widen outerRingRadius a little.</prompt>"
		case strings.Contains(system, "outerRingRadius") && strings.Contains(parent, "outerRingRadius  = 0.37"):
			reply = "<name>wider-ring</name>\n<motivation>widen the outer ring</motivation>\n<diff>\n<<<<<<< SEARCH\n" +
				"\touterRingRadius  = 0.37\n=======\n\touterRingRadius  = 0.38\n>>>>>>> REPLACE\n</diff>\n"
		}
		chattest.Reply(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestAblatePromptsShowsTheDifference(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real campaigns")
	}
	srv := promptServer(t)
	t.Setenv("ASI_TEST_OPENAI_URL", srv.URL+"/v1")
	t.Setenv("ASI_TEST_OPENAI_KEY", "test-key")
	file := filepath.Join(testdataDir(t), "prompts-ablate.hcl")
	t.Chdir(t.TempDir())
	stdout, stderr, code := run(t, "ablate", "-off", "prompts", "-points", "3", "-json", file)
	if code != exitOK {
		t.Fatalf("ablate: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var got struct {
		Variants []string     `json:"variants"`
		Best     [][]*float64 `json:"best"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("ablate -json: %v\n%s", err, stdout)
	}
	if fmt.Sprint(got.Variants) != "[full prompts]" || len(got.Best) != 2 {
		t.Fatalf("table = %s", stdout)
	}
	last := func(row []*float64) float64 {
		if len(row) == 0 || row[len(row)-1] == nil {
			t.Fatalf("no best score at the last step: %s", stdout)
		}
		return *row[len(row)-1]
	}
	full, off := last(got.Best[0]), last(got.Best[1])
	if full <= off {
		t.Fatalf("best with prompt evolution %v, without %v: want the evolved prompt to do better\n%s", full, off, stdout)
	}
}

// TestPromptVariantsAreShown applies an offline campaign with a prompts
// block and reads its variants back with status, show and export.
func TestPromptVariantsAreShown(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	file := filepath.Join(testdataDir(t), "prompts-offline.hcl")
	t.Chdir(t.TempDir())
	if stdout, stderr, code := run(t, "apply", file); code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}

	stdout, stderr, code := run(t, "status", "-json", file)
	if code != exitOK {
		t.Fatalf("status: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var rep struct {
		Prompts []struct {
			ID     int64   `json:"id"`
			Origin string  `json:"origin"`
			Uses   int     `json:"uses"`
			Mean   float64 `json:"mean_credit"`
			Text   string  `json:"text"`
		} `json:"prompt_variants"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("status -json: %v\n%s", err, stdout)
	}
	if len(rep.Prompts) < 2 || rep.Prompts[0].Origin != "builtin" || rep.Prompts[1].Origin != "offline" {
		t.Fatalf("prompt variants = %+v; want the built-in framing and an offline proposal", rep.Prompts)
	}
	uses := 0
	for _, p := range rep.Prompts {
		uses += p.Uses
	}
	if uses != 6 {
		t.Errorf("the variants were used %d times in all, want 6 (one per step)", uses)
	}

	stdout, _, code = run(t, "status", file)
	if code != exitOK || !strings.Contains(stdout, "Prompt variants") || !strings.Contains(stdout, "builtin") {
		t.Fatalf("status: exit %d\n%s", code, stdout)
	}

	stdout, _, code = run(t, "show", "-json", file, "2")
	var node struct {
		Prompt *struct {
			ID     int64  `json:"id"`
			Origin string `json:"origin"`
		} `json:"prompt_variant"`
	}
	if err := json.Unmarshal([]byte(stdout), &node); code != exitOK || err != nil || node.Prompt == nil || node.Prompt.ID != 1 {
		t.Fatalf("show 2: exit %d, %v, prompt %+v; want variant 1 (the only one at step 1)\n%s", code, err, node.Prompt, stdout)
	}
	if stdout, _, code = run(t, "show", file, "2"); code != exitOK || !strings.Contains(stdout, "prompt:     variant 1 (builtin)") {
		t.Fatalf("show 2: exit %d\n%s", code, stdout)
	}

	stdout, _, code = run(t, "export", "-prompts", "-format", "csv", file)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != exitOK || len(lines) != len(rep.Prompts)+1 || !strings.HasPrefix(lines[0], "id,parent,origin,created_step,uses,mean_credit") {
		t.Fatalf("export -prompts -format csv: exit %d\n%s", code, stdout)
	}
	stdout, _, code = run(t, "export", "-prompts", file)
	if lines := strings.Split(strings.TrimSpace(stdout), "\n"); code != exitOK || len(lines) != len(rep.Prompts) || !strings.Contains(lines[0], `"origin":"builtin"`) {
		t.Fatalf("export -prompts: exit %d\n%s", code, stdout)
	}
}
