package llm

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// RoleResearcher is the role whose requests the offline provider answers.
const RoleResearcher = "researcher"

// Offline is a Provider that needs no model and no network: for researcher
// requests it performs one step of a plain evolutionary search on the
// first parent program, perturbing numeric constants and crossing lines
// over from another parent, all inside EVOLVE blocks, and answers in the
// researcher reply format. The edit is a pure function of the parents and
// req.Seed. It is safe for concurrent use.
type Offline struct{}

// NewOffline returns the offline provider.
func NewOffline() *Offline { return &Offline{} }

// Name returns "offline".
func (*Offline) Name() string { return "offline" }

// Complete answers a researcher request with SEARCH/REPLACE blocks against
// req.Parents[0]; it reads neither req.Messages nor any other field but
// Role, Parents and Seed. Other roles get ErrUnsupportedRole. The usage is
// zero: no model read a prompt or wrote a token.
func (o *Offline) Complete(ctx context.Context, req Request) (Response, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	if req.Role != RoleResearcher {
		return Response{}, fmt.Errorf("offline: role %q: %w", req.Role, ErrUnsupportedRole)
	}
	if len(req.Parents) == 0 {
		return Response{}, fmt.Errorf("offline: %w", ErrNoParent)
	}
	content, err := research(req.Parents, req.Seed)
	if err != nil {
		return Response{}, fmt.Errorf("offline: node %d: %w", req.Parents[0].NodeID, err)
	}
	return Response{Content: content, Model: "offline", Latency: time.Since(start)}, nil
}

// MaxCost is 0: an offline answer costs nothing.
func (*Offline) MaxCost(Request) float64 { return 0 }

// lineEdit replaces one line of the parent.
type lineEdit struct {
	line     int // 0-based
	old, new string
	note     string // for the motivation
	crossed  bool   // taken from another parent
}

// research picks and renders one edit of parents[0].
func research(parents []Parent, seed int64) (string, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6f66666c696e65))
	code := parents[0].Code
	lines := strings.Split(code, "\n")
	regions, err := evolveRegions(lines)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoEvolveBlock, err)
	}
	if len(regions) == 0 {
		return "", fmt.Errorf("%w: no line between %s and %s", ErrNoEvolveBlock, EvolveStart, EvolveEnd)
	}

	candidates := mutationCandidates(lines, regions)
	donor, donorLines := pickDonor(rng, parents, lines, regions)

	mutate, cross := len(candidates) > 0, donor != nil
	if mutate && cross {
		switch r := rng.Float64(); {
		case r < 0.25:
			mutate = false
		case r < 0.6:
			cross = false
		}
	}
	if !mutate && !cross {
		return "", fmt.Errorf("%w: no numeric literal in the evolve blocks and no other parent with differing lines in the same layout", ErrNothingToEdit)
	}

	var edits []lineEdit
	if cross {
		edits = crossover(rng, lines, regions, donorLines, donor.NodeID)
	}
	if mutate {
		taken := map[int]bool{}
		for _, e := range edits {
			taken[e.line] = true
		}
		edits = append(edits, mutateConstants(rng, lines, candidates, taken)...)
	}
	if len(edits) == 0 {
		return "", fmt.Errorf("%w: every mutation left its constant unchanged", ErrNothingToEdit)
	}
	slices.SortFunc(edits, func(a, b lineEdit) int { return a.line - b.line })

	blocks, err := diffBlocks(code, lines, regions, edits)
	if err != nil {
		return "", err
	}
	return renderReply(parents[0], seed, edits, blocks, donor), nil
}

// mutationCandidates groups the rewritable literals inside the regions by
// line, in line order.
func mutationCandidates(lines []string, regions []lineRange) [][]numberLiteral {
	var byLine [][]numberLiteral
	for _, lit := range scanNumbers(lines) {
		if !inRegions(regions, lit.Line) || !mutable(lit) {
			continue
		}
		if n := len(byLine); n > 0 && byLine[n-1][0].Line == lit.Line {
			byLine[n-1] = append(byLine[n-1], lit)
			continue
		}
		byLine = append(byLine, []numberLiteral{lit})
	}
	return byLine
}

func inRegions(regions []lineRange, line int) bool {
	for _, r := range regions {
		if r.contains(line) {
			return true
		}
	}
	return false
}

