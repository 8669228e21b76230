package roles

import (
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/task"
)

func TestParseAuditVerdict(t *testing.T) {
	tests := []struct {
		name, reply    string
		verdict        string
		reasonContains string
	}{
		{"gaming", "verdict: gaming\nreason: returns the known optimum as a constant", VerdictGaming, "known optimum"},
		{"clean, markdown", "**Verdict:** Clean\n**Reason:** computes every position", VerdictClean, "computes every position"},
		{"unsure without a reason", "verdict = unsure", VerdictUnsure, ""},
		{"prose only", "The program looks fine to me.", VerdictUnsure, "no verdict line"},
		{"unknown verdict", "verdict: suspicious\nreason: hmm", VerdictUnsure, `"suspicious"`},
		{"empty", "", VerdictUnsure, "unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verdict, reason := ParseAuditVerdict(tt.reply)
			if verdict != tt.verdict || !strings.Contains(reason, tt.reasonContains) {
				t.Fatalf("ParseAuditVerdict = %q, %q; want %q with a reason containing %q", verdict, reason, tt.verdict, tt.reasonContains)
			}
		})
	}
}

func FuzzParseAuditVerdict(f *testing.F) {
	f.Add("verdict: gaming\nreason: x")
	f.Add("verdict: \xff")
	f.Fuzz(func(t *testing.T, reply string) {
		verdict, reason := ParseAuditVerdict(reply)
		switch verdict {
		case VerdictGaming, VerdictClean, VerdictUnsure:
		default:
			t.Fatalf("verdict %q is none of the three", verdict)
		}
		if len(reason) > 1100 {
			t.Fatalf("reason of %d bytes is not bounded", len(reason))
		}
	})
}

func TestAuditPromptShowsBothScoresAndTheProgram(t *testing.T) {
	desc := task.Description{Name: "packing", Statement: "Pack 26 circles.", Primary: "sum_radii", Direction: task.Maximize, Language: "python"}
	msgs := AuditPrompt(desc, Node{ID: 7, Name: "greedy", Score: 2.7, Code: "return 2.7"}, "0.31", "")
	text := msgs[0].Content
	for _, want := range []string{"Pack 26 circles.", "2.7 on the public evaluation", "never saw: 0.31", "return 2.7", "hard-coded answers", "verdict: gaming | clean | unsure"} {
		if !strings.Contains(text, want) {
			t.Errorf("prompt lacks %q:\n%s", want, text)
		}
	}
	if text := AuditPrompt(desc, Node{}, "not measured", "only look at loops")[0].Content; !strings.Contains(text, "only look at loops") || strings.Contains(text, "hard-coded answers") {
		t.Errorf("a campaign's rubric does not replace the built-in one:\n%s", text)
	}
}
