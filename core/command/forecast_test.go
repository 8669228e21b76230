package command

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/forecast"
	"github.com/asi-evolve/asi/core/store"
)

// serverTokens is the fake server's own tokenizer, not the forecast's:
// one token per run of letters, of digits or of punctuation, as byte-level
// BPE tokenizers roughly split text, and 3 tokens a message.
var serverTokens = regexp.MustCompile(`[A-Za-z]+|[0-9]+|[^\sA-Za-z0-9]+`)

func countTokens(s string) int { return len(serverTokens.FindAllStringIndex(s, -1)) }

// costServer is an OpenAI-compatible chat server that answers like a
// model at work on circle packing: researcher prompts with a
// SEARCH/REPLACE edit of the parent they show, of a window of lines
// around one tuned constant; one edit in ten misquotes the parent (it does
// not apply and is sent back) and two in ten do not build (and go to
// repair, whose reply fixes them); analyzer prompts with an analysis of
// about 120 words. It reports usage counted with serverTokens.
type costServer struct {
	*httptest.Server
	mu       sync.Mutex
	rng      *rand.Rand
	requests int
	edits    int      // researcher edits written
	unknown  []string // first lines of prompts it did not recognise
}

func newCostServer(t *testing.T) *costServer {
	s := &costServer{rng: rand.New(rand.NewPCG(7, 11))}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *costServer) serve(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Messages []struct{ Role, Content string } `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
		return
	}
	prompt := 3
	for _, m := range req.Messages {
		prompt += 3 + countTokens(m.Content)
	}
	first := req.Messages[0].Content
	s.mu.Lock()
	s.requests++
	var reply string
	switch {
	case strings.HasPrefix(first, "You are the researcher"):
		reply = s.edit(codeAfter(first, "## Parent node"), true)
	case strings.HasPrefix(first, "You are fixing a candidate"):
		reply = s.fix(codeAfter(first, "The failing program:"))
	case strings.HasPrefix(first, "You are the analyzer"):
		reply = s.analysis()
	default:
		line, _, _ := strings.Cut(first, "\n")
		s.unknown = append(s.unknown, line)
		reply = "I cannot help with that."
	}
	s.mu.Unlock()
	completion := countTokens(reply)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "c", "object": "chat.completion", "created": 1, "model": "house",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": reply}}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	})
}

// codeAfter is the first fenced code block after marker in prompt.
func codeAfter(prompt, marker string) string {
	_, rest, _ := strings.Cut(prompt, marker)
	_, rest, _ = strings.Cut(rest, "```")
	_, rest, _ = strings.Cut(rest, "\n") // the language
	code, _, _ := strings.Cut(rest, "\n```")
	return code
}

var floatLiteral = regexp.MustCompile(`\b\d+\.\d+\b`)

// brokenScale is what a broken edit puts before a constant: an
// identifier the program does not define.
const brokenScale = "undefinedScale*"

// fix answers a repair prompt: it takes brokenScale out again.
func (s *costServer) fix(program string) string {
	lines := strings.Split(program, "\n")
	for i, l := range lines {
		if strings.Contains(l, brokenScale) {
			from, to := max(i-3, 0), min(i+4, len(lines))
			fixed := append(append(append([]string{}, lines[from:i]...), strings.Replace(l, brokenScale, "", 1)), lines[i+1:to]...)
			return fmt.Sprintf(`The build fails because undefinedScale is not declared; I remove it and keep the new value.

<name>fix-undefined-scale</name>
<motivation>Keep the tuned value without the undeclared scale factor, which broke the build.</motivation>
<diff>
<<<<<<< SEARCH
%s
=======
%s
>>>>>>> REPLACE
</diff>`, strings.Join(lines[from:to], "\n"), strings.Join(fixed, "\n"))
		}
	}
	return s.edit(program, false)
}