// mutable rejects literals a multiplicative step cannot move (float zero)
// or that do not fit the arithmetic.
func mutable(lit numberLiteral) bool {
	if lit.Float {
		v, err := strconv.ParseFloat(lit.Text, 64)
		return err == nil && v != 0 && !math.IsInf(v, 0)
	}
	_, err := strconv.ParseInt(lit.Text, 10, 64)
	return err == nil
}

// pickDonor chooses, among the other parents, one whose evolve regions
// have the same line counts as the first parent's and differ in at least
// one line. Its region lines are returned re-indexed onto the first
// parent's line numbers (other entries empty); nil when there is none.
func pickDonor(rng *rand.Rand, parents []Parent, lines []string, regions []lineRange) (*Parent, []string) {
	var fits []int
	var fitLines [][]string
	for i := 1; i < len(parents); i++ {
		theirLines := strings.Split(parents[i].Code, "\n")
		theirs, err := evolveRegions(theirLines)
		if err != nil || len(theirs) != len(regions) {
			continue
		}
		mapped := make([]string, len(lines))
		same, differs := true, false
		for k, r := range regions {
			if theirs[k].len() != r.len() {
				same = false
				break
			}
			for off := range r.len() {
				mapped[r.start+off] = theirLines[theirs[k].start+off]
				differs = differs || mapped[r.start+off] != lines[r.start+off]
			}
		}
		if same && differs {
			fits = append(fits, i)
			fitLines = append(fitLines, mapped)
		}
	}
	if len(fits) == 0 {
		return nil, nil
	}
	k := rng.IntN(len(fits))
	return &parents[fits[k]], fitLines[k]
}

// crossover copies 1-3 differing region lines from the donor.
func crossover(rng *rand.Rand, lines []string, regions []lineRange, donorLines []string, donorID int64) []lineEdit {
	var differing []int
	for _, r := range regions {
		for ln := r.start; ln < r.end; ln++ {
			if donorLines[ln] != lines[ln] {
				differing = append(differing, ln)
			}
		}
	}
	n := min(pickCount(rng), len(differing))
	var edits []lineEdit
	for _, idx := range rng.Perm(len(differing))[:n] {
		ln := differing[idx]
		edits = append(edits, lineEdit{
			line: ln, old: lines[ln], new: donorLines[ln], crossed: true,
			note: fmt.Sprintf("line %d taken from node %d", ln+1, donorID),
		})
	}
	return edits
}

// pickCount draws how many lines to edit: 1 (half the time), 2 or 3.
func pickCount(rng *rand.Rand) int {
	switch r := rng.Float64(); {
	case r < 0.5:
		return 1
	case r < 0.8:
		return 2
	default:
		return 3
	}
}

// mutateConstants perturbs one literal on each of 1-3 candidate lines not
// already taken.
func mutateConstants(rng *rand.Rand, lines []string, candidates [][]numberLiteral, taken map[int]bool) []lineEdit {
	var free [][]numberLiteral
	for _, c := range candidates {
		if !taken[c[0].Line] {
			free = append(free, c)
		}
	}
	n := min(pickCount(rng), len(free))
	var edits []lineEdit
	for _, idx := range rng.Perm(len(free))[:n] {
		lits := free[idx]
		lit := lits[rng.IntN(len(lits))]
		text, how, ok := perturb(rng, lit)
		if !ok {
			continue
		}
		old := lines[lit.Line]
		edits = append(edits, lineEdit{
			line: lit.Line, old: old, new: old[:lit.Start] + text + old[lit.End:],
			note: fmt.Sprintf("line %d: %s -> %s (%s)", lit.Line+1, lit.Text, text, how),
		})
	}
	return edits
}

// stepScales are the relative sizes of a multiplicative step: mostly small,
// occasionally large enough to leave a local optimum.
var stepScales = []struct {
	sigma  float64
	weight float64
	label  string
}{
	{0.01, 0.35, "small"},
	{0.03, 0.30, "small"},
	{0.05, 0.20, "medium"},
	{0.20, 0.15, "large"},
}

