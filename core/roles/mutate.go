package roles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/llm"
)

// lineEdit replaces one line of the parent.
type lineEdit struct {
	line     int // 0-based
	old, new string
	note     string // for the motivation
	crossed  bool   // taken from another parent
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
func pickDonor(rng *rand.Rand, parents []llm.Parent, lines []string, regions []lineRange) (*llm.Parent, []string) {
	var fits []int
	var fitLines [][]string
	for i := 1; i < len(parents); i++ {
		theirLines := strings.Split(parents[i].Code, "\n")
		theirs, err := lineRegions(parents[i].Code)
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

// crossover copies 1-3 differing region lines from the donor; where names
// a line for the note.
func crossover(rng *rand.Rand, lines []string, regions []lineRange, donorLines []string, donorID int64, where func(int) string) []lineEdit {
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
			note: fmt.Sprintf("%s taken from node %d", where(ln), donorID),
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
// already taken; where names a line for the note.
func mutateConstants(rng *rand.Rand, lines []string, candidates [][]numberLiteral, taken map[int]bool, where func(int) string) []lineEdit {
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
			note: fmt.Sprintf("%s: %s -> %s (%s)", where(lit.Line), lit.Text, text, how),
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
