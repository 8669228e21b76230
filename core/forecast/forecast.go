package forecast

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/task"
)

// Assumptions used where the campaign has no history of its own. Each is
// named in the forecast's notes when it is used.
const (
	// FailureRate is the share of candidates assumed to fail evaluation;
	// each failure asks for a repair while max_repairs allows, and a repair
	// is assumed to fail as often.
	FailureRate = 0.3
	// EditRetryRate is the share of researcher replies assumed not to
	// apply, each sent back once with the reason.
	EditRetryRate = 0.1
	// TwinRate is the share of candidates the novelty check is assumed to
	// find a twin for: a confirm call, and the researcher asked again.
	TwinRate = 0.1

	// OutputTokensPerSecond and PromptTokensPerSecond are the model speed
	// a new campaign's LLM time assumes, with CallLatency on top of each
	// call.
	OutputTokensPerSecond = 50
	PromptTokensPerSecond = 2000
	CallLatency           = time.Second
)

// Input is what a forecast is made from.
type Input struct {
	Config *campaign.Config
	Task   task.Description // as the task plugin describes it for this file
	// History is the campaign's store, nil for a new campaign or one whose
	// store could not be read (HistoryError says why).
	History      *History
	HistoryError error
}

// Forecast is what a campaign is expected to cost from now on.
type Forecast struct {
	// From says in a few words what the numbers come from.
	From      string `json:"from"`
	StepsDone int    `json:"steps_done"` // steps stored after the initial program
	// Steps is how many steps are forecast: what the step budget leaves;
	// 0 when the budget sets no step count (then only PerStep is known).
	Steps int `json:"steps"`
	// NoModel is set when every role runs offline: nothing is called and
	// nothing is spent.
	NoModel bool    `json:"no_model"`
	Lines   []Line  `json:"lines"`
	PerStep Amount  `json:"per_step"`
	Total   *Amount `json:"total,omitempty"` // Steps steps plus one-off calls; nil without a step budget
	// PriceUnknown lists the labels of the models called whose price is
	// not known: their calls are left out of every USD figure.
	PriceUnknown []string `json:"price_unknown,omitempty"`
	Wall         Wall     `json:"wall"`
	Caps         []Cap    `json:"caps,omitempty"`
	// Warnings are problems with the caps the user may want to fix.
	Warnings []string `json:"warnings,omitempty"`
	// Notes say which numbers are estimated from what.
	Notes        []string `json:"notes"`
	HistoryError string   `json:"history_error,omitempty"`
}

// Amount is a count of calls, tokens and dollars; fractional calls are
// expectations.
type Amount struct {
	Calls            float64 `json:"calls"`
	PromptTokens     float64 `json:"prompt_tokens"`
	CompletionTokens float64 `json:"completion_tokens"`
	// USD is the cost of the calls whose price is known.
	USD float64 `json:"usd"`
	// PriceUnknown is set when some of the calls have no known price: USD
	// leaves them out.
	PriceUnknown bool `json:"price_unknown,omitempty"`
}

// rounded keeps what a reader can use: calls to hundredths, tokens whole,
// dollars to a millionth.
func (a Amount) rounded() Amount {
	a.Calls = math.Round(a.Calls*100) / 100
	a.PromptTokens, a.CompletionTokens = math.Round(a.PromptTokens), math.Round(a.CompletionTokens)
	a.USD = math.Round(a.USD*1e6) / 1e6
	return a
}

// round rounds every amount once the caps are computed from exact ones.
func (f *Forecast) round() {
	for i := range f.Lines {
		l := &f.Lines[i]
		l.PerStep = l.PerStep.rounded()
		if l.Once != nil {
			once := l.Once.rounded()
			l.Once = &once
		}
	}
	f.PerStep = f.PerStep.rounded()
	if f.Total != nil {
		total := f.Total.rounded()
		f.Total = &total
	}
	f.Wall.PerStepSeconds = math.Round(f.Wall.PerStepSeconds*10) / 10
	f.Wall.TotalSeconds = math.Round(f.Wall.TotalSeconds)
}

