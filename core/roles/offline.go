package roles

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
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
	where := func(ln int) string { return "line " + strconv.Itoa(ln+1) }
	if files != nil {
		where = func(ln int) string {
			f := files[fileOf(files, ln)]
			return f.path + " line " + strconv.Itoa(ln-f.lines.start+1)
		}
	}

	// No literal after the last region is a candidate: scan up to its end.
	candidates := mutationCandidates(lines[:regions[len(regions)-1].end], regions)
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
	line, counted := 0, 0 // line counts the "\n" in code[:counted]
	for _, r := range regions {
		if r.Start == r.End {
			continue
		}
		start := line + strings.Count(code[counted:r.Start], "\n")
		line, counted = start+strings.Count(code[r.Start:r.End], "\n"), r.End
		out = append(out, lineRange{start, line})
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

// joinedLines is a text and its lines as strings.Split(text, "\n") cuts
// them, so that the lines of a range, joined by "\n", are a substring of
// the text rather than a new string.
type joinedLines struct {
	text   string
	lines  []string
	starts []int // starts[i] is the offset of line i; starts[len(lines)] is len(text)+1
}

func newJoinedLines(text string, lines []string) joinedLines {
	starts := make([]int, len(lines)+1)
	for i, l := range lines {
		starts[i+1] = starts[i] + len(l) + 1
	}
	return joinedLines{text: text, lines: lines, starts: starts}
}

// of returns strings.Join(lines[r.start:r.end], "\n").
func (j joinedLines) of(r lineRange) string {
	if r.len() == 0 {
		return ""
	}
	return j.text[j.starts[r.start] : j.starts[r.end]-1]
}

// edited returns strings.Join(lines[r.start:r.end], "\n") with the lines
// that edits, sorted by line, replace; of two edits of one line the later
// one counts.
func (j joinedLines) edited(r lineRange, edits []lineEdit) string {
	var b strings.Builder
	b.Grow(len(j.of(r)) + 64)
	from := r.start // the next line to write
	for k, e := range edits {
		if !r.contains(e.line) || k+1 < len(edits) && edits[k+1].line == e.line {
			continue
		}
		if e.line > from {
			b.WriteString(j.of(lineRange{from, e.line}))
			b.WriteByte('\n')
		}
		b.WriteString(e.new)
		if e.line+1 < r.end {
			b.WriteByte('\n')
		}
		from = e.line + 1
	}
	b.WriteString(j.of(lineRange{from, r.end}))
	return b.String()
}

// indexOnce returns the index of the first sub in text and whether
// strings.Count(text, sub) is 1, stopping at the second occurrence.
func indexOnce(text, sub string) (int, bool) {
	if sub == "" {
		return 0, text == "" // Count counts "" once per rune, plus one
	}
	i := strings.Index(text, sub)
	return i, i >= 0 && !strings.Contains(text[i+len(sub):], sub)
}

// spanSearch answers indexOnce for the text of one line range in that of
// another, remembering the answers: uniqueSpan asks each question at least
// twice, and checking the blocks asks again. Each answer reads the whole
// scope.
type spanSearch struct {
	joined  joinedLines
	answers []spanAnswer
}

type spanAnswer struct {
	scope, span lineRange
	index       int
	once        bool
}

func (s *spanSearch) indexOnce(scope, span lineRange) (int, bool) {
	for _, a := range s.answers {
		if a.scope == scope && a.span == span {
			return a.index, a.once
		}
	}
	i, once := indexOnce(s.joined.of(scope), s.joined.of(span))
	s.answers = append(s.answers, spanAnswer{scope, span, i, once})
	return i, once
}

// diffBlocks turns line edits, sorted by line, into SEARCH/REPLACE blocks
// whose SEARCH text occurs exactly once in its file (the whole code for a
// program of one file), widening each block with neighbouring lines
// (inside its region first) until it does, and checks that applying them
// in order yields the edited program. A block never reaches past its file,
// so never holds a header line.
func diffBlocks(code string, lines []string, regions []lineRange, files []fileRange, edits []lineEdit) ([]diffBlock, error) {
	joined := newJoinedLines(code, lines)
	search := &spanSearch{joined: joined}
	all := lineRange{0, len(lines)}
	want := func() string { return joined.edited(all, edits) }
	// A block must be unique in its own file: the whole code, or each file
	// of a program of several files.
	scopes := []lineRange{all}
	if files != nil {
		scopes = scopes[:0]
		for _, f := range files {
			scopes = append(scopes, f.lines)
		}
	}
	check := func(blocks []diffBlock) bool {
		if files == nil {
			return appliesAsEdited(search, blocks, want)
		}
		// Each SEARCH is unique in its file only: apply as diffs does.
		var dblocks []diffs.Block
		for _, b := range blocks {
			dblocks = append(dblocks, diffs.Block{Search: b.search + "\n", Replace: b.replace + "\n", File: b.file})
		}
		got, err := diffs.Apply(code, dblocks)
		return err == nil && got == want()
	}

	var spans []lineRange
	for _, e := range edits {
		spans = append(spans, uniqueSpan(search, regions, scopes[fileOf(files, e.line)], lineRange{e.line, e.line + 1}))
	}
	blocks := makeBlocks(joined, edits, files, mergeSpans(spans))
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
			wholes = append(wholes, uniqueSpan(search, regions, scope, lineRange{first, last + 1}))
		}
	}
	blocks = makeBlocks(joined, edits, files, wholes)
	if !check(blocks) {
		return nil, fmt.Errorf("cannot express the edit as SEARCH/REPLACE blocks that match once")
	}
	return blocks, nil
}

