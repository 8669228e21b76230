package draft

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const goodEvaluator = "def evaluate(program_path):\n    return {\"combined_score\": 1.0}\n"
const goodInitial = "# EVOLVE-BLOCK-START\nX = 1\n# EVOLVE-BLOCK-END\n"

func reply(blocks ...string) string { return strings.Join(blocks, "\nSome prose.\n") }

func block(header, body string) string {
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return "```" + header + "\n" + body + "```\n"
}

func TestParse(t *testing.T) {
	meta := `{"statement": "Make X big.", "direction": "maximize", "known_best": 3}`
	three := 3.0
	tests := []struct {
		name  string
		reply string
		want  Draft
		errs  []string // each in the error; none: no error
	}{
		{
			name:  "good, language before the name",
			reply: reply(block("python evaluator.py", goodEvaluator), block("python initial_program.py", goodInitial), block("json task.json", meta)),
			want:  Draft{Evaluator: goodEvaluator, Initial: goodInitial, Meta: Meta{Statement: "Make X big.", Primary: "combined_score", Direction: "maximize", KnownBest: &three}},
		},
		{
			name:  "good, the name alone, CRLF",
			reply: strings.ReplaceAll(reply(block("evaluator.py", goodEvaluator), block("initial_program.py", goodInitial), block("task.json", `{"statement": "s", "primary": "loss", "direction": "minimize"}`)), "\n", "\r\n"),
			want:  Draft{Evaluator: goodEvaluator, Initial: goodInitial, Meta: Meta{Statement: "s", Primary: "loss", Direction: "minimize"}},
		},
		{
			name:  "no evaluator",
			reply: reply(block("python initial_program.py", goodInitial), block("json task.json", meta)),
			errs:  []string{"no evaluator.py block"},
		},
		{
			name:  "plain python fences name no file",
			reply: reply(block("python", goodEvaluator), block("python", goodInitial)),
			errs:  []string{"no evaluator.py block", "no initial_program.py block", "no task.json block"},
		},
		{
			name:  "twice",
			reply: reply(block("evaluator.py", goodEvaluator), block("evaluator.py", goodEvaluator), block("initial_program.py", goodInitial), block("task.json", meta)),
			errs:  []string{"evaluator.py appears twice"},
		},
		{
			name:  "never closed",
			reply: reply(block("evaluator.py", goodEvaluator), block("initial_program.py", goodInitial), "```task.json\n"+meta),
			errs:  []string{"task.json block is never closed"},
		},
		{
			name:  "a model may not choose the isolation",
			reply: reply(block("evaluator.py", goodEvaluator), block("initial_program.py", goodInitial), block("task.json", `{"statement": "s", "direction": "maximize", "isolation": "jail"}`)),
			errs:  []string{`unknown field "isolation"`},
		},
		{
			name:  "another file",
			reply: reply(block("evaluator.py", goodEvaluator), block("initial_program.py", goodInitial), block("task.json", meta), block("setup.py", "x\n")),
			errs:  []string{"a block names setup.py"},
		},
		{
			name:  "bad metadata",
			reply: reply(block("evaluator.py", goodEvaluator), block("initial_program.py", goodInitial), block("task.json", `{"statement": "", "primary": "a b\"}", "direction": "up"}`)),
			errs:  []string{"statement is missing", `primary "a b\"}" is not a metric name`, `direction "up"`},
		},
		{
			name:  "empty file",
			reply: reply(block("evaluator.py", "\n"), block("initial_program.py", goodInitial), block("task.json", meta)),
			errs:  []string{"the evaluator.py block is empty"},
		},
		{
			name:  "go, as the tiny model writes",
			reply: "func Open(name string) (*File, error) {\n\treturn nil, nil\n}\n",
			errs:  []string{"no evaluator.py block"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.reply)
			if len(tt.errs) == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Parse (-want +got):\n%s", diff)
				}
				return
			}
			if !errors.Is(err, ErrReply) {
				t.Fatalf("Parse: error %v, want ErrReply", err)
			}
			for _, want := range tt.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestFormatParses: the example the system prompt shows is a reply Parse
// takes, with a draft that passes the static check.
func TestFormatParses(t *testing.T) {
	d, err := Parse(Format)
	if err != nil {
		t.Fatalf("the prompt's own example does not parse: %v", err)
	}
	if c, warnings := staticCheck(d); !c.Passed || len(warnings) > 0 {
		t.Fatalf("the prompt's own example: %+v, warnings %v", c, warnings)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Format)
	f.Add("```evaluator.py\n```\n```task.json\n{}\n```")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil && (d.Evaluator == "" || d.Initial == "" || d.Meta.Statement == "") {
			t.Fatalf("Parse accepted a draft with a part missing: %+v", d)
		}
	})
}