// Tokens is prompt plus completion tokens.
func (a Amount) Tokens() float64 { return a.PromptTokens + a.CompletionTokens }

func (a Amount) plus(b Amount) Amount {
	return Amount{
		Calls: a.Calls + b.Calls, PromptTokens: a.PromptTokens + b.PromptTokens,
		CompletionTokens: a.CompletionTokens + b.CompletionTokens, USD: a.USD + b.USD,
		PriceUnknown: a.PriceUnknown || b.PriceUnknown,
	}
}

func (a Amount) times(n float64) Amount {
	return Amount{Calls: a.Calls * n, PromptTokens: a.PromptTokens * n, CompletionTokens: a.CompletionTokens * n,
		USD: a.USD * n, PriceUnknown: a.PriceUnknown && n > 0}
}

// Line is what one role costs with one model.
type Line struct {
	Role    string  `json:"role"`  // researcher, repair, analyzer, judge, novelty, manager
	Model   string  `json:"model"` // the model block's label
	PerStep Amount  `json:"per_step"`
	Once    *Amount `json:"once,omitempty"` // calls made once per campaign (the manager's guidance)
	// From is "history" when the campaign's own steps gave the numbers,
	// "estimate" when the assumptions did.
	From string `json:"from"`
	// Price says where the price comes from: "campaign file", "built-in
	// list" or "unknown".
	Price string `json:"price"`
}

// Wall is the expected wall time.
type Wall struct {
	PerStepSeconds float64 `json:"per_step_seconds"` // wall time a step adds, workers counted
	TotalSeconds   float64 `json:"total_seconds,omitempty"`
	// AtLeast is set when only the LLM time is known (a new campaign):
	// evaluation comes on top.
	AtLeast bool   `json:"at_least"`
	From    string `json:"from"`
}

// Cap is a budget limit that would end the campaign before its steps, or
// the step where it would end one without a step budget.
type Cap struct {
	Budget    string `json:"budget"` // "usd", "tokens" or "wall"
	Limit     string `json:"limit"`
	EndsAfter int    `json:"ends_after"` // steps after the initial program, earlier runs included
	Steps     int    `json:"steps"`      // the step budget; 0 when unlimited
	Message   string `json:"message"`
}

