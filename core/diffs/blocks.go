package diffs

import (
	"fmt"
	"regexp"
	"strings"
)

// Block is one SEARCH/REPLACE edit. Search and Replace are whole lines, each
// ended by "\n"; Replace is empty when the block deletes lines.
type Block struct {
	Search, Replace string
	// File is the path of the file the block edits in a program of several
	// files, "" when the block names none (see Apply).
	File string
}

// Marker lines: 5 to 9 marker characters, optional spaces around, nothing
// else on the line.
var (
	searchLine  = lineKind{'<', regexp.MustCompile(`^[ \t]*<{5,9}[ \t]*SEARCH[ \t]*$`)}
	dividerLine = lineKind{'=', regexp.MustCompile(`^[ \t]*={5,9}[ \t]*$`)}
	replaceLine = lineKind{'>', regexp.MustCompile(`^[ \t]*>{5,9}[ \t]*REPLACE[ \t]*$`)}
)

// lineKind is a kind of line that pattern matches, whole; every such line
// begins with lead after its spaces and tabs, which rules out most lines
// without running the pattern: a reply has many lines and four kinds.
type lineKind struct {
	lead    byte
	pattern *regexp.Regexp
}

// MatchString reports whether line is of the kind.
func (k lineKind) MatchString(line string) bool {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	return i < len(line) && line[i] == k.lead && k.pattern.MatchString(line)
}

// fileLine names the file of the next block: "File: PATH", "file: PATH",
// "### File: PATH", "**File:** PATH" or a header "=== file: PATH ===".
// Models write all of these; the path is one word, so prose never reads as
// one.
var fileLine = regexp.MustCompile(`(?i)^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?file(?:\*\*)?:(?:\*\*)?[ \t]*(\S+)[ \t]*$|^[ \t]*=== ?file: ?(\S+) ?===[ \t]*$`)

// filePath returns the path a line names with fileLine, without the
// backticks or stars around it, or "".
func filePath(text string) string {
	m := fileLine.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return strings.Trim(m[1]+m[2], "`*")
}

// ParseBlocks returns the SEARCH/REPLACE blocks of text in order:
//
//	<<<<<<< SEARCH
//	exact old lines
//	=======
//	new lines
//	>>>>>>> REPLACE
//
// Text between blocks (prose, code fences) is ignored, and so is a stray
// "=======" line outside a block, which markdown uses for headings, except
// the line that names the block's file: the last line before the SEARCH
// line, blank lines and one code fence skipped, when it reads "File: PATH"
// (also "file:", "### File:", "**File:**", or a header line
// "=== file: PATH ===") sets the block's File. Inside a
// block the first "=======" line ends the SEARCH section; later ones belong
// to the REPLACE text. "\r\n" line ends are read as "\n". A block that is
// never finished, lacks its "=======" line, has an empty SEARCH section, or
// a REPLACE marker with no block open is an error wrapping
// ErrMalformedBlock. Text without any block gives no blocks and no error.
func ParseBlocks(text string) ([]Block, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	const (
		between = iota
		inSearch
		inReplace
	)
	var (
		blocks    []Block
		state     = between
		file      string // named by the last line that counts before a block
		fences    int    // code fence lines since that line
		openedAt  int
		search    strings.Builder
		replace   strings.Builder
		malformed = func(lineNo int, reason string) error {
			return fmt.Errorf("block %d (reply line %d): %w: %s", len(blocks)+1, lineNo, ErrMalformedBlock, reason)
		}
	)
	for i, ln := range splitLines(text) {
		lineNo := i + 1
		raw := text[ln.start:ln.end]
		switch state {
		case between:
			switch {
			case searchLine.MatchString(raw):
				state, openedAt = inSearch, lineNo
				search.Reset()
				replace.Reset()
			case replaceLine.MatchString(raw):
				return nil, malformed(lineNo, "a >>>>>>> REPLACE line with no <<<<<<< SEARCH line before it")
			case strings.TrimSpace(raw) == "":
			case fenceOpen.MatchString(raw):
				if fences++; fences > 1 {
					file = ""
				}
			default:
				file, fences = filePath(raw), 0
			}
		case inSearch:
			switch {
			case dividerLine.MatchString(raw):
				if strings.TrimSpace(search.String()) == "" {
					return nil, malformed(openedAt, "the SEARCH section is empty; quote the exact lines to replace")
				}
				state = inReplace
			case searchLine.MatchString(raw):
				return nil, malformed(openedAt, fmt.Sprintf("a new <<<<<<< SEARCH at line %d before the ======= line that ends this SEARCH section", lineNo))
			case replaceLine.MatchString(raw):
				return nil, malformed(openedAt, fmt.Sprintf("the >>>>>>> REPLACE at line %d comes before any ======= line; put ======= between the old and the new lines", lineNo))
			default:
				search.WriteString(raw)
				search.WriteByte('\n')
			}
		case inReplace:
			switch {
			case replaceLine.MatchString(raw):
				blocks = append(blocks, Block{Search: search.String(), Replace: replace.String(), File: file})
				state, file, fences = between, "", 0
			case searchLine.MatchString(raw):
				return nil, malformed(openedAt, fmt.Sprintf("a new <<<<<<< SEARCH at line %d before the >>>>>>> REPLACE line that ends this block", lineNo))
			default:
				replace.WriteString(raw)
				replace.WriteByte('\n')
			}
		}
	}
	switch state {
	case inSearch:
		return nil, malformed(openedAt, "the text ends inside the SEARCH section (no ======= line and no >>>>>>> REPLACE line)")
	case inReplace:
		return nil, malformed(openedAt, "the text ends before the >>>>>>> REPLACE line that ends this block")
	}
	return blocks, nil
}

// FormatBlocks renders blocks in the form ParseBlocks reads, with 7-character
// markers, each block with a File preceded by the line "File: PATH". A
// Search or Replace that does not end with "\n" gets one.
func FormatBlocks(blocks []Block) string {
	var b strings.Builder
	for i, blk := range blocks {
		if i > 0 {
			b.WriteByte('\n')
		}
		if blk.File != "" {
			b.WriteString("File: " + blk.File + "\n")
		}
		b.WriteString("<<<<<<< SEARCH\n")
		writeLines(&b, blk.Search)
		b.WriteString("=======\n")
		writeLines(&b, blk.Replace)
		b.WriteString(">>>>>>> REPLACE\n")
	}
	return b.String()
}

func writeLines(b *strings.Builder, text string) {
	b.WriteString(text)
	if text != "" && !strings.HasSuffix(text, "\n") {
		b.WriteByte('\n')
	}
}
