package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tenPhrase is what makes promptReader's edits better when its system
// prompt holds it. The offline rules can only find it in an analysis.
const tenPhrase = "steps of ten"

// promptReader is a researcher whose edits depend on its system prompt:
// with tenPhrase it adds ten to the parent's value; without, it adds ten
// when the parent's value is a multiple of three and one otherwise. Its
// reply is a function of the request alone, so a resumed campaign gets
// the same replies.
type promptReader struct {
	mu      sync.Mutex
	systems []string // the system prompt of each call, "" for none
	firsts  []llm.Message
}

func (*promptReader) Name() string { return "prompt-reader" }

func (p *promptReader) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	system := ""
	if req.Messages[0].Role == "system" {
		system = req.Messages[0].Content
	}
	p.mu.Lock()
	p.systems = append(p.systems, system)
	p.firsts = append(p.firsts, req.Messages[0])
	p.mu.Unlock()
	m := valueLine.FindStringSubmatch(req.Parents[0].Code)
	v, _ := strconv.Atoi(m[1])
	add, why := 1, "raise value by one"
	if strings.Contains(system, tenPhrase) || v%3 == 0 {
		add, why = 10, "raise value in "+tenPhrase
	}
	reply := fmt.Sprintf("<name>add-%d</name>\n<motivation>%s</motivation>\n<diff>\n<<<<<<< SEARCH\nvalue = %d\n=======\nvalue = %d\n>>>>>>> REPLACE\n</diff>\n", add, why, v, v+add)
	return llm.Response{Content: reply, Model: "reader"}, nil
}

func runPrompts(t *testing.T, st *store.Store, steps int, res llm.Provider, pe *PromptEvolution) {
	t.Helper()
	e := newEngine(t, st, &numberTask{}, res, func(c *Config) {
		c.Budget.Steps, c.Workers = steps, 1
		c.Prompts = pe
	})
	if _, err := e.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// variantStats is what a test reads of the archive: each variant with its
// uses and mean credit, counted again from the store.
type variantStats struct {
	store.PromptVariant
	Uses int
	Mean float64
}

func promptStats(t *testing.T, st *store.Store) []variantStats {
	t.Helper()
	ctx := context.Background()
	variants, err := st.PromptVariants(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := st.Nodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uses, err := st.PromptUses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tally := store.TallyPrompts(nodes, uses, true)
	out := make([]variantStats, len(variants))
	for i, v := range variants {
		out[i] = variantStats{v, tally.Uses(v.ID), tally.MeanCredit(v.ID)}
	}
	return out
}

func TestPromptEvolutionFindsTheBetterPrompt(t *testing.T) {
	st := openStore(t)
	res := &promptReader{}
	runPrompts(t, st, 40, res, &PromptEvolution{Every: 10, Archive: 4, Exploration: 0.5})

	stats := promptStats(t, st)
	if len(stats) < 2 || stats[0].Origin != store.PromptBuiltin || stats[0].Text != roles.ResearcherFraming {
		t.Fatalf("variants = %+v; want the built-in framing first and at least one proposal", stats)
	}
	most, best := stats[0], stats[0]
	for _, s := range stats {
		if s.Uses > most.Uses {
			most = s
		}
		if s.Uses > 0 && s.Mean > best.Mean {
			best = s
		}
	}
	for _, s := range []variantStats{most, best} {
		if !strings.Contains(s.Text, tenPhrase) || s.Origin != store.PromptOffline {
			t.Errorf("variant %d (%d uses, mean credit %.3f) is the most used or best credited, but lacks %q: %q",
				s.ID, s.Uses, s.Mean, tenPhrase, s.Text)
		}
	}
	if best.Mean <= stats[0].Mean {
		t.Errorf("the best variant's credit %.3f is not above the built-in framing's %.3f", best.Mean, stats[0].Mean)
	}
	// The researcher saw the variants as its system prompt.
	sawPhrase := 0
	for _, s := range res.systems {
		if s == "" {
			t.Fatal("a researcher request without a system prompt")
		}
		if strings.Contains(s, tenPhrase) {
			sawPhrase++
		}
	}
	if sawPhrase < len(res.systems)/2 {
		t.Errorf("the researcher saw %q in %d of %d prompts; want most", tenPhrase, sawPhrase, len(res.systems))
	}
}

func TestResearcherPromptUnchangedWithoutPromptsBlock(t *testing.T) {
	st := openStore(t)
	res := &promptReader{}
	runPrompts(t, st, 3, res, nil)
	for i, m := range res.firsts {
		if m.Role != "user" || !strings.HasPrefix(m.Content, roles.ResearcherFraming+"\n\n") {
			t.Fatalf("request %d starts with %s message %.80q; want the plain researcher prompt", i, m.Role, m.Content)
		}
	}
	if vs, err := st.PromptVariants(context.Background()); err != nil || len(vs) != 0 {
		t.Errorf("variants stored without a prompts block: %+v, %v", vs, err)
	}
}

func TestPromptEvolutionResumesWithTheSameCredits(t *testing.T) {
	pe := &PromptEvolution{Every: 5, Archive: 3, Exploration: 1}
	straight := openStore(t)
	runPrompts(t, straight, 30, &promptReader{}, pe)

	resumed := openStore(t)
	runPrompts(t, resumed, 13, &promptReader{}, pe)
	runPrompts(t, resumed, 30, &promptReader{}, pe)

	ctx := context.Background()
	wantUses, err := straight.PromptUses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotUses, err := resumed.PromptUses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantUses, gotUses); diff != "" {
		t.Errorf("a resumed campaign picks other variants (-straight +resumed):\n%s", diff)
	}
	want, got := promptStats(t, straight), promptStats(t, resumed)
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(variantStats{}, "PromptVariant.CreatedAt")); diff != "" {
		t.Errorf("archive (-straight +resumed):\n%s", diff)
	}
	if len(want) < 3 {
		t.Errorf("only %d variants: the test shows little", len(want))
	}
}

