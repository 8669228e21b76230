package roles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The offline operator finds its blocks with shortcuts: substrings of the
// code instead of joined lines, a search that stops at a second match
// instead of strings.Count, and a check of the blocks that builds no
// edited program when every block matches where it stands. These tests
// hold each shortcut to the plain computation it replaced.

// randomLines returns lines of a small vocabulary, so that texts repeat
// and overlap, some lines empty.
func randomLines(rng *rand.Rand, n int) []string {
	vocab := []string{"a", "a", "b", "", "x := 1", "a\ta", "}"}
	lines := make([]string, n)
	for i := range lines {
		lines[i] = vocab[rng.IntN(len(vocab))]
	}
	return lines
}

func TestIndexOnceSameAsCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		text := strings.Join(randomLines(rng, rng.IntN(8)), "\n")
		sub := strings.Join(randomLines(rng, rng.IntN(3)), "\n")
		if rng.IntN(3) == 0 && text != "" { // a piece of text, maybe of a line
			i := rng.IntN(len(text))
			sub = text[i : i+rng.IntN(len(text)-i+1)]
		}
		i, once := indexOnce(text, sub)
		if want := strings.Count(text, sub) == 1; once != want {
			t.Fatalf("indexOnce(%q, %q) once = %v, strings.Count says %v", text, sub, once, want)
		}
		if want := strings.Index(text, sub); once && i != want {
			t.Fatalf("indexOnce(%q, %q) = %d, strings.Index says %d", text, sub, i, want)
		}
	}
}

func TestJoinedLinesSameAsJoin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		lines := randomLines(rng, 1+rng.IntN(8))
		joined := newJoinedLines(strings.Join(lines, "\n"), lines)
		var edits []lineEdit // sorted by line, sometimes two of one line
		for ln := range lines {
			for range rng.IntN(3) / 2 * (1 + rng.IntN(2)) {
				edits = append(edits, lineEdit{line: ln, new: fmt.Sprint("edit", len(edits))})
			}
		}
		edited := slices.Clone(lines)
		for _, e := range edits {
			edited[e.line] = e.new
		}
		start := rng.IntN(len(lines) + 1)
		r := lineRange{start, start + rng.IntN(len(lines)-start+1)}
		if got, want := joined.of(r), strings.Join(lines[r.start:r.end], "\n"); got != want {
			t.Fatalf("of(%v) on %q = %q, want %q", r, lines, got, want)
		}
		if got, want := joined.edited(r, edits), strings.Join(edited[r.start:r.end], "\n"); got != want {
			t.Fatalf("edited(%v) on %q with %v = %q, want %q", r, lines, edits, got, want)
		}
	}
}

// TestAppliesAsEditedSameAsApplying checks blocks of random spans, with
// texts that often repeat, against applying them for real.
func TestAppliesAsEditedSameAsApplying(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var agreedTrue, agreedFalse int
	for range 20000 {
		lines := randomLines(rng, 2+rng.IntN(10))
		code := strings.Join(lines, "\n")
		joined := newJoinedLines(code, lines)
		var edits []lineEdit
		for ln, l := range lines {
			if rng.IntN(4) == 0 {
				edits = append(edits, lineEdit{line: ln, new: randomLines(rng, 1)[0] + l})
			}
		}
		var spans []lineRange
		for _, e := range edits {
			spans = append(spans, lineRange{max(0, e.line-rng.IntN(2)), min(len(lines), e.line+1+rng.IntN(2))})
		}
		blocks := makeBlocks(joined, edits, nil, mergeSpans(spans))
		want := joined.edited(lineRange{0, len(lines)}, edits)
		got := appliesAsEdited(&spanSearch{joined: joined}, blocks, func() string { return want })
		if applied := applyBlocks(code, blocks) == want; got != applied {
			t.Fatalf("appliesAsEdited(%q, %+v) = %v, applying the blocks says %v", code, blocks, got, applied)
		}
		if got {
			agreedTrue++
		} else {
			agreedFalse++
		}
	}
	if agreedTrue == 0 || agreedFalse == 0 {
		t.Fatalf("the blocks applied %d times and failed %d times; both must happen for the test to mean something", agreedTrue, agreedFalse)
	}
}

// TestRenderNumbersSameAsFmt holds renderReply's strconv calls to the fmt
// verbs the reply format was written with.
func TestRenderNumbersSameAsFmt(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.0 / 3, 2.0 / 3, 123456, 1234567, 1e20, 1e21, 1e-4, 1e-5, 0.1 + 0.2,
		math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 1000 {
		floats = append(floats, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(40)-20)))
	}
	for _, v := range floats {
		if got, want := strconv.FormatFloat(v, 'g', -1, 64), fmt.Sprintf("%g", v); got != want {
			t.Fatalf("FormatFloat(%v, 'g', -1, 64) = %q, %%g gives %q", v, got, want)
		}
	}
	for _, v := range []int64{0, 1, -1, math.MaxInt64, math.MinInt64} {
		if got, want := strconv.FormatInt(v, 10), fmt.Sprintf("%d", v); got != want {
			t.Fatalf("FormatInt(%d) = %q, %%d gives %q", v, got, want)
		}
	}
}

// scanNumbersByPrefix is scanNumbers as it was written first: every
// opener tested with strings.HasPrefix at every byte.
func scanNumbersByPrefix(lines []string) []numberLiteral {
	var out []numberLiteral
	var multi string
	for ln, line := range lines {
		i := 0
		if multi != "" {
			end := strings.Index(line, multi)
			if end < 0 {
				continue
			}
			i = end + len(multi)
			multi = ""
		}
		for i < len(line) {
			c := line[i]
			rest := line[i:]
			switch {
			case strings.HasPrefix(rest, "//"), c == '#':
				i = len(line)
			case strings.HasPrefix(rest, "/*"):
				i, multi = skipTo(line, i+2, "*/")
			case strings.HasPrefix(rest, strings.Repeat(`"`, 3)), strings.HasPrefix(rest, "'''"):
				i, multi = skipTo(line, i+3, rest[:3])
			case c == '`':
				i, multi = skipTo(line, i+1, "`")
			case c == '"' || c == '\'':
				i = skipQuoted(line, i)
			case isDigit(c) || (c == '.' && i+1 < len(line) && isDigit(line[i+1])):
				lit, next, ok := readNumber(line, i)
				if ok {
					lit.Line = ln
					out = append(out, lit)
				}
				i = next
			case isIdentByte(c):
				for i < len(line) && isIdentByte(line[i]) {
					i++
				}
			default:
				i++
			}
		}
	}
	return out
}

// TestScanNumbersSameAsByPrefix holds scanNumbers, which tests a byte
// before any prefix, to the version that tested every prefix, on lines
// dense with comment, string and number openers.
func TestScanNumbersSameAsByPrefix(t *testing.T) {
	pieces := []string{"/", "*", "#", `"`, "'", "`", "\\", ".", "0", "7", "1e3", "0x1F", "e", "x", "_", " ", "\t", "-", "+", "=", "(", ")"}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20000 {
		lines := make([]string, 1+rng.IntN(4))
		for i := range lines {
			var b strings.Builder
			for range rng.IntN(14) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			lines[i] = b.String()
		}
		if got, want := scanNumbers(lines), scanNumbersByPrefix(lines); !slices.Equal(got, want) {
			t.Fatalf("lines %q: scanNumbers = %+v, by prefix %+v", lines, got, want)
		}
	}
}