// Compute makes the forecast.
func Compute(in Input) Forecast {
	cfg := in.Config
	f := Forecast{From: "new campaign: estimated from the task's prompts and assumed rates"}
	if in.HistoryError != nil {
		f.HistoryError = in.HistoryError.Error()
		f.From = "campaign history unreadable: estimated from the task's prompts and assumed rates"
	}
	h := in.History
	if h != nil {
		f.StepsDone = h.Steps
		if h.Steps > 0 {
			f.From = fmt.Sprintf("campaign history: means over its %d stored steps", h.Steps)
		}
	}
	if b := cfg.Campaign.Budget.Steps; b > 0 {
		f.Steps = max(b-f.StepsDone, 0)
	}
	e := newEstimator(cfg, in.Task, f.StepsDone, f.Steps)
	notes := map[string]bool{}
	unknown := map[string]bool{}
	reasoning := map[string]bool{}
	for _, p := range plays(cfg) {
		m := cfg.Models[p.model]
		pr := priceOf(m)
		line := Line{Role: p.role, Model: p.model, From: "estimate", Price: pr.from}
		est := e.estimate(p.role, m)
		perStep := est.perStep
		if hs, ok := h.perStep(p.role); ok {
			perStep, line.From = hs, "history"
			if p.role == "researcher" {
				perStep.PromptTokens *= e.growth
			}
		}
		perStep = perStep.times(p.share)
		line.PerStep = pr.cost(perStep)
		if est.once.Calls > 0 && !h.madeOnce(p.role) {
			once := pr.cost(est.once)
			line.Once = &once
		}
		if !pr.known {
			unknown[p.model] = true
		}
		for _, n := range est.notes {
			if line.From == "estimate" || n == noteMaxTokens {
				notes[n] = true
			}
		}
		if line.From == "estimate" && (m.ReasoningEffort != "" || llm.IsReasoningModel(m.Name)) {
			reasoning[p.model] = true
		}
		f.Lines = append(f.Lines, line)
	}
	var unmodeled []string
	for _, u := range unmodeledRoles(cfg) {
		l, ok := h.line(u.role, u.model, cfg)
		if !ok {
			unmodeled = append(unmodeled, fmt.Sprintf("model.%s %s", u.model, u.what))
			continue
		}
		if l.PerStep.PriceUnknown {
			unknown[l.Model] = true
		}
		f.Lines = append(f.Lines, l)
	}
	if len(unmodeled) > 0 {
		f.Warnings = append(f.Warnings, "not in this forecast until the campaign has stored steps: "+strings.Join(unmodeled, "; "))
	}
	for _, label := range slices.Sorted(maps.Keys(reasoning)) {
		f.Warnings = append(f.Warnings, fmt.Sprintf("model.%s (%s) reasons before it answers: its hidden reasoning tokens are billed as completion tokens and are not in this estimate (often several times the reply); once steps are stored, the forecast counts them",
			label, cfg.Models[label].Name))
	}
	f.PriceUnknown = slices.Sorted(maps.Keys(unknown))
	if len(f.Lines) == 0 && len(unmodeled) == 0 {
		f.NoModel = true
		f.From = "every role runs offline: no model is called"
		f.Notes = []string{"the offline roles make no LLM calls: the campaign spends no money and no tokens"}
		return f
	}
	var once Amount
	for _, l := range f.Lines {
		f.PerStep = f.PerStep.plus(l.PerStep)
		if l.Once != nil {
			once = once.plus(*l.Once)
		}
	}
	if f.Steps > 0 || cfg.Campaign.Budget.Steps > 0 {
		total := f.PerStep.times(float64(f.Steps)).plus(once)
		f.Total = &total
	}
	f.Wall = wall(cfg, h, f.Lines, f.Steps)
	var capWarnings []string
	f.Caps, capWarnings = caps(cfg, h, f, once, e)
	f.Warnings = append(capWarnings, f.Warnings...)
	for _, label := range f.PriceUnknown {
		if cfg.Models[label].Provider == campaign.ProviderReplay {
			f.Warnings = append(f.Warnings, fmt.Sprintf("model.%s replays recorded exchanges: they cost what was recorded, which is left out of the dollars above", label))
			continue
		}
		f.Warnings = append(f.Warnings, fmt.Sprintf("model.%s has no price (set price_input and price_output): its calls are left out of the dollars above and count $0 against usd", label))
	}
	f.round()
	f.Notes = append(f.Notes, e.baseNotes(h)...)
	f.Notes = append(f.Notes, slices.Sorted(maps.Keys(notes))...)
	if f.Wall.From != "" {
		f.Notes = append(f.Notes, "wall time: "+f.Wall.From)
	}
	return f
}

// play is a role played by a model, with its share of the role's calls.
type play struct {
	role, model string
	share       float64
}

// plays lists the roles that call a model, in the order a step makes
// them; roles run offline make no calls and are left out.
func plays(cfg *campaign.Config) []play {
	var out []play
	researchers := cfg.Roles.Researchers
	if len(researchers) == 0 && cfg.Roles.Researcher != "" {
		researchers = []string{cfg.Roles.Researcher}
	}
	shares := researcherShares(cfg, researchers)
	for _, role := range []string{"researcher", "repair"} {
		if role == "repair" && cfg.Roles.MaxRepairs <= 0 {
			continue
		}
		for i, label := range researchers {
			if callsModel(cfg, label) {
				out = append(out, play{role, label, shares[i]})
			}
		}
	}
	r := cfg.Research
	for _, p := range []struct {
		role, model string
		on          bool
	}{
		{"analyzer", cfg.Roles.Analyzer, true},
		{"judge", r.Judge.Model, r.Judge.Enabled},
		{"novelty", r.Novelty.Confirm, r.Novelty.Enabled},
		{"manager", r.Manager.Model, r.Manager.Enabled},
	} {
		if p.on && callsModel(cfg, p.model) {
			out = append(out, play{p.role, p.model, 1})
		}
	}
	return out
}