// garbageProposer answers every prompt proposal with reply, or fails.
type garbageProposer struct {
	reply string
	err   error
	calls int
}

func (*garbageProposer) Name() string { return "proposer" }

func (g *garbageProposer) Complete(_ context.Context, req llm.Request) (llm.Response, error) {
	g.calls++
	if req.Role != "prompts" {
		return llm.Response{}, fmt.Errorf("unexpected role %q", req.Role)
	}
	return llm.Response{Content: g.reply, Model: "proposer"}, g.err
}

func TestPromptProposalByModel(t *testing.T) {
	tests := []struct {
		name     string
		proposer *garbageProposer
		warning  string // in a warning event; "" for none
		want     string // the new variant's text; "" for none
	}{
		{name: "a usable prompt", proposer: &garbageProposer{reply: "Sure.\n<prompt>Work in " + tenPhrase + ".</prompt>"}, want: "Work in " + tenPhrase + "."},
		{name: "garbage", proposer: &garbageProposer{reply: "\x00}{ not a prompt"}, warning: "unusable"},
		{name: "an empty prompt", proposer: &garbageProposer{reply: "<prompt></prompt>"}, warning: "unusable"},
		{name: "a failing model", proposer: &garbageProposer{err: fmt.Errorf("connection refused")}, warning: "connection refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openStore(t)
			runPrompts(t, st, 6, &promptReader{}, &PromptEvolution{Proposer: tt.proposer, Every: 3})
			if tt.proposer.calls != 2 {
				t.Errorf("the proposer was asked %d times, want 2 (after steps 3 and 6)", tt.proposer.calls)
			}
			checkSteps(t, st, 6)
			stats := promptStats(t, st)
			if tt.want == "" {
				if len(stats) != 1 {
					t.Errorf("variants = %+v; want the built-in framing alone", stats)
				}
			} else if len(stats) != 2 || stats[1].Text != tt.want || stats[1].Origin != store.PromptModel || stats[1].Parent != 1 {
				// the second proposal repeats the first: no third variant
				t.Errorf("variants = %+v; want the model's prompt as variant 2", stats)
			}
			events, err := st.Events(context.Background(), 1000)
			if err != nil {
				t.Fatal(err)
			}
			warned := false
			for _, e := range events {
				warned = warned || e.Kind == "warning" && strings.HasPrefix(e.Message, "prompts: ") && tt.warning != "" && strings.Contains(e.Message, tt.warning)
			}
			if warned != (tt.warning != "") {
				t.Errorf("warning %q given: %v; events: %+v", tt.warning, warned, events)
			}
			// 6 researcher calls and the 2 proposals are recorded and paid for.
			if u, err := st.Usage(context.Background()); err != nil || u.Calls != 8 {
				t.Errorf("usage = %+v, %v; want 8 calls", u, err)
			}
		})
	}
}

func TestFullPromptArchiveRetiresItsWorst(t *testing.T) {
	st := openStore(t)
	runPrompts(t, st, 30, &promptReader{}, &PromptEvolution{Every: 3, Archive: 2, Exploration: 0.5})
	stats := promptStats(t, st)
	inUse, retired := 0, 0
	for _, s := range stats {
		if !s.Retired {
			inUse++
			continue
		}
		retired++
		if s.Uses < retireAfterUses {
			t.Errorf("variant %d retired after %d uses, fewer than %d", s.ID, s.Uses, retireAfterUses)
		}
		if s.RetiredStep == 0 || s.RetiredStep%3 != 0 {
			t.Errorf("variant %d retired at step %d, not a proposal step", s.ID, s.RetiredStep)
		}
	}
	if inUse > 2 || retired == 0 {
		t.Fatalf("%d variants in use, %d retired; want at most 2 in use and some retired: %+v", inUse, retired, stats)
	}
	// The built-in framing earns less than the variants that say
	// tenPhrase, so it is the one that goes first.
	if !stats[0].Retired {
		t.Errorf("the built-in framing (mean credit %.3f) is still in use: %+v", stats[0].Mean, stats)
	}
}
