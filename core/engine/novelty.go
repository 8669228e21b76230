package engine

import (
	"crypto/sha256"
	"strings"
)

// codeKey is the fingerprint the novelty check compares first: two programs
// with the same key are the same program once comments, blank lines and
// the spacing between tokens are set aside. String literals are kept as
// written, and so is the spacing that separates two words or two
// operator characters (`a - -b` is not `a --b`).
//
// Comments are known for "go", "c" and "javascript" (`//`, `/* */`) and
// "python" (`#`); Python keeps its indentation and line breaks outside
// brackets, which carry meaning there. Any other language only loses
// trailing spaces, blank lines and the kind of line ending.
func codeKey(language, code string) [sha256.Size]byte {
	return sha256.Sum256([]byte(normalizeCode(language, code)))
}

// normalizeCode returns the text codeKey hashes.
func normalizeCode(language, code string) string {
	code = strings.ReplaceAll(code, "\r\n", "\n")
	switch language {
	case "go", "c", "javascript":
		return squeeze(code, false)
	case "python":
		return squeeze(code, true)
	}
	var b strings.Builder
	for line := range strings.SplitSeq(code, "\n") {
		if line = strings.TrimRight(line, " \t\r"); line != "" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// squeeze drops comments and the spaces between tokens that do not change
// how the code reads. python selects `#` comments, triple-quoted strings
// and significant line breaks and indentation; otherwise the comments are
// C's and every line break is a space.
func squeeze(code string, python bool) string {
	var b strings.Builder
	var last byte     // the last byte written; 0 before any
	space := false    // whitespace seen since the last token
	lineStart := true // python: nothing written on this line yet
	depth := 0        // python: open brackets, inside which lines join
	indent := ""      // python: the current line's leading whitespace
	emit := func(tok string) {
		if python && lineStart {
			b.WriteString(indent)
			lineStart, space = false, false
		}
		if space && (isWord(last) && isWord(tok[0]) || isOperator(last) && isOperator(tok[0])) {
			b.WriteByte(' ')
		}
		space, last = false, tok[len(tok)-1]
		b.WriteString(tok)
	}
	for i := 0; i < len(code); {
		c := code[i]
		switch {
		case c == '\n':
			i++
			if python && depth == 0 {
				if !lineStart {
					b.WriteByte('\n')
					last = '\n'
				}
				lineStart, indent = true, ""
				for i < len(code) && (code[i] == ' ' || code[i] == '\t') {
					indent += string(code[i])
					i++
				}
				continue
			}
			space = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			space = true
			i++
		case python && c == '#':
			for i < len(code) && code[i] != '\n' {
				i++
			}
		case !python && c == '/' && i+1 < len(code) && code[i+1] == '/':
			for i < len(code) && code[i] != '\n' {
				i++
			}
		case !python && c == '/' && i+1 < len(code) && code[i+1] == '*':
			end := strings.Index(code[i+2:], "*/")
			if end < 0 {
				i = len(code)
			} else {
				i += 2 + end + 2
			}
			space = true
		case c == '"' || c == '\'' || (!python && c == '`'):
			n := literal(code[i:], python)
			emit(code[i : i+n])
			i += n
		default:
			if python {
				switch c {
				case '(', '[', '{':
					depth++
				case ')', ']', '}':
					depth = max(depth-1, 0)
				}
			}
			j := i + 1
			for isWord(c) && j < len(code) && isWord(code[j]) {
				j++
			}
			emit(code[i:j])
			i = j
		}
	}
	if python && !lineStart {
		b.WriteByte('\n')
	}
	return b.String()
}

// literal returns the length of the string literal that s starts with,
// its quotes included; an unterminated literal runs to the end of s.
func literal(s string, python bool) int {
	q := s[0]
	if python && len(s) >= 3 && s[1] == q && s[2] == q {
		end := strings.Index(s[3:], s[:3])
		if end < 0 {
			return len(s)
		}
		return 3 + end + 3
	}
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q != '`':
			i++
		case s[i] == q:
			return i + 1
		case s[i] == '\n' && q != '`':
			return i // a broken literal ends with its line
		}
	}
	return len(s)
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// isOperator reports the characters that can run together into a longer
// operator, so a space between two of them is kept.
func isOperator(c byte) bool { return strings.IndexByte("+-*/%&|^<>=!:.?~@$#", c) >= 0 }