// edit changes one tuned constant of program and answers with a diff of
// a window of 5 to 40 lines around it, between a short plan and the tags.
// When mayFail, some edits misquote the program or do not build.
func (s *costServer) edit(program string, mayFail bool) string {
	lines := strings.Split(program, "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		switch {
		case strings.Contains(l, "EVOLVE-BLOCK-START"):
			start = i + 1
		case strings.Contains(l, "EVOLVE-BLOCK-END"):
			end = i
		}
	}
	var tunable []int
	for i := max(start, 0); i < end; i++ {
		if !strings.HasPrefix(strings.TrimSpace(lines[i]), "//") && floatLiteral.MatchString(lines[i]) {
			tunable = append(tunable, i)
		}
	}
	if start < 0 || len(tunable) == 0 {
		return "<name>no-idea</name>\n<motivation>I see nothing to tune.</motivation>"
	}
	at := tunable[s.rng.IntN(len(tunable))]
	from := max(start, at-s.rng.IntN(20)-2)
	to := min(end, at+s.rng.IntN(20)+3)
	loc := floatLiteral.FindStringIndex(lines[at])
	value, _ := strconv.ParseFloat(lines[at][loc[0]:loc[1]], 64)
	factor := 1 + float64(s.rng.IntN(9)-4)/100
	if factor == 1 {
		factor = 1.03
	}
	newValue := strconv.FormatFloat(value*factor, 'f', -1, 64)
	search := append([]string{}, lines[from:to]...)
	if mayFail {
		// At a steady rate, so that both halves of a short campaign see
		// failures: the fifth edit of every ten, and the third of every five.
		s.edits++
		switch {
		case s.edits%10 == 5: // quotes the old value wrong: does not apply
			search[at-from] = lines[at][:loc[0]] + strconv.FormatFloat(value*1.5, 'f', -1, 64) + lines[at][loc[1]:]
		case s.edits%5 == 3: // does not build
			newValue = brokenScale + newValue
		}
	}
	changed := lines[at][:loc[0]] + newValue + lines[at][loc[1]:]
	replaced := append(append(append([]string{}, lines[from:at]...), changed), lines[at+1:to]...)
	name := strings.Fields(lines[at])[0]
	return fmt.Sprintf(`I will scale %[1]s by %.2[2]f: the packing looks limited by the circles it places, and a small move
of this value should let the growth rounds find more room without breaking feasibility.

<name>tune-%[1]s-%[3]d</name>
<motivation>Scale %[1]s by %.2[2]f. The free space near the walls suggests the layout is slightly off; since
construct keeps every choice feasible, the change can only move the score, and the analysis will tell which way.</motivation>
<diff>
<<<<<<< SEARCH
%[4]s
=======
%[5]s
>>>>>>> REPLACE
</diff>`, name, factor, s.requests, strings.Join(search, "\n"), strings.Join(replaced, "\n"))
}

var analysisSentences = []string{
	"The change moved the sum of radii only slightly, which says the layout is close to a local optimum for this parameterisation.",
	"Circles near the corners still leave visible gaps against both walls, so the corner inset is the most promising knob left.",
	"The inner ring seems to constrain the outer ring: when one grows, the other has to shrink to stay feasible.",
	"A finer search over two constants at once would likely beat single-constant tweaks, which now trade one gap for another.",
	"Growth rounds already saturate after three passes; more passes would cost time without changing the radii.",
	"The wobble of the outer ring helps when the ring is nearly square, and hurts when it is round.",
	"Failures so far came from no particular constant: every value tried kept the packing feasible.",
	"Compared with the best context node, the difference is within what a single step of tuning can give.",
}

// analysis writes about 120 words and an insight line.
func (s *costServer) analysis() string {
	var b strings.Builder
	for _, i := range s.rng.Perm(len(analysisSentences))[:5] {
		b.WriteString(analysisSentences[i] + " ")
	}
	b.WriteString("\nTry next: tune the corner inset together with the outer ring radius, in small steps.")
	b.WriteString("\nInsight: on this layout, constants that set ring radii interact; tune them in pairs rather than alone.")
	return b.String()
}

