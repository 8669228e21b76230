package forecast

import (
	"fmt"
	"math"
	"strings"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/task"
)

// Typical sizes, in tokens, of what a campaign's prompts and replies hold
// besides the program: assumptions, named in the notes.
const (
	motivationTokens     = 60  // a node's motivation
	analysisTokens       = 200 // an analysis: the analyzer is asked for at most 150 words
	insightTokens        = 40  // a cognition item
	proseTokens          = 150 // a researcher reply's name and motivation
	diffLines            = 25  // lines of the EVOLVE region a researcher's diff rewrites
	judgementTokens      = 40  // "criterion: score" lines
	guidanceTokens       = 500 // the manager's guidance for both roles
	recommendationTokens = 200 // the manager's recommendations
	confirmTokens        = 10  // the novelty confirm's yes or no
	failureTokens        = 80  // the error and feedback a repair is shown
	messageTokens        = 4   // what a chat message adds beside its content
)

// noteMaxTokens is the note kept even for history lines: history replies
// were capped too.
const noteMaxTokens = "replies are capped at the model's max_tokens where it is set"

// estimator renders the roles' real prompts for the task's initial
// program and prices typical replies.
type estimator struct {
	cfg              *campaign.Config
	researcherDesc   task.Description
	analyzerDesc     task.Description
	node             roles.Node
	researcherPrompt float64 // mean over the forecast steps, tokens
	// growth is how much larger the forecast steps' researcher prompts
	// are than the stored steps': the context fills as a campaign goes.
	growth       float64
	steadyPrompt []llm.Message
	replyTokens  int    // a researcher reply
	contextNote  string // the context the researcher prompts hold, in words
}

// newEstimator prepares the prompts of the steps after done; steps is
// how many are forecast (0: a campaign without a step budget, costed at
// its steady state).
func newEstimator(cfg *campaign.Config, desc task.Description, done, steps int) *estimator {
	e := &estimator{cfg: cfg, researcherDesc: desc, analyzerDesc: desc}
	if m := cfg.Research.Manager; m.Enabled && callsModel(cfg, m.Model) {
		recommendations := ""
		if m.Every > 0 {
			recommendations = filler(recommendationTokens)
		}
		e.researcherDesc = roles.Guided(desc, filler(guidanceTokens/2), recommendations)
		e.analyzerDesc = roles.Guided(desc, filler(guidanceTokens/2), recommendations)
	}
	metrics := map[string]float64{}
	for _, m := range desc.Metrics {
		metrics[m.Name] = 1.234567
	}
	e.node = roles.Node{
		ID: 2, Name: "typical-candidate", Motivation: filler(motivationTokens), Code: desc.InitialProgram,
		Analysis: filler(analysisTokens), Metrics: metrics, Score: 1.234567, Valid: true,
	}
	e.replyTokens = proseTokens + diffTokens(desc.InitialProgram)

	// The context grows with the campaign: step s sees the nodes stored
	// before it, s less the other workers' steps still in flight, and,
	// one insight stored per step, a cognition item for each but the
	// initial program.
	sampleN, topK := max(cfg.Database.SampleN, 1), max(cfg.Cognition.TopK, 0)
	inFlight := max(cfg.Campaign.Workers, 1) - 1
	cache := map[[2]int]int{}
	promptAt := func(step int) int {
		stored := max(step-inFlight, 1)
		k, items := min(sampleN, stored), min(topK, stored-1)
		if len(cfg.Cognition.Seed) > 0 {
			items = topK
		}
		key := [2]int{k, items}
		if n, ok := cache[key]; ok {
			return n
		}
		n := tokens(e.researcherMessages(k, items))
		cache[key] = n
		return n
	}
	e.steadyPrompt = e.researcherMessages(sampleN, topK)
	// meanPrompt is the mean researcher prompt of steps from..from+n-1;
	// n = 0 is the steady state.
	meanPrompt := func(from, n int) float64 {
		if n == 0 {
			return float64(tokens(e.steadyPrompt))
		}
		var sum int
		for s := from; s < from+n; s++ {
			sum += promptAt(s)
		}
		return float64(sum) / float64(n)
	}
	e.researcherPrompt = meanPrompt(done+1, steps)
	e.growth = 1
	if done > 0 {
		e.growth = e.researcherPrompt / meanPrompt(1, done)
	}
	e.contextNote = fmt.Sprintf("up to sample_n = %d context nodes and top_k = %d cognition items of %d tokens as the campaign fills", sampleN, topK, insightTokens)
	return e
}