// unmodeled is a role whose calls only a campaign's history can tell.
type unmodeled struct{ role, model, what string }

// unmodeledRoles lists the roles that call a model and that the estimate
// does not model: the prompts block's variant writer (it also frames each
// researcher prompt), the audit's judge and its adversary.
func unmodeledRoles(cfg *campaign.Config) []unmodeled {
	var out []unmodeled
	if p := cfg.Prompts; p.Enabled && callsModel(cfg, p.Model) {
		out = append(out, unmodeled{"prompts", p.Model, fmt.Sprintf("writes a prompt variant every %d steps, and the variants lengthen researcher prompts (prompts block)", p.Every)})
	}
	if a := cfg.Audit; a.Enabled && callsModel(cfg, a.Judge) {
		out = append(out, unmodeled{"audit", a.Judge, "reads each audited node (audit block)"})
	}
	if a := cfg.Audit; a.Enabled && callsModel(cfg, a.Adversary) {
		out = append(out, unmodeled{"adversary", a.Adversary, "writes hack programs each time a new best node is attacked (audit block)"})
	}
	return out
}

// researcherShares is each researcher's expected share of the steps: by
// weight, or equal shares for the ucb choice, which follows results.
func researcherShares(cfg *campaign.Config, labels []string) []float64 {
	shares := make([]float64, len(labels))
	var sum float64
	for i, label := range labels {
		w := 1.0
		if m, ok := cfg.Models[label]; ok && m.Weight > 0 && cfg.Roles.ResearcherChoice != "ucb" {
			w = m.Weight
		}
		shares[i] = w
		sum += w
	}
	for i := range shares {
		shares[i] /= sum
	}
	return shares
}

// callsModel says whether label names a model that is called: not the
// offline provider, not a role left offline.
func callsModel(cfg *campaign.Config, label string) bool {
	m, ok := cfg.Models[label]
	return label != "" && ok && m.Provider != campaign.ProviderOffline
}

// price is a model's price per million tokens and where it comes from.
type price struct {
	in, out float64
	known   bool
	from    string
}

// priceOf finds a model's price as the provider will charge it: the
// campaign's prices, or the built-in list when the file sets neither.
func priceOf(m *campaign.Model) price {
	switch {
	case m.Provider == campaign.ProviderReplay:
		return price{from: "unknown (a replay counts what was recorded)"}
	case m.PriceInput != 0 || m.PriceOutput != 0:
		return price{in: m.PriceInput, out: m.PriceOutput, known: true, from: "campaign file"}
	}
	if in, out, ok := llm.Price(m.Name); ok {
		return price{in: in, out: out, known: true, from: "built-in list"}
	}
	return price{from: "unknown"}
}

// cost prices an amount; an unknown price leaves USD at 0 and says so.
func (p price) cost(a Amount) Amount {
	a.USD, a.PriceUnknown = 0, false
	if !p.known {
		a.PriceUnknown = a.Calls > 0
		return a
	}
	a.USD = (a.PromptTokens*p.in + a.CompletionTokens*p.out) / 1e6
	return a
}

// wall estimates the wall time of the forecast steps: from the stored
// steps' durations, or, for a new campaign, from the LLM time alone.
func wall(cfg *campaign.Config, h *History, lines []Line, steps int) Wall {
	workers := float64(max(cfg.Campaign.Workers, 1))
	var w Wall
	if h != nil && len(h.StepTimes) > 0 {
		var sum time.Duration
		for _, d := range h.StepTimes {
			sum += d
		}
		mean := sum.Seconds() / float64(len(h.StepTimes))
		w.PerStepSeconds = mean / workers
		w.From = fmt.Sprintf("mean time of the %d stored steps (%.1fs from claim to commit), over %s", len(h.StepTimes), mean, workerCount(workers))
	} else {
		var llmSeconds float64
		for _, l := range lines {
			a := l.PerStep
			llmSeconds += a.Calls*CallLatency.Seconds() + a.PromptTokens/PromptTokensPerSecond + a.CompletionTokens/OutputTokensPerSecond
		}
		w.PerStepSeconds = llmSeconds / workers
		w.AtLeast = true
		w.From = fmt.Sprintf("LLM time only, at an assumed %d completion tokens/s, %d prompt tokens/s and %s a call, over %s; evaluation time is not known before steps run (evaluation_timeout = %s bounds each)",
			OutputTokensPerSecond, PromptTokensPerSecond, CallLatency, workerCount(workers), cfg.Campaign.EvaluationTimeout)
	}
	w.TotalSeconds = w.PerStepSeconds * float64(steps)
	return w
}

