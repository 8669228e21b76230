package roles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/asi-evolve/asi/core/diffs"
	"github.com/asi-evolve/asi/core/llm"
)

// Offline is the offline search operator: a Provider that needs no model
// and no network. For researcher requests it performs one step of a plain
// evolutionary search on the first parent program, perturbing numeric
// constants and crossing lines over from another parent, all inside
// EVOLVE regions (found by diffs.Regions), and answers in the researcher
// reply format with blocks written by diffs.FormatBlocks. The edit is a
// pure function of the parents and req.Seed. It is safe for concurrent use.
type Offline struct{}

// NewOffline returns the offline search operator.
func NewOffline() *Offline { return &Offline{} }

// Name returns "offline", the provider name stored with the exchanges it
// answers (store.OfflineProvider).
func (*Offline) Name() string { return "offline" }

// ModelFree marks the operator as llm.ModelFree: llm.IsOffline reports its
// answers as no model's calls.
func (*Offline) ModelFree() {}

// Complete answers a researcher request with SEARCH/REPLACE blocks against
// req.Parents[0]; it reads neither req.Messages nor any other field but
// Role, Parents and Seed. Other roles get llm.ErrUnsupportedRole. The usage
// is zero: no model read a prompt or wrote a token.
func (o *Offline) Complete(ctx context.Context, req llm.Request) (llm.Response, error) {
	start := time.Now()
	if err := ctx.Err(); err != nil {
		return llm.Response{}, err
	}
	if req.Role != llm.RoleResearcher {
		return llm.Response{}, fmt.Errorf("offline: role %q: %w", req.Role, llm.ErrUnsupportedRole)
	}
	if len(req.Parents) == 0 {
		return llm.Response{}, fmt.Errorf("offline: %w", ErrNoParent)
	}
	content, err := research(req.Parents, req.Seed)
	if err != nil {
		return llm.Response{}, fmt.Errorf("offline: node %d: %w", req.Parents[0].NodeID, err)
	}
	return llm.Response{Content: content, Model: "offline", Latency: time.Since(start)}, nil
}

// MaxCost is 0: an offline answer costs nothing.
func (*Offline) MaxCost(llm.Request) float64 { return 0 }

// research picks and renders one edit of parents[0].
func research(parents []llm.Parent, seed int64) (string, error) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6f66666c696e65))
	code := parents[0].Code
	lines := strings.Split(code, "\n")
	regions, err := lineRegions(code)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNoEvolveBlock, err)
	}
	if len(regions) == 0 {
		return "", fmt.Errorf("%w: no line between %s and %s", ErrNoEvolveBlock, diffs.StartMarker, diffs.EndMarker)
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

// lineRange is a half-open range of 0-based line indexes.
type lineRange struct{ start, end int }

func (r lineRange) contains(i int) bool { return i >= r.start && i < r.end }
func (r lineRange) len() int            { return r.end - r.start }

// lineRegions returns the EVOLVE regions of code (as diffs.Regions reads
// them) as ranges of the lines strings.Split(code, "\n") gives. Empty
// regions are dropped: there is nothing in them to edit.
func lineRegions(code string) ([]lineRange, error) {
	regions, err := diffs.Regions(code)
	if err != nil {
		return nil, err
	}
	var out []lineRange
	for _, r := range regions {
		if r.Start == r.End {
			continue
		}
		out = append(out, lineRange{strings.Count(code[:r.Start], "\n"), strings.Count(code[:r.End], "\n")})
	}
	return out, nil
}

// diffBlock is one SEARCH/REPLACE pair over parent lines [start, end); its
// texts are the joined lines without a final "\n".
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

func renderReply(parent llm.Parent, seed int64, edits []lineEdit, blocks []diffBlock, donor *llm.Parent) string {
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
		// Formatted one at a time: the blocks follow each other with no
		// blank line between them, as recorded replies have them.
		b.WriteString(diffs.FormatBlocks([]diffs.Block{{Search: blk.search + "\n", Replace: blk.replace + "\n"}}))
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
	_ llm.Provider    = (*Offline)(nil)
	_ llm.CostBounder = (*Offline)(nil)
	_ llm.ModelFree   = (*Offline)(nil)
)
