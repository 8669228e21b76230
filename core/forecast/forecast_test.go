package forecast

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/store"
	"github.com/asi-evolve/asi/core/task"
)

// program is a small task program: 40 editable lines of 30 bytes.
var program = "package main\n\n// EVOLVE-BLOCK-START\n" +
	strings.Repeat("const tuned = 0.123456789 // x\n", 40) +
	"// EVOLVE-BLOCK-END\n\nfunc main() {}\n"

var desc = task.Description{
	Name: "toy", Statement: strings.Repeat("Make the number larger. ", 20), Language: "go",
	InitialProgram: program, Metrics: []task.Metric{{Name: "score"}}, Primary: "score", Direction: task.Maximize,
}

// parse decodes a campaign of the toy task from its blocks after the
// campaign block, whose budget is budget.
func parse(t *testing.T, budget, rest string) *campaign.Config {
	t.Helper()
	src := "campaign \"c\" {\n  task = \"toy\"\n  budget {\n" + budget + "\n  }\n}\n" + rest
	cfg, diags := campaign.NewParser().Parse([]byte(src), "c.hcl")
	if diags.HasErrors() {
		t.Fatalf("parse: %s", diags.Error())
	}
	return cfg
}

const pricedModel = `
model "main" {
  base_url     = "http://127.0.0.1:1/v1"
  name         = "house-model"
  price_input  = 2
  price_output = 8
}
roles {
  researcher = model.main
  analyzer   = model.main
}
`

func line(f Forecast, role string) (Line, bool) {
	for _, l := range f.Lines {
		if l.Role == role {
			return l, true
		}
	}
	return Line{}, false
}