// costCampaign writes a campaign whose researcher and analyzer are
// models at url with prices; budget is the budget block's body.
func costCampaign(t *testing.T, url, budget string) string {
	t.Helper()
	t.Setenv("OPENAI_API_KEY", "test-key")
	src := fmt.Sprintf(`campaign "cost" {
  task    = "circlepacking"
  workers = 2
  budget {
    %s
  }
}

model "large" {
  base_url     = %q
  api_key      = env("OPENAI_API_KEY")
  name         = "house-large"
  price_input  = 3
  price_output = 15
}

model "small" {
  base_url     = %[2]q
  api_key      = env("OPENAI_API_KEY")
  name         = "house-small"
  price_input  = 0.4
  price_output = 1.6
}

roles {
  researcher = model.large
  analyzer   = model.small
}

sandbox {
  memory  = "128MiB"
  timeout = "10s"
}
`, budget, url)
	file := filepath.Join(t.TempDir(), "cost.hcl")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func planForecast(t *testing.T, file string) forecast.Forecast {
	t.Helper()
	stdout, stderr, code := run(t, "plan", "-json", file)
	if code != exitOK {
		t.Fatalf("plan: exit %d\n%s\n%s", code, stdout, stderr)
	}
	var p struct{ Forecast *forecast.Forecast }
	if err := json.Unmarshal([]byte(stdout), &p); err != nil || p.Forecast == nil {
		t.Fatalf("plan -json: %v, no forecast in\n%s", err, stdout)
	}
	return *p.Forecast
}

func storedUsage(t *testing.T, dir string) store.Usage {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.Usage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// within says whether got is within tolerance (a fraction) of want.
func within(got, want, tolerance float64) bool {
	return want > 0 && math.Abs(got-want) <= tolerance*want
}

// TestForecastMatchesSpend: plan's forecast of a new campaign, and of the
// rest of it once half its steps are stored, is within 30% of what the
// server then bills, in dollars and in tokens.
func TestForecastMatchesSpend(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	srv := newCostServer(t)
	const steps = 12
	file := costCampaign(t, srv.URL+"/v1", fmt.Sprintf("steps = %d", steps))
	t.Chdir(t.TempDir())
	state := campaignDir("cost")

	before := planForecast(t, file)
	if before.NoModel || before.Steps != steps || before.Total == nil || before.Total.PriceUnknown || before.HistoryError != "" {
		t.Fatalf("forecast of a new campaign: %+v", before)
	}
	for _, l := range before.Lines {
		if l.From != "estimate" {
			t.Errorf("new campaign, yet %s is from %q", l.Role, l.From)
		}
	}

	if stdout, stderr, code := run(t, "apply", "-steps", strconv.Itoa(steps/2), file); code != exitOK {
		t.Fatalf("apply -steps %d: exit %d\n%s\n%s", steps/2, code, stdout, stderr)
	}
	half := storedUsage(t, state)
	rest := planForecast(t, file)
	if rest.StepsDone != steps/2 || rest.Steps != steps-steps/2 || !strings.Contains(rest.From, "history") || rest.Wall.AtLeast {
		t.Errorf("forecast on resume: done %d, steps %d, from %q, wall %+v", rest.StepsDone, rest.Steps, rest.From, rest.Wall)
	}
	for _, l := range rest.Lines {
		if l.Role != "repair" && l.From != "history" {
			t.Errorf("resumed campaign, yet %s is from %q", l.Role, l.From)
		}
	}

	if stdout, stderr, code := run(t, "apply", file); code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	all := storedUsage(t, state)
	srv.mu.Lock()
	if len(srv.unknown) > 0 {
		t.Errorf("the server got prompts it does not know: %q", srv.unknown)
	}
	srv.mu.Unlock()
	t.Logf("new campaign: forecast $%.4f, %.0f tokens, %.1f calls; billed $%.4f, %d tokens, %d calls",
		before.Total.USD, before.Total.Tokens(), before.Total.Calls, all.CostUSD, all.Tokens(), all.Calls)
	if !within(before.Total.USD, all.CostUSD, 0.3) || !within(before.Total.Tokens(), float64(all.Tokens()), 0.3) {
		t.Errorf("forecast of the campaign $%.4f, %.0f tokens; billed $%.4f, %d tokens: more than 30%% apart",
			before.Total.USD, before.Total.Tokens(), all.CostUSD, all.Tokens())
	}
	restUSD, restTokens := all.CostUSD-half.CostUSD, float64(all.Tokens()-half.Tokens())
	t.Logf("rest: forecast $%.4f, %.0f tokens; billed $%.4f, %.0f tokens", rest.Total.USD, rest.Total.Tokens(), restUSD, restTokens)
	if !within(rest.Total.USD, restUSD, 0.3) || !within(rest.Total.Tokens(), restTokens, 0.3) {
		t.Errorf("forecast of the rest $%.4f, %.0f tokens; billed $%.4f, %.0f tokens: more than 30%% apart",
			rest.Total.USD, rest.Total.Tokens(), restUSD, restTokens)
	}
}

// TestForecastUSDCap: plan says after about how many steps a usd cap ends
// the campaign, and apply stops there. Without max_tokens each researcher
// call books a reply of 16384 tokens, over half the larger cap. One worker:
// with two, whether their calls are out at once is a race.
func TestForecastUSDCap(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real campaign")
	}
	tests := []struct {
		name, usd, maxTokens string
	}{
		{"the mean step", "0.3", "  max_tokens   = 2000\n"},
		{"the researcher call's booking", "0.5", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCostServer(t)
			file := costCampaign(t, srv.URL+"/v1", "steps = 12\n    usd = "+tt.usd)
			src, _ := os.ReadFile(file)
			src = []byte(strings.Replace(string(src), "  price_input  = 3\n", tt.maxTokens+"  price_input  = 3\n", 1))
			src = []byte(strings.Replace(string(src), "workers = 2", "workers = 1", 1))
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(t.TempDir())
			f := planForecast(t, file)
			if len(f.Caps) != 1 || f.Caps[0].Budget != "usd" || f.Caps[0].EndsAfter >= 12 {
				t.Fatalf("caps %+v, want usd ending the campaign early", f.Caps)
			}
			want := fmt.Sprintf("usd = %s ends the campaign after about %d of 12 steps", tt.usd, f.Caps[0].EndsAfter)
			if stdout, _, _ := run(t, "plan", file); !strings.Contains(stdout, "warning:     "+want) {
				t.Errorf("plan does not warn %q:\n%s", want, stdout)
			}
			if stdout, stderr, code := run(t, "apply", file); code != exitOK {
				t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
			}
			st, err := store.Open(context.Background(), campaignDir("cost"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c, err := st.Steps(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			ran := c.Done - 1
			t.Logf("plan said about %d steps; the campaign ran %d", f.Caps[0].EndsAfter, ran)
			// The dollars are forecast within 30%; so are the steps the cap
			// leaves, give or take a step.
			if slack := max(2, int(math.Round(0.3*float64(f.Caps[0].EndsAfter)))); ran < f.Caps[0].EndsAfter-slack || ran > f.Caps[0].EndsAfter+slack {
				t.Errorf("the campaign ran %d steps; plan said about %d", ran, f.Caps[0].EndsAfter)
			}
		})
	}
}

// TestPlanForecastBadInput: plan still works, and says so, with every
// role offline, with a model of unknown price and with a store it
// cannot read.
func TestPlanForecastBadInput(t *testing.T) {
	t.Run("offline", func(t *testing.T) {
		file := filepath.Join(testdataDir(t), "small.hcl")
		t.Chdir(t.TempDir())
		stdout, stderr, code := run(t, "plan", file)
		if code != exitOK || !strings.Contains(stdout, "nothing (every role runs offline: no model is called, no money, no tokens)") {
			t.Errorf("plan of an offline campaign: exit %d\n%s\n%s", code, stdout, stderr)
		}
		if strings.Contains(stdout, "$") {
			t.Errorf("an offline campaign is priced:\n%s", stdout)
		}
	})
	t.Run("no price", func(t *testing.T) {
		file := costCampaign(t, "http://127.0.0.1:1/v1", "steps = 4")
		src, _ := os.ReadFile(file)
		unpriced := strings.Replace(string(src), "  price_input  = 0.4\n  price_output = 1.6\n", "", 1)
		if unpriced == string(src) {
			t.Fatal("the campaign's small model has no prices to remove")
		}
		if err := os.WriteFile(file, []byte(unpriced), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Chdir(t.TempDir())
		stdout, stderr, code := run(t, "plan", file)
		if code != exitOK {
			t.Fatalf("plan: exit %d\n%s\n%s", code, stdout, stderr)
		}
		for _, want := range []string{
			"+ price unknown for model.small",
			"analyzer    model.small    1 call, ",
			"price unknown (estimate; price: unknown)",
			"warning:     model.small has no price",
		} {
			if !strings.Contains(stdout, want) {
				t.Errorf("plan lacks %q:\n%s", want, stdout)
			}
		}
		if regexp.MustCompile(`analyzer .*\$0`).MatchString(stdout) {
			t.Errorf("the unpriced analyzer is shown at $0:\n%s", stdout)
		}
	})
	t.Run("unreadable store", func(t *testing.T) {
		file := costCampaign(t, "http://127.0.0.1:1/v1", "steps = 4")
		t.Chdir(t.TempDir())
		dir := campaignDir("cost")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		garbage := []byte(strings.Repeat("this is not a database ", 300))
		if err := os.WriteFile(filepath.Join(dir, store.FileName), garbage, 0o644); err != nil {
			t.Fatal(err)
		}
		stdout, stderr, code := run(t, "plan", file)
		if code != exitOK {
			t.Fatalf("plan: exit %d\n%s\n%s", code, stdout, stderr)
		}
		for _, want := range []string{"could not read the campaign's history (", "estimated as for a new campaign", "total:       4 steps: about "} {
			if !strings.Contains(stdout, want) {
				t.Errorf("plan lacks %q:\n%s", want, stdout)
			}
		}
		if got, _ := os.ReadFile(filepath.Join(dir, store.FileName)); string(got) != string(garbage) {
			t.Errorf("plan changed the unreadable store")
		}
	})
}
