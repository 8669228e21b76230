package draft

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// CampaignFileName is the campaign file a draft's folder holds.
const CampaignFileName = "campaign.hcl"

// defaultSandboxTimeout is the campaign's sandbox timeout when the file
// sets none; a longer evaluation needs a sandbox block too.
const defaultSandboxTimeout = 30 * time.Second

// Campaign is what asi writes into a draft's campaign.hcl besides the
// model's metadata.
type Campaign struct {
	// Name labels the campaign block (FolderName's rules).
	Name string
	// Description is what the user asked for, kept as comment lines.
	Description string
	// Timeout bounds one evaluation.
	Timeout time.Duration
	// Packages runs the evaluator in the local executor's jail with the
	// machine's Python packages, instead of the wasm sandbox.
	Packages bool
}

// The small budget a drafted campaign starts with: enough to see that the
// search moves, not a long run nobody asked for.
const (
	budgetSteps = 20
	budgetWall  = "10m"
)

// CampaignFile writes the campaign file of a draft: the script task, the
// openevolve contract, the evaluator in the wasm sandbox, no model block
// (the campaign runs offline until one is added). Every value the model
// chose goes through hclwrite, which quotes and escapes it, so a statement
// holding quotes, newlines or "${" stays one string.
func CampaignFile(c Campaign, m Meta) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	where := []string{
		`runs only in the wasm sandbox (isolation = "wasm": no network, no`,
		"subprocesses, no files but its folder). Read it before relying on it.",
	}
	isolation := "wasm"
	if c.Packages {
		isolation = "jail"
		where = []string{
			`runs only as a job of the local executor, in its jail (isolation = "jail",`,
			"asked for with -packages: the machine's Python packages, no network, the",
			"machine read-only, its folder the only place it writes). Read it before",
			"relying on it.",
		}
	}
	header := append([]string{
		"Drafted by a model with `asi task new` and checked by asi (see CHECKS.md).",
		"The evaluator (" + EvaluatorFile + ") was written by a model: it is untrusted and",
	}, where...)
	header = append(header,
		"No model block: the campaign runs offline until you add one.",
		"",
		"The task, as asked for:",
	)
	for _, line := range strings.Split(strings.TrimSpace(c.Description), "\n") {
		header = append(header, "  "+commentSafe(line))
	}
	if m.KnownBest != nil {
		best := strconv.FormatFloat(*m.KnownBest, 'g', -1, 64)
		header = append(header, "", "The model says the best possible "+m.Primary+" is "+best+" (unchecked); to audit",
			"the evaluator against it: asi task audit -known-best "+best+" "+CampaignFileName)
	}
	body.AppendUnstructuredTokens(commentTokens(header))
	body.AppendNewline()

	camp := body.AppendNewBlock("campaign", []string{c.Name}).Body()
	camp.SetAttributeValue("task", cty.StringVal("script"))
	camp.SetAttributeValue("workers", cty.NumberIntVal(1))
	camp.SetAttributeValue("seed", cty.NumberIntVal(1))
	budget := camp.AppendNewBlock("budget", nil).Body()
	budget.SetAttributeValue("steps", cty.NumberIntVal(budgetSteps))
	budget.SetAttributeValue("wall", cty.StringVal(budgetWall))
	body.AppendNewline()

	tb := body.AppendNewBlock("task", nil).Body()
	tb.SetAttributeValue("contract", cty.StringVal("openevolve"))
	tb.SetAttributeValue("evaluator", cty.StringVal(EvaluatorFile))
	tb.SetAttributeValue("initial", cty.StringVal(InitialFile))
	tb.SetAttributeValue("isolation", cty.StringVal(isolation))
	tb.SetAttributeValue("statement", cty.StringVal(m.Statement))
	tb.SetAttributeValue("primary", cty.StringVal(m.Primary))
	tb.SetAttributeValue("direction", cty.StringVal(m.Direction))
	tb.SetAttributeValue("timeout", cty.StringVal(c.Timeout.String()))
	if c.Packages {
		body.AppendNewline()
		ex := body.AppendNewBlock("executor", []string{"local"}).Body()
		ex.SetAttributeValue("slots", cty.NumberIntVal(1))
		ex.SetAttributeValue("timeout", cty.StringVal((c.Timeout + time.Minute).String()))
	}
	if c.Timeout > defaultSandboxTimeout {
		body.AppendNewline()
		sb := body.AppendNewBlock("sandbox", nil).Body()
		sb.SetAttributeValue("timeout", cty.StringVal(c.Timeout.String()))
	}
	return hclwrite.Format(f.Bytes())
}

// commentTokens turns lines into "# " comment lines.
func commentTokens(lines []string) hclwrite.Tokens {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimRight("# "+l, " ") + "\n")})
	}
	return toks
}

// commentSafe keeps a line inside its comment: no control characters
// (a carriage return or a vertical tab would end the line for some
// readers).
func commentSafe(line string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, line)
}

// nameWord is a word of a folder name.
var nameWord = regexp.MustCompile(`[a-z0-9]+`)

// FolderName is a folder (and campaign) name from the description's first
// words: lowercase letters and digits joined by "-", at most four words
// and 40 bytes; "task" when the description has no such word.
func FolderName(description string) string {
	words := nameWord.FindAllString(strings.ToLower(description), -1)
	var name string
	for i, w := range words {
		if i == 4 || len(name)+len(w)+1 > 40 {
			break
		}
		if name != "" {
			name += "-"
		}
		name += w
	}
	if name == "" {
		return "task"
	}
	if name[0] >= '0' && name[0] <= '9' {
		name = "task-" + name
	}
	return name
}

// CampaignName is a campaign label from a folder's base name: FolderName's
// rules applied to it.
func CampaignName(folder string) string {
	return FolderName(strings.NewReplacer("-", " ", "_", " ", ".", " ").Replace(folder))
}