func (e *estimator) researcherMessages(k, items int) []llm.Message {
	nodes := make([]roles.Node, k)
	for i := range nodes {
		nodes[i] = e.node
		nodes[i].ID = int64(i + 1)
	}
	cognition := make([]string, items)
	for i := range cognition {
		cognition[i] = filler(insightTokens)
	}
	return roles.ResearcherPrompt(e.researcherDesc, nodes, cognition)
}

// estimate is a role's expected calls and tokens for one step, and for
// the calls it makes once per campaign.
type estimate struct {
	perStep Amount
	once    Amount
	notes   []string
}

// estimate is what role costs a step, and once, with model m, unpriced:
// the caller applies the model's price.
func (e *estimator) estimate(role string, m *campaign.Model) estimate {
	failed := roles.Node{Name: e.node.Name, Motivation: e.node.Motivation, Code: e.node.Code, Feedback: filler(failureTokens)}
	maxRepairs := e.cfg.Roles.MaxRepairs
	var est estimate
	rates := fmt.Sprintf("calls: %.0f%% of researcher edits assumed not to apply (sent back once), %.0f%% of candidates assumed to fail evaluation (a repair each, up to max_repairs = %d, each repair failing as often)",
		100*EditRetryRate, 100*FailureRate, maxRepairs)
	replyNote := fmt.Sprintf("reply tokens: a researcher reply assumed to be a name and motivation (%d tokens) and a SEARCH/REPLACE diff rewriting %d lines of the EVOLVE region (%d tokens in all)",
		proseTokens, diffLines, e.replyTokens)
	reply := capped(e.replyTokens, m)
	switch role {
	case "researcher":
		calls := 1 + EditRetryRate
		prompt := e.researcherPrompt + EditRetryRate*(e.researcherPrompt+float64(reply))
		if e.cfg.Research.Novelty.Enabled {
			twin := tokens(roles.DuplicatePrompt(e.researcherDesc, e.node, e.node))
			calls += TwinRate
			prompt += TwinRate * float64(twin)
			est.notes = append(est.notes, fmt.Sprintf("novelty: %.0f%% of candidates assumed to be twins (a confirm call when confirm is set, and the researcher asked again)", 100*TwinRate))
		}
		est.perStep = Amount{Calls: calls, PromptTokens: prompt, CompletionTokens: calls * float64(reply)}
		est.notes = append(est.notes, rates, replyNote,
			"researcher prompts: the task's researcher prompt rendered with its initial program for each context node, "+e.contextNote+", counted at 4 bytes a token")
	case "repair":
		calls := 0.0
		for k := range maxRepairs {
			calls += FailureRate * pow(FailureRate, k)
		}
		p := tokens(roles.RepairPrompt(e.researcherDesc, failed))
		est.perStep = Amount{Calls: calls, PromptTokens: calls * float64(p), CompletionTokens: calls * float64(reply)}
		est.notes = append(est.notes, rates, replyNote)
	case "analyzer":
		best := e.node
		p := tokens(roles.LLMAnalyzer{}.Request(e.analyzerDesc, e.node, &best).Messages)
		est.perStep = Amount{Calls: 1, PromptTokens: float64(p), CompletionTokens: float64(capped(analysisTokens, m))}
		est.notes = append(est.notes, fmt.Sprintf("analyzer: the task's analyzer prompt rendered with its initial program; an analysis assumed to take %d tokens", analysisTokens))
	case "judge":
		calls := 1 - pow(FailureRate, maxRepairs+1) // the valid candidates
		p := tokens(roles.JudgePrompt(e.researcherDesc, e.node, e.cfg.Research.Judge.Rubric))
		est.perStep = Amount{Calls: calls, PromptTokens: calls * float64(p), CompletionTokens: calls * float64(capped(judgementTokens, m))}
		est.notes = append(est.notes, rates, fmt.Sprintf("judge: one call per valid candidate, a judgement assumed to take %d tokens", judgementTokens))
	case "novelty":
		p := tokens(roles.SameIdeaPrompt(e.node.Code, e.node.Code))
		est.perStep = Amount{Calls: TwinRate, PromptTokens: TwinRate * float64(p), CompletionTokens: TwinRate * float64(capped(confirmTokens, m))}
		est.notes = append(est.notes, fmt.Sprintf("novelty: %.0f%% of candidates assumed to be twins (a confirm call when confirm is set, and the researcher asked again)", 100*TwinRate))
	case "manager":
		est.once = Amount{Calls: 1, PromptTokens: float64(tokens(roles.ManagerPrompt(e.researcherDesc))), CompletionTokens: float64(capped(guidanceTokens, m))}
		if every := e.cfg.Research.Manager.Every; every > 0 {
			analyses := make([]string, every)
			for i := range analyses {
				analyses[i] = filler(insightTokens) // the first line of each analysis
			}
			p := tokens(roles.RecommendPrompt(e.researcherDesc, analyses))
			calls := 1 / float64(every)
			est.perStep = Amount{Calls: calls, PromptTokens: calls * float64(p), CompletionTokens: calls * float64(capped(recommendationTokens, m))}
		}
		est.notes = append(est.notes, fmt.Sprintf("manager: its guidance once (%d tokens assumed) and recommendations every %d steps (%d tokens assumed)",
			guidanceTokens, e.cfg.Research.Manager.Every, recommendationTokens))
	}
	if m.MaxTokens > 0 {
		est.notes = append(est.notes, noteMaxTokens)
	}
	return est
}

