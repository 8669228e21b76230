package roles

import (
	"errors"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/google/go-cmp/cmp"
)

func TestResearcherPromptStartsWithFraming(t *testing.T) {
	msgs := ResearcherPrompt(desc, []Node{{ID: 1, Code: "x"}}, nil)
	if !strings.HasPrefix(msgs[0].Content, ResearcherFraming+"\n\n") {
		t.Fatalf("the researcher prompt does not start with ResearcherFraming:\n%s", msgs[0].Content)
	}
	framed := FramedResearcherPrompt("Be bold.", msgs)
	want := []llm.Message{
		{Role: "system", Content: "Be bold."},
		{Role: "user", Content: strings.TrimPrefix(msgs[0].Content, ResearcherFraming+"\n\n")},
	}
	if diff := cmp.Diff(want, framed); diff != "" {
		t.Errorf("framed prompt (-want +got):\n%s", diff)
	}
	if msgs[0].Content == want[1].Content {
		t.Errorf("FramedResearcherPrompt changed its argument")
	}
}

func TestParsePromptProposal(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		want  string
	}{
		{name: "one prompt", reply: "Here it is:\n<prompt>\n  You are careful. Test each idea.\n</prompt>", want: "You are careful. Test each idea."},
		{name: "no tag", reply: "I think the prompt is fine."},
		{name: "empty", reply: "<prompt>  </prompt>"},
		{name: "two prompts", reply: "<prompt>a</prompt><prompt>b</prompt>"},
		{name: "unclosed", reply: "<prompt>You are careful."},
		{name: "too long", reply: "<prompt>" + strings.Repeat("a", MaxPromptVariant+1) + "</prompt>"},
		{name: "binary garbage", reply: "\x00\xff<prompt\x00>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePromptProposal(tt.reply)
			if tt.want == "" {
				if !errors.Is(err, ErrNoPrompt) {
					t.Fatalf("ParsePromptProposal = %q, %v; want ErrNoPrompt", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParsePromptProposal = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestOfflinePromptVariant(t *testing.T) {
	best := "value = 21. better than the best context node 2 (11; +10).\nInsight: On number, this change raised value by +10: steps of ten"
	worst := "The candidate failed: no value line\nThe change (x) should not be repeated as is."
	tests := []struct {
		name    string
		parents []string
		best    string
		worst   string
		round   int
		want    string
	}{
		{
			name:    "even round adds the best insight",
			parents: []string{ResearcherFraming},
			best:    best, worst: worst, round: 0,
			want: ResearcherFraming + " What worked before: On number, this change raised value by +10: steps of ten.",
		},
		{
			name:    "odd round adds the worst analysis's first line",
			parents: []string{ResearcherFraming},
			best:    best, worst: worst, round: 1,
			want: ResearcherFraming + " Avoid what failed before: The candidate failed: no value line.",
		},
		{
			name:    "odd round without a worst analysis falls back to the best",
			parents: []string{"Be bold."},
			best:    best, round: 1,
			want: "Be bold. What worked before: On number, this change raised value by +10: steps of ten.",
		},
		{
			name:    "recombines the runner-up's new sentences",
			parents: []string{"Be bold. Test often.", "Be bold! Keep it small."},
			worst:   worst, round: 1,
			want: "Be bold. Test often. Be bold! Keep it small. Avoid what failed before: The candidate failed: no value line.",
		},
		{
			name:    "nothing new",
			parents: []string{"Be bold. What worked before: On number, this change raised value by +10: steps of ten."},
			best:    best, round: 0,
		},
		{
			name:    "keeps the first sentence and drops the oldest past eight",
			parents: []string{"S0. S1. S2. S3. S4. S5. S6. S7."},
			best:    "Insight: new", round: 0,
			want: "S0. S2. S3. S4. S5. S6. S7. What worked before: new.",
		},
		{name: "no parents", best: best},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := OfflinePromptVariant(tt.parents, tt.best, tt.worst, tt.round)
			if got != tt.want {
				t.Errorf("OfflinePromptVariant =\n  %q\nwant\n  %q", got, tt.want)
			}
			if again := OfflinePromptVariant(tt.parents, tt.best, tt.worst, tt.round); again != got {
				t.Errorf("not deterministic: %q then %q", got, again)
			}
		})
	}
}

func FuzzParsePromptProposal(f *testing.F) {
	f.Add("<prompt>You are careful.</prompt>")
	f.Add("<prompt></prompt><prompt>")
	f.Fuzz(func(t *testing.T, reply string) {
		text, err := ParsePromptProposal(reply)
		if err == nil && (text == "" || len(text) > MaxPromptVariant) {
			t.Fatalf("accepted %q", text)
		}
	})
}