func pickScale(rng *rand.Rand) (float64, string) {
	r := rng.Float64()
	for _, s := range stepScales {
		if r < s.weight {
			return s.sigma, s.label
		}
		r -= s.weight
	}
	last := stepScales[len(stepScales)-1]
	return last.sigma, last.label
}

// perturb rewrites a literal: floats by a log-normal factor, formatted
// with just enough digits to show the change; integers by ±1..3 or a
// scaled step, never below zero (the sign, if any, is a separate token).
func perturb(rng *rand.Rand, lit numberLiteral) (text, how string, ok bool) {
	sigma, label := pickScale(rng)
	if lit.Float {
		v, _ := strconv.ParseFloat(lit.Text, 64)
		factor := math.Exp(sigma * rng.NormFloat64())
		text, ok = formatFloatLike(lit.Text, v, v*factor, sigma)
		return text, fmt.Sprintf("x%.4g, %s step", factor, label), ok
	}
	v, _ := strconv.ParseInt(lit.Text, 10, 64)
	var nv int64
	if v >= 10 && rng.Float64() < 0.5 {
		nv = int64(math.Round(float64(v) * math.Exp(sigma*rng.NormFloat64())))
		how = label + " scaled step"
	}
	if nv == v || nv <= 0 {
		step := int64(1 + rng.IntN(3))
		if v-step <= 0 || rng.Float64() < 0.5 {
			nv = v + step
		} else {
			nv = v - step
		}
		how = fmt.Sprintf("%+d", nv-v)
	}
	if nv < 0 || nv == v {
		return "", "", false
	}
	return strconv.FormatInt(nv, 10), how, true
}

// formatFloatLike writes nv in the style of the original literal (plain or
// exponent) with the fewest decimals that keep the value changed and round
// it within a fraction of the step. It reports false when no short form
// differs from the original.
func formatFloatLike(orig string, v, nv, sigma float64) (string, bool) {
	exp := strings.ContainsAny(orig, "eE")
	decimals := 0
	if dot := strings.IndexByte(orig, '.'); dot >= 0 {
		end := len(orig)
		if e := strings.IndexAny(orig, "eE"); e >= 0 {
			end = e
		}
		decimals = end - dot - 1
	}
	for prec := max(decimals, 1); prec <= decimals+8; prec++ {
		format := byte('f')
		if exp {
			format = 'e'
		}
		s := strconv.FormatFloat(nv, format, prec, 64)
		if exp {
			s = tidyExponent(s, strings.Contains(orig, "+"))
		}
		got, err := strconv.ParseFloat(s, 64)
		if err != nil || got == v || got == 0 {
			continue
		}
		if math.Abs(got-nv) <= math.Abs(nv)*sigma/4 {
			return s, true
		}
	}
	return "", false
}

// tidyExponent shortens Go's two-digit exponent ("1.5e-02" -> "1.5e-2")
// and drops a "+" the original did not write.
func tidyExponent(s string, keepPlus bool) string {
	e := strings.IndexAny(s, "eE")
	mant, exp := s[:e+1], s[e+1:]
	sign := ""
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		sign, exp = exp[:1], exp[1:]
	}
	if sign == "+" && !keepPlus {
		sign = ""
	}
	exp = strings.TrimLeft(exp, "0")
	if exp == "" {
		exp = "0"
	}
	return mant + sign + exp
}

// diffBlock is one SEARCH/REPLACE pair over parent lines [start, end).
type diffBlock struct {
	start, end      int
	search, replace string
}

// diffBlocks turns line edits into SEARCH/REPLACE blocks whose SEARCH text
// occurs exactly once in code, widening each block with neighbouring lines
// (inside its region first) until it does, and checks that applying them in
// order yields the edited program.
func diffBlocks(code string, lines []string, regions []lineRange, edits []lineEdit) ([]diffBlock, error) {
	edited := slices.Clone(lines)
	for _, e := range edits {
		edited[e.line] = e.new
	}
	want := strings.Join(edited, "\n")

	var spans []lineRange
	for _, e := range edits {
		spans = append(spans, uniqueSpan(code, lines, regions, lineRange{e.line, e.line + 1}))
	}
	blocks := makeBlocks(lines, edited, mergeSpans(spans))
	if applyBlocks(code, blocks) == want {
		return blocks, nil
	}
	// A replacement created a second copy of a later SEARCH text: fall back
	// to one block spanning every edit.
	whole := uniqueSpan(code, lines, regions, lineRange{edits[0].line, edits[len(edits)-1].line + 1})
	blocks = makeBlocks(lines, edited, []lineRange{whole})
	if applyBlocks(code, blocks) != want {
		return nil, fmt.Errorf("cannot express the edit as SEARCH/REPLACE blocks that match once")
	}
	return blocks, nil
}

