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
	"github.com/asi-evolve/asi/sdk/bundle"
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

	files := fileRanges(code, len(lines))
	where := func(ln int) string { return fmt.Sprintf("line %d", ln+1) }
	if files != nil {
		where = func(ln int) string {
			f := files[fileOf(files, ln)]
			return fmt.Sprintf("%s line %d", f.path, ln-f.lines.start+1)
		}
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
		edits = crossover(rng, lines, regions, donorLines, donor.NodeID, where)
	}
	if mutate {
		taken := map[int]bool{}
		for _, e := range edits {
			taken[e.line] = true
		}
		edits = append(edits, mutateConstants(rng, lines, candidates, taken, where)...)
	}
	if len(edits) == 0 {
		return "", fmt.Errorf("%w: every mutation left its constant unchanged", ErrNothingToEdit)
	}
	slices.SortFunc(edits, func(a, b lineEdit) int { return a.line - b.line })

	blocks, err := diffBlocks(code, lines, regions, files, edits)
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

// fileRange is one file of a program of several files: its path and the
// lines of its content, header excluded.
type fileRange struct {
	path  string
	lines lineRange
}

// fileRanges returns the files of code, whose strings.Split has n lines,
// or nil for a program of one file. Regions has already read the headers.
func fileRanges(code string, n int) []fileRange {
	secs, err := bundle.Sections(code)
	if err != nil || secs == nil {
		return nil
	}
	out := make([]fileRange, len(secs))
	for i, s := range secs {
		end := n
		if i+1 < len(secs) {
			end = secs[i+1].HeaderLine - 1
		}
		out[i] = fileRange{path: s.Path, lines: lineRange{s.HeaderLine, end}}
	}
	return out
}

// fileOf returns the index of the file holding line ln, or 0 when files
// is nil (the program is its own one file).
func fileOf(files []fileRange, ln int) int {
	for i, f := range files {
		if f.lines.contains(ln) {
			return i
		}
	}
	return 0
}

// diffBlock is one SEARCH/REPLACE pair over parent lines [start, end); its
// texts are the joined lines without a final "\n". file is the path of
// its file in a program of several files, else "".
type diffBlock struct {
	start, end      int
	search, replace string
	file            string
}

// diffBlocks turns line edits into SEARCH/REPLACE blocks whose SEARCH text
// occurs exactly once in its file (the whole code for a program of one
// file), widening each block with neighbouring lines (inside its region
// first) until it does, and checks that applying them in order yields the
// edited program. A block never reaches past its file, so never holds a
// header line.
func diffBlocks(code string, lines []string, regions []lineRange, files []fileRange, edits []lineEdit) ([]diffBlock, error) {
	edited := slices.Clone(lines)
	for _, e := range edits {
		edited[e.line] = e.new
	}
	want := strings.Join(edited, "\n")
	// A block must be unique in its own file: the whole code, or each file
	// of a program of several files.
	scopes := []lineRange{{0, len(lines)}}
	if files != nil {
		scopes = scopes[:0]
		for _, f := range files {
			scopes = append(scopes, f.lines)
		}
	}
	check := func(blocks []diffBlock) bool {
		if files == nil {
			return applyBlocks(code, blocks) == want
		}
		// Each SEARCH is unique in its file only: apply as diffs does.
		var dblocks []diffs.Block
		for _, b := range blocks {
			dblocks = append(dblocks, diffs.Block{Search: b.search + "\n", Replace: b.replace + "\n", File: b.file})
		}
		got, err := diffs.Apply(code, dblocks)
		return err == nil && got == want
	}

	var spans []lineRange
	for _, e := range edits {
		spans = append(spans, uniqueSpan(lines, regions, scopes[fileOf(files, e.line)], lineRange{e.line, e.line + 1}))
	}
	blocks := makeBlocks(lines, edited, files, mergeSpans(spans))
	if check(blocks) {
		return blocks, nil
	}
	// A replacement created a second copy of a later SEARCH text: fall back
	// to one block spanning every edit of each file.
	var wholes []lineRange
	for k, scope := range scopes {
		first, last := -1, -1
		for _, e := range edits {
			if fileOf(files, e.line) == k {
				if first < 0 {
					first = e.line
				}
				last = e.line
			}
		}
		if first >= 0 {
			wholes = append(wholes, uniqueSpan(lines, regions, scope, lineRange{first, last + 1}))
		}
	}
	blocks = makeBlocks(lines, edited, files, wholes)
	if !check(blocks) {
		return nil, fmt.Errorf("cannot express the edit as SEARCH/REPLACE blocks that match once")
	}
	return blocks, nil
}

// uniqueSpan widens span until its text occurs once in scope, the lines of
// its file, first within the region holding it, then across the file.
func uniqueSpan(lines []string, regions []lineRange, scope lineRange, span lineRange) lineRange {
	text := strings.Join(lines[scope.start:scope.end], "\n")
	unique := func(s lineRange) bool {
		return strings.Count(text, strings.Join(lines[s.start:s.end], "\n")) == 1
	}
	bounds := []lineRange{scope}
	for _, r := range regions {
		if r.contains(span.start) && r.contains(span.end-1) {
			bounds = []lineRange{r, scope}
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

func makeBlocks(lines, edited []string, files []fileRange, spans []lineRange) []diffBlock {
	var blocks []diffBlock
	for _, s := range spans {
		b := diffBlock{
			start: s.start, end: s.end,
			search:  strings.Join(lines[s.start:s.end], "\n"),
			replace: strings.Join(edited[s.start:s.end], "\n"),
		}
		if files != nil {
			b.file = files[fileOf(files, s.start)].path
		}
		blocks = append(blocks, b)
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
		b.WriteString(diffs.FormatBlocks([]diffs.Block{{Search: blk.search + "\n", Replace: blk.replace + "\n", File: blk.file}}))
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
