package roles

import "strings"

// numberLiteral is a decimal number written in code: Text is lines[Line][Start:End].
type numberLiteral struct {
	Line       int
	Start, End int
	Text       string
	Float      bool
}

// scanNumbers finds the plain decimal literals of a program, skipping
// comments (//, /* */, #), string literals (single, double, back and triple quotes),
// digits inside identifiers, and literals with a prefix or suffix (0x1f,
// 1e5f, 10px, 2i, 1_000) whose rewriting the scanner cannot vouch for.
// It reads C-family, Go, JavaScript and Python well enough to pick
// mutation targets; it is not a lexer.
func scanNumbers(lines []string) []numberLiteral {
	var out []numberLiteral
	var multi string // the closing delimiter of an open multi-line string or comment
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
			next := byte(0)
			if i+1 < len(line) {
				next = line[i+1]
			}
			// Tested on the byte first: most bytes open nothing.
			switch {
			case c == '#', c == '/' && next == '/':
				i = len(line)
			case c == '/' && next == '*':
				i, multi = skipTo(line, i+2, "*/")
			case (c == '"' || c == '\'') && next == c && i+2 < len(line) && line[i+2] == c:
				i, multi = skipTo(line, i+3, line[i:i+3])
			case c == '`':
				i, multi = skipTo(line, i+1, "`")
			case c == '"' || c == '\'':
				i = skipQuoted(line, i)
			case isDigit(c) || (c == '.' && isDigit(next)):
				lit, end, ok := readNumber(line, i)
				if ok {
					lit.Line = ln
					out = append(out, lit)
				}
				i = end
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

// skipTo returns the index after the closing delimiter, or the line's end
// and the delimiter still awaited on later lines.
func skipTo(line string, from int, closing string) (int, string) {
	if end := strings.Index(line[from:], closing); end >= 0 {
		return from + end + len(closing), ""
	}
	return len(line), closing
}

// skipQuoted skips a one-line quoted literal starting at i.
func skipQuoted(line string, i int) int {
	quote := line[i]
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case quote:
			return j + 1
		}
	}
	return len(line)
}

// readNumber reads the literal at line[i] and reports whether it is one
// the mutator may rewrite.
func readNumber(line string, i int) (numberLiteral, int, bool) {
	skipWord := func(j int) int {
		for j < len(line) && (isIdentByte(line[j]) || line[j] == '.') {
			j++
		}
		return j
	}
	if i > 0 {
		prev := line[i-1]
		if prev == '.' || line[i] == '.' && (isIdentByte(prev) || prev == ')' || prev == ']') {
			return numberLiteral{}, skipWord(i + 1), false // a field such as t.0, or 1.2.3
		}
	}
	j := i
	for j < len(line) && isDigit(line[j]) {
		j++
	}
	float := false
	if j < len(line) && line[j] == '.' && !(j+1 < len(line) && (line[j+1] == '.' || isIdentStart(line[j+1]))) {
		float = true
		j++
		for j < len(line) && isDigit(line[j]) {
			j++
		}
	}
	if j < len(line) && (line[j] == 'e' || line[j] == 'E') {
		k := j + 1
		if k < len(line) && (line[k] == '+' || line[k] == '-') {
			k++
		}
		if k < len(line) && isDigit(line[k]) {
			for k < len(line) && isDigit(line[k]) {
				k++
			}
			float = true
			j = k
		}
	}
	if j < len(line) && (isIdentByte(line[j]) || line[j] == '.') {
		return numberLiteral{}, skipWord(j), false // 0x1f, 1e5f, 10px, 1_000, 1.2.3
	}
	text := line[i:j]
	if !float && len(text) > 1 && text[0] == '0' {
		return numberLiteral{}, j, false // octal in C and Go, an error in Python 3
	}
	return numberLiteral{Start: i, End: j, Text: text, Float: float}, j, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
func isIdentByte(c byte) bool { return isIdentStart(c) || isDigit(c) }
