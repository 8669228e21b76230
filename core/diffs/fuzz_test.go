package diffs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/asi-evolve/asi/sdk/bundle"
)

func FuzzParseReply(f *testing.F) {
	for _, name := range []string{"diff_with_prose.txt", "program_fenced.txt", "truncated.txt"} {
		f.Add(readTestdata(f, "replies/"+name))
	}
	f.Add("<name>n</name><program>```\nx\n```</program>")
	f.Add("<name><diff></name></diff>")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ParseReply(text)
		if err != nil {
			for _, sentinel := range []error{ErrUnclosedTag, ErrMalformedBlock, ErrNoEdit, ErrNoName} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("ParseReply() error %v wraps no sentinel", err)
		}
		if r.Name == "" {
			t.Fatal("accepted reply without a name")
		}
		if len(r.Blocks) == 0 && r.Program == "" {
			t.Fatal("accepted reply without an edit")
		}
		if r.Program != "" && !strings.HasSuffix(r.Program, "\n") {
			t.Fatalf("program %q does not end with a newline", r.Program)
		}
		if r.Tags[TagName] != r.Name {
			t.Fatalf("Tags[name] = %q, Name = %q", r.Tags[TagName], r.Name)
		}
		for i, b := range r.Blocks {
			if strings.TrimSpace(b.Search) == "" {
				t.Fatalf("block %d has an empty SEARCH", i+1)
			}
		}
	})
}

// looksLikeMarker reports whether a line of block content would be read as
// a marker line, which makes a parse/format round trip lossy by design.
func looksLikeMarker(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		if searchLine.MatchString(l) || dividerLine.MatchString(l) || replaceLine.MatchString(l) {
			return true
		}
	}
	return false
}