// uniqueSpan widens span until its text occurs once in scope, the lines of
// its file, first within the region holding it, then across the file.
func uniqueSpan(search *spanSearch, regions []lineRange, scope lineRange, span lineRange) lineRange {
	unique := func(s lineRange) bool {
		_, once := search.indexOnce(scope, s)
		return once
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

func makeBlocks(joined joinedLines, edits []lineEdit, files []fileRange, spans []lineRange) []diffBlock {
	var blocks []diffBlock
	for _, s := range spans {
		b := diffBlock{
			start: s.start, end: s.end,
			search:  joined.of(s),
			replace: joined.edited(s, edits),
		}
		if files != nil {
			b.file = files[fileOf(files, s.start)].path
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// appliesAsEdited reports whether applyBlocks(code, blocks) == want() for
// blocks of a program of one file, in line order: it is so when each
// SEARCH text occurs once, first where its block stands, as it nearly
// always does, and that needs neither the edited program nor the last
// intermediate one.
func appliesAsEdited(search *spanSearch, blocks []diffBlock, want func() string) bool {
	all := lineRange{0, len(search.joined.lines)}
	text, shift := search.joined.text, 0 // shift: how far the blocks so far moved the later lines
	for k, b := range blocks {
		var i int
		var once bool
		if k == 0 {
			i, once = search.indexOnce(all, lineRange{b.start, b.end}) // text is still the code
		} else {
			i, once = indexOnce(text, b.search)
		}
		if !once {
			return want() == "" // applyBlocks gives ""
		}
		if i != search.joined.starts[b.start]+shift {
			return applyBlocks(search.joined.text, blocks) == want()
		}
		if k+1 < len(blocks) {
			text = text[:i] + b.replace + text[i+len(b.search):]
		}
		shift += len(b.replace) - len(b.search)
	}
	return true
}

// applyBlocks applies blocks in order the way a strict applier would:
// each SEARCH text must occur exactly once in the current text.
func applyBlocks(code string, blocks []diffBlock) string {
	for _, b := range blocks {
		i, once := indexOnce(code, b.search)
		if !once {
			return ""
		}
		code = code[:i] + b.replace + code[i+len(b.search):]
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

	// Written piece by piece rather than with fmt: %d and %g print as
	// strconv.FormatInt and FormatFloat(v, 'g', -1, 64) do.
	size := 1024 // the prose
	for _, blk := range blocks {
		size += len(blk.search) + len(blk.replace) + len(blk.file) + 64
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString("<name>" + strings.Join(nameParts, "-") + "</name>\n")
	b.WriteString("<motivation>Offline search step (seed " + strconv.FormatInt(seed, 10) + ") on node " + strconv.FormatInt(parent.NodeID, 10) +
		" (score " + strconv.FormatFloat(parent.Score, 'g', -1, 64) + ")")
	if donor != nil && crossed > 0 {
		b.WriteString(", crossing over with node " + strconv.FormatInt(donor.NodeID, 10) + " (score " + strconv.FormatFloat(donor.Score, 'g', -1, 64) + ")")
	}
	b.WriteString(": " + strings.Join(notes, "; ") + ".")
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