// uniqueSpan widens span until its text occurs once in code, first within
// the region holding it, then across the whole program.
func uniqueSpan(code string, lines []string, regions []lineRange, span lineRange) lineRange {
	unique := func(s lineRange) bool {
		return strings.Count(code, strings.Join(lines[s.start:s.end], "\n")) == 1
	}
	bounds := []lineRange{{0, len(lines)}}
	for _, r := range regions {
		if r.contains(span.start) && r.contains(span.end-1) {
			bounds = []lineRange{r, {0, len(lines)}}
		}
	}
	for _, b := range bounds {
		for !unique(span) && (span.start > b.start || span.end < b.end) {
			if span.end < b.end {
				span.end++
			}
			if !unique(span) && span.start > b.start {
				span.start--
			}
		}
	}
	return span
}

// mergeSpans joins overlapping or touching spans; a span containing a
// unique text is itself unique, so merged spans still match once.
func mergeSpans(spans []lineRange) []lineRange {
	slices.SortFunc(spans, func(a, b lineRange) int { return a.start - b.start })
	var out []lineRange
	for _, s := range spans {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

func makeBlocks(lines, edited []string, spans []lineRange) []diffBlock {
	var blocks []diffBlock
	for _, s := range spans {
		blocks = append(blocks, diffBlock{
			start: s.start, end: s.end,
			search:  strings.Join(lines[s.start:s.end], "\n"),
			replace: strings.Join(edited[s.start:s.end], "\n"),
		})
	}
	return blocks
}

// applyBlocks applies blocks in order the way a strict applier would:
// each SEARCH text must occur exactly once in the current text.
func applyBlocks(code string, blocks []diffBlock) string {
	for _, b := range blocks {
		if strings.Count(code, b.search) != 1 {
			return ""
		}
		code = strings.Replace(code, b.search, b.replace, 1)
	}
	return code
}

func renderReply(parent Parent, seed int64, edits []lineEdit, blocks []diffBlock, donor *Parent) string {
	var mutated, crossed int
	var notes []string
	for _, e := range edits {
		notes = append(notes, e.note)
		if e.crossed {
			crossed++
		} else {
			mutated++
		}
	}
	var nameParts []string
	if mutated > 0 {
		nameParts = append(nameParts, fmt.Sprintf("mutate-%d-%s", mutated, plural(mutated, "const", "consts")))
	}
	if crossed > 0 {
		nameParts = append(nameParts, fmt.Sprintf("crossover-%d-%s", crossed, plural(crossed, "line", "lines")))
	}

	var b strings.Builder
	fmt.Fprintf(&b, "<name>%s</name>\n", strings.Join(nameParts, "-"))
	fmt.Fprintf(&b, "<motivation>Offline search step (seed %d) on node %d (score %g)", seed, parent.NodeID, parent.Score)
	if donor != nil && crossed > 0 {
		fmt.Fprintf(&b, ", crossing over with node %d (score %g)", donor.NodeID, donor.Score)
	}
	fmt.Fprintf(&b, ": %s.", strings.Join(notes, "; "))
	if mutated > 0 {
		b.WriteString(" Constants inside EVOLVE blocks were perturbed by random log-normal steps.")
	}
	if crossed > 0 {
		b.WriteString(" Lines were copied from the other parent at the same position inside EVOLVE blocks.")
	}
	b.WriteString(" No model judged this edit; the evaluation decides.</motivation>\n")
	b.WriteString("<diff>\n")
	for _, blk := range blocks {
		fmt.Fprintf(&b, "<<<<<<< SEARCH\n%s\n=======\n%s\n>>>>>>> REPLACE\n", blk.search, blk.replace)
	}
	b.WriteString("</diff>\n")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

var (
	_ Provider    = (*Offline)(nil)
	_ CostBounder = (*Offline)(nil)
)