// caps finds the budget limits that end the campaign before its steps
// (or, without a step budget, where they end it), and what makes a cap
// blind.
func caps(cfg *campaign.Config, h *History, f Forecast, once Amount, e *estimator) ([]Cap, []string) {
	b := cfg.Campaign.Budget
	workers := float64(max(cfg.Campaign.Workers, 1))
	var spent Amount
	if h != nil {
		spent = Amount{Calls: float64(h.Spent.Calls), PromptTokens: float64(h.Spent.PromptTokens),
			CompletionTokens: float64(h.Spent.CompletionTokens), USD: h.Spent.CostUSD}
	}
	spent = spent.plus(once)
	var out []Cap
	var warnings []string
	add := func(budget, limit string, runSteps int) {
		ends := f.StepsDone + max(runSteps, 0)
		if b.Steps > 0 && ends >= b.Steps {
			return
		}
		c := Cap{Budget: budget, Limit: limit, EndsAfter: ends, Steps: b.Steps}
		if b.Steps > 0 {
			c.Message = fmt.Sprintf("%s = %s ends the campaign after about %d of %d steps", budget, limit, ends, b.Steps)
		} else {
			c.Message = fmt.Sprintf("%s = %s ends the campaign after about %d steps", budget, limit, ends)
		}
		if budget == "wall" {
			c.Message += " in one run of asi apply"
			if f.Wall.AtLeast {
				c.Message += " (from LLM time alone: evaluation makes it fewer)"
			}
		}
		out = append(out, c)
	}
	if b.USD > 0 {
		usd := number(b.USD)
		per := f.PerStep.USD
		switch {
		case per <= 0 && f.PerStep.PriceUnknown:
			warnings = append(warnings, fmt.Sprintf("usd = %s cannot end the campaign: no call has a known price", usd))
		case per > 0:
			// A step starts only while the spend and the mean step, for it
			// and every step in flight, fit; its first call also books its
			// bound (prompt at one token per byte, reply at max_tokens)
			// beside the bookings of the calls in flight, and the first
			// refusal ends the campaign.
			bound := e.researcherBound()
			n := int(math.Floor((b.USD-spent.USD-math.Max(workers*per, bound))/per)) + 1
			add("usd", usd, n)
			if workers > 1 && spent.USD+workers*bound > b.USD {
				warnings = append(warnings, fmt.Sprintf("usd = %s may end the campaign as soon as %d workers' researcher calls are out at once: each books up to $%.2g (set max_tokens, or fewer workers)",
					usd, int(workers), bound))
			}
			if len(out) > 0 && out[len(out)-1].Budget == "usd" && bound > workers*per {
				out[len(out)-1].Message += fmt.Sprintf(" (a researcher call books up to $%.2g before it is made, its reply at max_tokens, or at %d tokens when unset)", bound, llm.DefaultReplyTokens)
			}
		}
	}
	if b.Tokens > 0 && f.PerStep.Tokens() > 0 {
		n := int(math.Ceil((float64(b.Tokens) - spent.Tokens()) / f.PerStep.Tokens()))
		add("tokens", fmt.Sprint(b.Tokens), n)
	}
	if b.Wall > 0 && f.Wall.PerStepSeconds > 0 {
		n := int(math.Ceil(b.Wall.Seconds() / f.Wall.PerStepSeconds))
		add("wall", fmt.Sprintf("%q", b.Wall.String()), n)
	}
	return out, warnings
}

// number writes a budget value as the campaign file would.
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// workerCount is "1 worker" or "N workers".
func workerCount(workers float64) string {
	if int(workers) == 1 {
		return "1 worker"
	}
	return fmt.Sprintf("%d workers", int(workers))
}
