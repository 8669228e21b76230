// Package bundle writes a program of several files as one text and reads it
// back. asi stores, diffs and shows a candidate as one text; a task whose
// candidates are several files (a Python package, a kernel and its header)
// joins them with Join for its initial program and splits each candidate
// with Split before it runs them.
//
// The text is each file in turn, introduced by a header line of its own:
//
//	=== file: solver/model.py ===
//	...the file's lines...
//	=== file: solver/train.py ===
//	...
//
// A text whose first line is not a header is a program of one file.
package bundle

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// File is one file of a program.
type File struct {
	Path    string // slash-separated, relative, such as "solver/model.py"
	Content string
}

// headerLine matches a file header; the path has no spaces.
var headerLine = regexp.MustCompile(`^=== file: (\S+) ===$`)

// Header is the line that introduces the file at path, without its "\n".
func Header(path string) string { return "=== file: " + path + " ===" }

// ErrInvalid is wrapped by every error of Join and Parse.
var ErrInvalid = errors.New("invalid program files")

// Join writes files, in the order given, as one text. Content that does not
// end with "\n" gets one, so each header starts a line. A path that is
// empty, absolute, holds "..", a space or a backslash, repeats, or a file
// holding a header line of its own is an error wrapping ErrInvalid.
func Join(files []File) (string, error) {
	if len(files) == 0 {
		return "", fmt.Errorf("%w: no files", ErrInvalid)
	}
	seen := make(map[string]bool, len(files))
	var b strings.Builder
	for _, f := range files {
		if err := CheckPath(f.Path); err != nil {
			return "", err
		}
		if seen[f.Path] {
			return "", fmt.Errorf("%w: %s appears twice", ErrInvalid, f.Path)
		}
		seen[f.Path] = true
		for i, line := range strings.Split(f.Content, "\n") {
			if headerLine.MatchString(strings.TrimSuffix(line, "\r")) {
				return "", fmt.Errorf("%w: %s line %d looks like a file header (%q); no line of a file may", ErrInvalid, f.Path, i+1, line)
			}
		}
		b.WriteString(Header(f.Path))
		b.WriteByte('\n')
		b.WriteString(f.Content)
		if !strings.HasSuffix(f.Content, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}

// CheckPath says whether p may name a file of a program: relative,
// slash-separated, clean, without spaces or backslashes.
func CheckPath(p string) error {
	switch {
	case p == "":
		return fmt.Errorf("%w: a file has no path", ErrInvalid)
	case strings.ContainsAny(p, " \t\r\n\\"):
		return fmt.Errorf("%w: path %q holds a space or a backslash", ErrInvalid, p)
	case path.IsAbs(p) || path.Clean(p) != p || p == "." || strings.HasPrefix(p, "../") || p == "..":
		return fmt.Errorf("%w: path %q must be relative and clean, inside the program's folder", ErrInvalid, p)
	}
	return nil
}

// IsBundle reports whether code is a program of several files: its first
// line is a file header.
func IsBundle(code string) bool {
	first, _, _ := strings.Cut(code, "\n")
	return headerLine.MatchString(strings.TrimSuffix(first, "\r"))
}

// Section is where one file lies in a joined text.
type Section struct {
	Path string
	// Start and End are byte offsets of the file's content (after its
	// header line) in the text.
	Start, End int
	// HeaderLine is the 1-based line number of the header.
	HeaderLine int
}

// Sections returns where each file of a joined text lies, in order, or nil
// when code is a program of one file. A path that is invalid or repeats is
// an error wrapping ErrInvalid.
func Sections(code string) ([]Section, error) {
	if !IsBundle(code) {
		return nil, nil
	}
	var (
		out  []Section
		seen = map[string]bool{}
		pos  = 0
	)
	for lineNo := 1; pos < len(code); lineNo++ {
		end := strings.IndexByte(code[pos:], '\n')
		next := len(code)
		if end >= 0 {
			end += pos
			next = end + 1
		} else {
			end = len(code)
		}
		if m := headerLine.FindStringSubmatch(strings.TrimSuffix(code[pos:end], "\r")); m != nil {
			if err := CheckPath(m[1]); err != nil {
				return nil, fmt.Errorf("line %d: %w", lineNo, err)
			}
			if seen[m[1]] {
				return nil, fmt.Errorf("line %d: %w: %s appears twice", lineNo, ErrInvalid, m[1])
			}
			seen[m[1]] = true
			if len(out) > 0 {
				out[len(out)-1].End = pos
			}
			out = append(out, Section{Path: m[1], Start: next, End: len(code), HeaderLine: lineNo})
		}
		pos = next
	}
	return out, nil
}

// Split returns the files of a joined text, in order; a text of one file
// is returned as one File with an empty Path. Each file keeps its final
// "\n".
func Split(code string) ([]File, error) {
	secs, err := Sections(code)
	if err != nil {
		return nil, err
	}
	if secs == nil {
		return []File{{Content: code}}, nil
	}
	files := make([]File, len(secs))
	for i, s := range secs {
		files[i] = File{Path: s.Path, Content: code[s.Start:s.End]}
	}
	return files, nil
}