func FuzzParseBlocks(f *testing.F) {
	f.Add("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n")
	f.Add("<<<<< SEARCH\r\na\r\n=========\r\n>>>>>>>>> REPLACE")
	f.Add("x\n=======\n>>>>>>> REPLACE\n")
	f.Add("### File: `a.py`\n```python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n```\n=== file: b ===\n<<<<<<< SEARCH\nc\n=======\n>>>>>>> REPLACE\n")
	f.Add(readTestdata(f, "replies/diff_with_prose.txt"))
	f.Fuzz(func(t *testing.T, text string) {
		blocks, err := ParseBlocks(text)
		if err != nil {
			if !errors.Is(err, ErrMalformedBlock) {
				t.Fatalf("ParseBlocks() error %v does not wrap ErrMalformedBlock", err)
			}
			return
		}
		for i, b := range blocks {
			if strings.TrimSpace(b.Search) == "" {
				t.Fatalf("block %d has an empty SEARCH", i+1)
			}
			if !strings.HasSuffix(b.Search, "\n") || (b.Replace != "" && !strings.HasSuffix(b.Replace, "\n")) {
				t.Fatalf("block %d is not whole lines: %+v", i+1, b)
			}
			if strings.Contains(b.Search+b.Replace, "\r\n") {
				t.Fatalf("block %d kept a \\r\\n line end", i+1)
			}
		}
		// Formatting and parsing again gives the same blocks, unless the
		// content itself holds a line that reads as a marker.
		for _, b := range blocks {
			if looksLikeMarker(b.Search) || looksLikeMarker(b.Replace) {
				return
			}
		}
		again, err := ParseBlocks(FormatBlocks(blocks))
		if err != nil {
			t.Fatalf("formatted blocks do not parse: %v", err)
		}
		if diff := cmp.Diff(blocks, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzFormatBlocks checks that what FormatBlocks writes, ParseBlocks reads
// back as the same blocks, for any whole-line texts that hold no marker
// line and no "\r" (ParseBlocks reads "\r\n" as "\n").
//
// The first block names file1 when that is a path ParseBlocks can read
// back (one word without backticks or stars around it).
func FuzzFormatBlocks(f *testing.F) {
	f.Add("a := 1", "a := 2", "", "b\n", "pkg/model.py")
	f.Add("x\n\ny\n", "", "  z\n", "\n", "")
	f.Add("=====\n", "SEARCH\n", "<<<< SEARCH", "======= x", "`a`")
	f.Fuzz(func(t *testing.T, search1, replace1, search2, replace2, file1 string) {
		if filePath("File: "+file1) != file1 {
			file1 = ""
		}
		var blocks []Block
		for _, b := range []Block{{Search: search1, Replace: replace1, File: file1}, {Search: search2, Replace: replace2}} {
			if strings.TrimSpace(b.Search) == "" {
				continue // an empty SEARCH is no edit; ParseBlocks rejects it
			}
			if strings.Contains(b.Search+b.Replace, "\r") || looksLikeMarker(b.Search) || looksLikeMarker(b.Replace) {
				return
			}
			b.Search = wholeLines(b.Search)
			b.Replace = wholeLines(b.Replace)
			blocks = append(blocks, b)
		}
		got, err := ParseBlocks(FormatBlocks(blocks))
		if err != nil {
			t.Fatalf("formatted blocks do not parse: %v\n%s", err, FormatBlocks(blocks))
		}
		if diff := cmp.Diff(blocks, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-formatted +parsed):\n%s", diff)
		}
	})
}

// wholeLines ends a non-empty text with "\n", as FormatBlocks writes it.
func wholeLines(text string) string {
	if text != "" && !strings.HasSuffix(text, "\n") {
		return text + "\n"
	}
	return text
}

// outsideText returns the text outside the EVOLVE regions, marker lines
// included, computed independently of Regions: it keeps every line that is
// not between a START line and the following END line.
func outsideText(code string) string {
	var out strings.Builder
	inside := false
	for _, l := range strings.SplitAfter(code, "\n") {
		switch {
		case strings.Contains(l, StartMarker):
			inside = true
			out.WriteString(l)
		case strings.Contains(l, EndMarker):
			inside = false
			out.WriteString(l)
		case !inside:
			out.WriteString(l)
		}
	}
	return out.String()
}

func FuzzApply(f *testing.F) {
	program := readTestdata(f, "program.py")
	f.Add(program, "        out.append(0.1)\n", "        out.append(0.2)\n")
	f.Add(program, "    out = []\n", "")
	f.Add(program, "def main():\n", "def main2():\n")
	f.Add(program, "STEPS = 10\n", "STEPS = 1")
	f.Add(program, "    return out\n# EVOLVE-BLOCK-END\n", "x\n")
	f.Add("a\nb", "b", "c\nd")
	f.Add("// EVOLVE-BLOCK-START\nx\n// EVOLVE-BLOCK-END", "x\n", "// EVOLVE-BLOCK-END\n")
	f.Add("=== file: a.py ===\nx\n=== file: b.py ===\nx\n", "x\n", "y\n=== file: c.py ===\n")
	f.Add("=== file: a.py ===\n# EVOLVE-BLOCK-START\nx\n=== file: b.py ===\n# EVOLVE-BLOCK-END\n", "x\n", "y\n")
	f.Add("=== file: a.py ===\n# EVOLVE-BLOCK-START\nx\n# EVOLVE-BLOCK-END\n=== file: b.py ===\nx\n", "x\n", "")
	f.Fuzz(func(t *testing.T, code, search, replace string) {
		blocks := []Block{{Search: search, Replace: replace}}
		got, err := Apply(code, blocks)
		regions, rerr := Regions(code)
		if err != nil {
			var aerr *ApplyError
			if !errors.As(err, &aerr) && !errors.Is(err, ErrUnbalancedMarkers) && !errors.Is(err, ErrFileHeader) {
				t.Fatalf("Apply() error %v is neither an *ApplyError nor unbalanced markers nor bad headers", err)
			}
			return
		}
		if rerr != nil {
			t.Fatalf("Apply() succeeded on code with unbalanced markers: %v", rerr)
		}
		before, _ := bundle.Split(code)
		after, aerr := bundle.Split(got)
		if aerr != nil || len(after) != len(before) {
			t.Fatalf("Apply() changed the files of the program: %v\nbefore %q\nafter  %q", aerr, code, got)
		}
		for i := range before {
			if before[i].Path != after[i].Path {
				t.Fatalf("file %d is %q after Apply(), was %q", i+1, after[i].Path, before[i].Path)
			}
		}
		if len(regions) == 0 {
			if hasMarker(got) {
				t.Fatalf("Apply() added a marker to unmarked code: %q", got)
			}
			return
		}
		if before, after := outsideText(code), outsideText(got); before != after {
			t.Fatalf("text outside the regions changed:\nbefore %q\nafter  %q", before, after)
		}
		if err := CheckRewrite(code, got); err != nil {
			t.Fatalf("CheckRewrite() rejects an applied diff: %v", err)
		}
	})
}