// researcherBound is the most the dearest researcher's first call of a
// step can cost as the money cap books it: the prompt at one token per
// byte, the reply at max_tokens (llm.DefaultReplyTokens when unset).
func (e *estimator) researcherBound() float64 {
	var bound float64
	for _, p := range plays(e.cfg) {
		if p.role != "researcher" {
			continue
		}
		m := e.cfg.Models[p.model]
		pr := priceOf(m)
		reply := m.MaxTokens
		if reply == 0 {
			reply = llm.DefaultReplyTokens
		}
		bound = max(bound, llm.Cost(llm.MaxPromptTokens(e.steadyPrompt), reply, pr.in, pr.out))
	}
	return bound
}

// baseNotes say where the campaign-wide numbers come from.
func (e *estimator) baseNotes(h *History) []string {
	if h == nil || h.Steps == 0 {
		return nil
	}
	notes := []string{fmt.Sprintf("history: calls and tokens per step are the means of the %d stored steps, by role, priced at the campaign file's prices; roles without stored calls are estimated", h.Steps)}
	if math.Abs(e.growth-1) >= 0.005 {
		notes = append(notes, fmt.Sprintf("history: researcher prompt tokens scaled by %.2f, the growth of the rendered researcher prompt from the stored steps to the rest as the context fills (%s)", e.growth, e.contextNote))
	}
	return notes
}

// diffTokens is the size of a typical diff of program: diffLines lines
// of its EVOLVE regions (all of them when shorter), searched and replaced.
func diffTokens(program string) int {
	region := program
	if rs, err := diffs.Regions(program); err == nil && len(rs) > 0 {
		var b strings.Builder
		for _, r := range rs {
			b.WriteString(program[r.Start:r.End])
		}
		region = b.String()
	}
	// Mean lines, so the forecast does not hang on which lines change.
	lines := max(strings.Count(region, "\n"), 1)
	bytes := len(region) * min(diffLines, lines) / lines
	const markers = "<diff>\n<<<<<<< SEARCH\n=======\n>>>>>>> REPLACE\n</diff>\n"
	return 2*(bytes+3)/4 + llm.EstimateTokens(markers)
}

// capped bounds a reply by the model's max_tokens, when set.
func capped(reply int, m *campaign.Model) int {
	if m.MaxTokens > 0 {
		return min(reply, m.MaxTokens)
	}
	return reply
}

// tokens counts a prompt the forecast's way: four bytes a token
// (llm.EstimateTokens) and a few tokens a message.
func tokens(msgs []llm.Message) int {
	n := 0
	for _, m := range msgs {
		n += llm.EstimateTokens(m.Content) + messageTokens
	}
	return n
}

// filler is placeholder text of about n tokens by the forecast's count.
func filler(n int) string { return strings.Repeat("abc ", n) }

func pow(x float64, n int) float64 {
	out := 1.0
	for range n {
		out *= x
	}
	return out
}
