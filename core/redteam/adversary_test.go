package redteam_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/redteam"
	"github.com/asi-evolve/asi/internal/chattest"
)

// nanHack passes the NaN hole of testdata/planted/nan: NaN centres pass
// every comparison, so the circles may be as big as the square.
const nanHack = `nan = float("nan")


def pack():
    return [(nan, nan)] * 26, [0.5] * 26
`

// adversaryServer is an OpenAI-compatible server that answers every
// request with reply, or with status when it is not 200. It keeps the
// last request's user message.
func adversaryServer(t *testing.T, status int, reply string) (*httptest.Server, *string) {
	t.Helper()
	var mu sync.Mutex
	var prompt string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		mu.Lock()
		prompt = req.Messages[len(req.Messages)-1].Content
		mu.Unlock()
		if status != http.StatusOK {
			http.Error(w, "the model is down", status)
			return
		}
		chattest.Reply(w, reply)
	}))
	t.Cleanup(srv.Close)
	return srv, &prompt
}

func adversaryModel(t *testing.T, url string) llm.Provider {
	t.Helper()
	p, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: url + "/v1", Model: "scripted", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAdversary(t *testing.T) {
	a := startAudit(t, planted("nan"))
	tests := []struct {
		name   string
		status int
		reply  string
		check  func(t *testing.T, rep redteam.Report, err error)
	}{
		{"a hack program is a finding", http.StatusOK,
			"The NaN centres pass every comparison:\n```python\n" + nanHack + "```\nAnd one that does nothing:\n```python\nprint('hello')\n```\n",
			func(t *testing.T, rep redteam.Report, err error) {
				if err != nil {
					t.Fatal(err)
				}
				var models int
				for _, at := range rep.Attempts {
					if at.Attack.Kind == redteam.KindModel {
						models++
					}
				}
				if models != 2 {
					t.Errorf("%d model attempts, want 2", models)
				}
				if len(rep.Findings) != 1 || rep.Findings[0].Kind != redteam.KindModel || rep.Findings[0].Attack != "model-1" || rep.Findings[0].Code != nanHack {
					t.Fatalf("findings %+v, want model-1's", rep.Findings)
				}
			}},
		{"a reply with no program is a note", http.StatusOK, "I cannot help with that.",
			func(t *testing.T, rep redteam.Report, err error) {
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Findings) != 0 {
					t.Errorf("findings %+v", rep.Findings)
				}
				var noted bool
				for _, n := range rep.Notes {
					noted = noted || strings.Contains(n, "adversary") && strings.Contains(n, "no program")
				}
				if !noted {
					t.Errorf("no note of the empty reply in %q", rep.Notes)
				}
			}},
		{"a server error names the adversary", http.StatusInternalServerError, "",
			func(t *testing.T, rep redteam.Report, err error) {
				t.Logf("error: %v", err)
				if err == nil || !strings.Contains(err.Error(), "adversary") {
					t.Fatalf("got %v, want an error naming the adversary", err)
				}
				if len(rep.Attempts) == 0 {
					t.Error("the library's attempts were lost with the error")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, prompt := adversaryServer(t, tt.status, tt.reply)
			rep, err := redteam.Run(context.Background(), a.ev, a.target, redteam.Options{Seed: 1, Budget: -1, Adversary: adversaryModel(t, srv.URL)})
			tt.check(t, rep, err)
			for _, want := range []string{"passes every check", "def pack():", "combined_score"} {
				if !strings.Contains(*prompt, want) {
					t.Errorf("the adversary's prompt lacks %q", want)
				}
			}
		})
	}
}