func TestOfflineCampaignCallsNoModel(t *testing.T) {
	tests := []struct{ name, blocks string }{
		{"no model", ""},
		{"offline provider", `
model "local" {
  provider = "offline"
}
roles {
  researcher = model.local
  analyzer   = model.local
}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Compute(Input{Config: parse(t, "steps = 10", tt.blocks), Task: desc})
			if !f.NoModel || len(f.Lines) != 0 || f.PerStep.USD != 0 || f.Total != nil {
				t.Errorf("offline campaign: %+v", f)
			}
			if !strings.Contains(f.From, "no model is called") {
				t.Errorf("From = %q", f.From)
			}
		})
	}
}

func TestNewCampaignEstimate(t *testing.T) {
	f := Compute(Input{Config: parse(t, "steps = 10", pricedModel), Task: desc})
	if f.NoModel || f.Steps != 10 || f.StepsDone != 0 {
		t.Fatalf("forecast: %+v", f)
	}
	res, ok := line(f, "researcher")
	if !ok || res.From != "estimate" || res.Price != "campaign file" {
		t.Fatalf("researcher line: %+v", res)
	}
	// The prompt holds the program once per context node, with its
	// motivation and analysis: at least the program's tokens, at most the
	// default three context nodes, the statement and some.
	programTokens := float64(len(program)) / 4
	if p := res.PerStep.PromptTokens; p < programTokens || p > 1.1*3*(programTokens+analysisTokens+motivationTokens)+1000 {
		t.Errorf("researcher prompt tokens a step = %.0f, program is %.0f tokens", p, programTokens)
	}
	wantUSD := (res.PerStep.PromptTokens*2 + res.PerStep.CompletionTokens*8) / 1e6
	if math.Abs(res.PerStep.USD-wantUSD) > 1e-3*wantUSD {
		t.Errorf("researcher USD a step = %g, want %g", res.PerStep.USD, wantUSD)
	}
	repair, ok := line(f, "repair")
	if !ok || math.Abs(repair.PerStep.Calls-FailureRate) > 1e-9 {
		t.Errorf("repair line with max_repairs = 1: %+v, want %g calls a step", repair, FailureRate)
	}
	an, ok := line(f, "analyzer")
	if !ok || an.PerStep.Calls != 1 || an.PerStep.CompletionTokens != analysisTokens {
		t.Errorf("analyzer line: %+v", an)
	}
	if f.Total == nil || math.Abs(f.Total.USD-10*f.PerStep.USD) > 1e-3*f.Total.USD || f.Total.PriceUnknown {
		t.Errorf("total %+v is not 10 steps of %+v", f.Total, f.PerStep)
	}
	if !f.Wall.AtLeast || f.Wall.PerStepSeconds <= 0 || !strings.Contains(f.Wall.From, "LLM time only") {
		t.Errorf("wall of a new campaign: %+v", f.Wall)
	}
	if len(f.Caps) != 0 || len(f.Warnings) != 0 {
		t.Errorf("no cap set, yet caps %v, warnings %v", f.Caps, f.Warnings)
	}
	notes := strings.Join(f.Notes, "\n")
	for _, want := range []string{"assumed to fail evaluation", "researcher prompts: the task's researcher prompt rendered", "SEARCH/REPLACE diff"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

func TestContextGrowsWithTheCampaign(t *testing.T) {
	// Step 1 sees only the initial program; later steps see three nodes.
	early := Compute(Input{Config: parse(t, "steps = 1", pricedModel), Task: desc})
	late := Compute(Input{Config: parse(t, "steps = 1", pricedModel), Task: desc, History: &History{Steps: 0}})
	steady := Compute(Input{Config: parse(t, "", pricedModel), Task: desc})
	e, _ := line(early, "researcher")
	l, _ := line(late, "researcher")
	s, _ := line(steady, "researcher")
	if e.PerStep.PromptTokens != l.PerStep.PromptTokens {
		t.Errorf("the same first step costs %v and %v", e.PerStep.PromptTokens, l.PerStep.PromptTokens)
	}
	if s.PerStep.PromptTokens < 2*e.PerStep.PromptTokens {
		t.Errorf("steady state prompt %v is not about three times step 1's %v", s.PerStep.PromptTokens, e.PerStep.PromptTokens)
	}
	if steady.Total != nil || steady.Steps != 0 {
		t.Errorf("no step budget, yet a total: %+v", steady.Total)
	}
}

func TestPrices(t *testing.T) {
	tests := []struct {
		name        string
		model       string
		wantPrice   string
		wantUnknown bool
	}{
		{"campaign prices", `name = "house-model"
  price_input = 1
  price_output = 2`, "campaign file", false},
		{"built-in list", `name = "gpt-4o-mini"`, "built-in list", false},
		{"reasoning model", `name = "gpt-5-mini"`, "built-in list", false},
		{"no price", `name = "house-model"`, "unknown", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parse(t, "steps = 4\n    usd = 1", "model \"m\" {\n  "+tt.model+"\n}\nroles {\n  researcher = model.m\n}\n")
			f := Compute(Input{Config: cfg, Task: desc})
			res, _ := line(f, "researcher")
			if res.Price != tt.wantPrice || res.PerStep.PriceUnknown != tt.wantUnknown || f.PerStep.PriceUnknown != tt.wantUnknown {
				t.Errorf("line %+v, per step %+v", res, f.PerStep)
			}
			if tt.wantUnknown {
				if res.PerStep.USD != 0 || len(f.PriceUnknown) != 1 || f.PriceUnknown[0] != "m" {
					t.Errorf("unknown price: USD %g, PriceUnknown %v", res.PerStep.USD, f.PriceUnknown)
				}
				warnings := strings.Join(f.Warnings, "\n")
				for _, want := range []string{"model.m has no price", "usd = 1 cannot end the campaign"} {
					if !strings.Contains(warnings, want) {
						t.Errorf("warnings lack %q: %v", want, f.Warnings)
					}
				}
			} else if res.PerStep.USD <= 0 {
				t.Errorf("known price, USD %g", res.PerStep.USD)
			}
			reasons := strings.Contains(strings.Join(f.Warnings, "\n"), "model.m (gpt-5-mini) reasons before it answers")
			if reasons != strings.Contains(tt.model, "gpt-5") {
				t.Errorf("warnings %q", f.Warnings)
			}
		})
	}
}

func TestMaxTokensCapsReplies(t *testing.T) {
	cfg := parse(t, "steps = 2", strings.Replace(pricedModel, "price_input", "max_tokens = 50\n  price_input", 1))
	f := Compute(Input{Config: cfg, Task: desc})
	res, _ := line(f, "researcher")
	if per := res.PerStep.CompletionTokens / res.PerStep.Calls; math.Round(per) != 50 {
		t.Errorf("researcher reply = %v tokens, want max_tokens 50", per)
	}
}

func TestResearcherShares(t *testing.T) {
	cfg := parse(t, "steps = 10", `
model "a" {
  name = "a"
  price_input = 1
  price_output = 1
  weight = 3
}
model "b" {
  name = "b"
  price_input = 1
  price_output = 1
}
roles {
  researcher = [model.a, model.b]
}
`)
	f := Compute(Input{Config: cfg, Task: desc})
	var a, b float64
	for _, l := range f.Lines {
		if l.Role == "researcher" {
			switch l.Model {
			case "a":
				a = l.PerStep.Calls
			case "b":
				b = l.PerStep.Calls
			}
		}
	}
	if math.Abs(a-3*b) > 0.02 || math.Abs(a+b-(1+EditRetryRate)) > 0.02 {
		t.Errorf("weights 3 and 1 give calls %v and %v", a, b)
	}
}

func TestCaps(t *testing.T) {
	cfg := parse(t, "steps = 10", pricedModel)
	per := Compute(Input{Config: cfg, Task: desc}).PerStep
	bound := newEstimator(cfg, desc, 0, 10).researcherBound()
	tests := []struct {
		name, budget string
		want         int // steps the cap allows
		message      string
	}{
		{"usd", "steps = 10\n    usd = " + number(bound+3.5*per.USD), 4, "usd = %s ends the campaign after about 4 of 10 steps"},
		{"tokens", "steps = 10\n    tokens = " + number(math.Floor(2.5*per.Tokens())), 3, "tokens = %s ends the campaign after about 3 of 10 steps"},
		{"usd enough", "steps = 10\n    usd = 100", -1, ""},
		{"usd under the workers' first calls", "steps = 10\n    usd = " + number(1.2*bound), int(math.Floor((1.2*bound-math.Max(3*per.USD, bound))/per.USD)) + 1, "usd = %s ends the campaign after about %d of 10 steps (a researcher call books up to"},
		{"tokens without steps", "tokens = " + number(math.Floor(2.5*per.Tokens())), 3, "tokens = %s ends the campaign after about 3 steps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := parse(t, tt.budget, pricedModel)
			if strings.Contains(tt.name, "workers") {
				cfg.Campaign.Workers = 3
			}
			f := Compute(Input{Config: cfg, Task: desc})
			if tt.want < 0 {
				if len(f.Caps) != 0 {
					t.Errorf("caps %+v, want none", f.Caps)
				}
				return
			}
			if len(f.Caps) != 1 {
				t.Fatalf("caps %+v, want one", f.Caps)
			}
			c := f.Caps[0]
			message := strings.Replace(strings.Replace(tt.message, "%s", c.Limit, 1), "%d", fmt.Sprint(tt.want), 1)
			if c.EndsAfter != tt.want || !strings.HasPrefix(c.Message, message) {
				t.Errorf("cap %+v, want %d steps and %q", c, tt.want, message)
			}
			concurrent := strings.Contains(strings.Join(f.Warnings, "\n"), "may end the campaign as soon as 3 workers' researcher calls are out at once")
			if concurrent != (cfg.Campaign.Workers == 3) {
				t.Errorf("warnings %q", f.Warnings)
			}
		})
	}
}

func TestHistoryDrivesTheRemainder(t *testing.T) {
	cfg := parse(t, "steps = 10\n    wall = \"1m\"", pricedModel+`
manager {
  model = model.main
  every = 5
}
`)
	h := &History{
		Steps: 4,
		Spent: store.Usage{Calls: 9, PromptTokens: 40000, CompletionTokens: 4000, CostUSD: 0.5},
		Roles: map[string]store.RoleSpend{
			"researcher": {Role: "researcher", Calls: 6, PromptTokens: 24000, CompletionTokens: 2400},
			"analyzer":   {Role: "analyzer", Calls: 4, PromptTokens: 8000, CompletionTokens: 800},
		},
		Once:      map[string]bool{"manager": true},
		StepTimes: []time.Duration{20 * time.Second, 40 * time.Second},
	}
	f := Compute(Input{Config: cfg, Task: desc, History: h})
	if f.Steps != 6 || f.StepsDone != 4 || !strings.Contains(f.From, "history") {
		t.Fatalf("forecast: steps %d done %d from %q", f.Steps, f.StepsDone, f.From)
	}
	// Steps 1 to 4 saw fewer context nodes and cognition items than the
	// rest will: the stored prompts grow by the rendered prompts' ratio.
	growth := newEstimator(cfg, desc, 4, 6).growth
	if growth <= 1.05 {
		t.Errorf("growth from steps 1-4 to 5-10 = %v, want more than 1", growth)
	}
	res, _ := line(f, "researcher")
	prompt := math.Round(6000 * growth)
	if res.From != "history" || res.PerStep.Calls != 1.5 || res.PerStep.PromptTokens != prompt || res.PerStep.CompletionTokens != 600 {
		t.Errorf("researcher from history: %+v, want 1.5 calls, %v + 600 tokens", res, prompt)
	}
	if want := (prompt*2 + 600*8) / 1e6; math.Abs(res.PerStep.USD-want) > 1e-5 {
		t.Errorf("researcher priced at %g, want the file's prices: %g", res.PerStep.USD, want)
	}
	an, _ := line(f, "analyzer")
	if an.PerStep.PromptTokens != 2000 {
		t.Errorf("analyzer prompts do not grow: %+v", an)
	}
	repair, _ := line(f, "repair")
	if repair.From != "history" || repair.PerStep.Calls != 0 {
		t.Errorf("no repair in history means none: %+v", repair)
	}
	manager, _ := line(f, "manager")
	if manager.From != "estimate" || manager.Once != nil || manager.PerStep.Calls != 0.2 {
		t.Errorf("manager: guidance stored, recommendations every 5 steps: %+v", manager)
	}
	if f.Wall.AtLeast || f.Wall.PerStepSeconds != 30 || f.Wall.TotalSeconds != 180 {
		t.Errorf("wall from history: %+v", f.Wall)
	}
	// Wall is per run: 60s at 30s a step is 2 more steps, 6 in all.
	if len(f.Caps) != 1 || f.Caps[0].Budget != "wall" || f.Caps[0].EndsAfter != 6 {
		t.Errorf("caps %+v, want wall ending after 6", f.Caps)
	}
}

func TestUnreadableHistory(t *testing.T) {
	f := Compute(Input{Config: parse(t, "steps = 3", pricedModel), Task: desc, HistoryError: errors.New("file is not a database")})
	if f.HistoryError != "file is not a database" || !strings.Contains(f.From, "unreadable") || f.Total == nil || f.Total.USD <= 0 {
		t.Errorf("forecast with an unreadable history: %+v", f)
	}
}

func TestReadHistory(t *testing.T) {
	ctx := context.Background()
	t.Run("no store", func(t *testing.T) {
		h, err := ReadHistory(ctx, t.TempDir())
		if h != nil || err != nil {
			t.Errorf("ReadHistory of an empty directory = %v, %v", h, err)
		}
	})
	t.Run("not a database", func(t *testing.T) {
		dir := t.TempDir()
		garbage := []byte(strings.Repeat("not sqlite ", 500))
		if err := os.WriteFile(filepath.Join(dir, store.FileName), garbage, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := ReadHistory(ctx, dir)
		if h != nil || err == nil {
			t.Fatalf("ReadHistory of garbage = %v, %v", h, err)
		}
		if got, _ := os.ReadFile(filepath.Join(dir, store.FileName)); string(got) != string(garbage) {
			t.Errorf("ReadHistory changed the unreadable file")
		}
	})
	t.Run("stored steps", func(t *testing.T) {
		dir := t.TempDir()
		st, err := store.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		calls := []store.Call{
			{Step: 0, Role: "manager", Provider: "openai", PromptTokens: 500, CompletionTokens: 50, CostUSD: 0.01},
			{Step: 1, Role: "researcher", Provider: "openai", PromptTokens: 1000, CompletionTokens: 100, CostUSD: 0.02},
			{Step: 1, Role: "analyzer", Provider: "openai", PromptTokens: 700, CompletionTokens: 70, CostUSD: 0.01},
			{Step: 2, Role: "researcher", Provider: "openai", PromptTokens: 3000, CompletionTokens: 300, CostUSD: 0.06},
			{Step: 2, Role: "researcher", Provider: store.OfflineProvider},
		}
		for step := range int64(3) {
			if _, _, _, err := st.ClaimStep(ctx, 0); err != nil {
				t.Fatal(err)
			}
			for _, c := range calls {
				if c.Step == step {
					if err := st.RecordCall(ctx, c); err != nil {
						t.Fatal(err)
					}
				}
			}
			if _, err := st.Commit(ctx, &store.Node{Step: step, Name: "n", Metrics: map[string]float64{}}, nil, nil); err != nil {
				t.Fatal(err)
			}
		}
		st.Close()
		h, err := ReadHistory(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if h.Steps != 2 || h.Spent.Calls != 4 || h.Spent.CostUSD < 0.0999 || len(h.StepTimes) != 2 {
			t.Errorf("history: %+v", h)
		}
		r := h.Roles["researcher"]
		if r.Calls != 2 || r.PromptTokens != 4000 || r.CompletionTokens != 400 {
			t.Errorf("researcher spend %+v: the offline exchange must not count", r)
		}
		if _, ok := h.Roles["manager"]; ok || !h.Once["manager"] || h.Once["researcher"] {
			t.Errorf("manager's step-0 call: roles %v once %v", h.Roles, h.Once)
		}
		a, ok := h.perStep("analyzer")
		if !ok || a.Calls != 0.5 || a.PromptTokens != 350 {
			t.Errorf("analyzer per step %+v", a)
		}
		if _, ok := h.perStep("judge"); ok {
			t.Errorf("a role with no stored call has no history")
		}
	})
}

// TestUnmodeledRoles: the prompts block's model is left out of a new
// campaign's forecast, saying so, and taken from the history on resume.
func TestUnmodeledRoles(t *testing.T) {
	cfg := parse(t, "steps = 10", pricedModel+`
model "writer" {
  name = "house-writer"
}
prompts {
  model = model.writer
  every = 5
}
`)
	f := Compute(Input{Config: cfg, Task: desc})
	if _, ok := line(f, "prompts"); ok {
		t.Errorf("a new campaign's forecast has a prompts line: %+v", f.Lines)
	}
	if w := strings.Join(f.Warnings, "\n"); !strings.Contains(w, "not in this forecast until the campaign has stored steps: model.writer writes a prompt variant every 5 steps") {
		t.Errorf("warnings %q", f.Warnings)
	}
	h := &History{Steps: 5, Roles: map[string]store.RoleSpend{
		"researcher": {Calls: 5, PromptTokens: 5000, CompletionTokens: 500},
		"prompts":    {Calls: 1, PromptTokens: 3000, CompletionTokens: 400, CostUSD: 0.05},
	}}
	f = Compute(Input{Config: cfg, Task: desc, History: h})
	l, ok := line(f, "prompts")
	if !ok || l.From != "history" || l.Price != "as recorded" || l.PerStep.Calls != 0.2 || math.Abs(l.PerStep.USD-0.01) > 1e-9 || l.PerStep.PriceUnknown {
		t.Errorf("prompts line from history: %+v", l)
	}
	if strings.Contains(strings.Join(f.Warnings, "\n"), "not in this forecast") {
		t.Errorf("warnings %q", f.Warnings)
	}
}

// TestAdversaryIsNamed: the audit's adversary calls a model the forecast
// cannot model before the campaign has history: it says so, by name.
func TestAdversaryIsNamed(t *testing.T) {
	cfg := parse(t, "steps = 10", pricedModel+`
model "red" {
  name = "house-red"
}
audit {
  adversary = model.red
}
`)
	f := Compute(Input{Config: cfg, Task: desc})
	if w := strings.Join(f.Warnings, "\n"); !strings.Contains(w, "model.red writes hack programs each time a new best node is attacked") {
		t.Errorf("warnings %q", f.Warnings)
	}
}
