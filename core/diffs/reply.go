package diffs

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Reply is a researcher reply taken apart.
type Reply struct {
	Name       string // <name>, spaces trimmed
	Motivation string // <motivation>, spaces trimmed
	// Blocks are the SEARCH/REPLACE edits, from <diff> or, when the reply
	// has no <diff>, from anywhere outside <program>.
	Blocks []Block
	// Program is the full rewrite from <program>, without a code fence
	// wrapping it and without blank lines around it, ended by one "\n".
	Program string
	// Tags holds every top-level <tag>...</tag> of the reply, the format's
	// own and any other, with spaces trimmed around the content.
	Tags map[string]string
}

// The reply format's tags. Only these must be closed once opened; another
// unclosed "<word>" is prose, such as vector<int>.
const (
	TagName       = "name"
	TagMotivation = "motivation"
	TagDiff       = "diff"
	TagProgram    = "program"
)

var replyTags = []string{TagName, TagMotivation, TagDiff, TagProgram}

// ParseReply takes apart a researcher reply:
//
//	<name>short-kebab-name</name>
//	<motivation>what changed and why</motivation>
//	<diff> SEARCH/REPLACE blocks </diff>   or   <program> full code </program>
//
// Prose around the tags is ignored. A reply may hold both blocks and a
// program; the caller chooses. Errors, checked in this order: one of the
// format's tags opened and never closed (ErrUnclosedTag), a malformed block
// (ErrMalformedBlock), neither blocks nor a non-empty program (ErrNoEdit), no
// non-empty <name> (ErrNoName). With ErrNoName the returned Reply is
// otherwise complete; with the other errors it holds the tags found.
func ParseReply(text string) (Reply, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	tags, spans, err := scanTags(text, replyTags)
	reply := Reply{Tags: tags}
	if err != nil {
		return reply, err
	}
	reply.Name = tags[TagName]
	reply.Motivation = tags[TagMotivation]

	blockText := text
	if diff, ok := spans[TagDiff]; ok {
		blockText = text[diff.start:diff.end]
	} else if prog, ok := spans[TagProgram]; ok {
		blockText = text[:prog.start] + text[prog.end:]
	}
	if reply.Blocks, err = ParseBlocks(blockText); err != nil {
		return reply, err
	}
	if prog, ok := spans[TagProgram]; ok {
		reply.Program = cleanProgram(text[prog.start:prog.end])
	}
	if len(reply.Blocks) == 0 && reply.Program == "" {
		if _, ok := spans[TagDiff]; ok {
			return reply, fmt.Errorf("<diff>: %w: it holds no <<<<<<< SEARCH / ======= / >>>>>>> REPLACE block", ErrNoEdit)
		}
		if _, ok := spans[TagProgram]; ok {
			return reply, fmt.Errorf("<program>: %w: it is empty", ErrNoEdit)
		}
		return reply, ErrNoEdit
	}
	if reply.Name == "" {
		return reply, ErrNoName
	}
	return reply, nil
}

// ParseTags returns the content of every top-level <tag>...</tag> in text,
// spaces trimmed, keeping the first occurrence of each tag. Tag names are
// lowercase letters, digits, '_' and '-', starting with a letter; the search
// is case-sensitive. The content of a tag is not searched for more tags.
// An opening that is followed by another opening of the same tag before the
// closing one is prose ("the <diff> below: <diff>...</diff>"), and so is any
// unclosed "<word>", such as vector<int>, with one exception: a tag named in
// mustClose that is opened, never closed, and not followed by any closed
// mustClose tag means the text was cut off, an error wrapping
// ErrUnclosedTag.
func ParseTags(text string, mustClose ...string) (map[string]string, error) {
	tags, _, err := scanTags(text, mustClose)
	return tags, err
}

var openTag = regexp.MustCompile(`<([a-z][a-z0-9_-]*)>`)

// span is the content of a tag: text[start:end].
type span struct{ start, end int }

func scanTags(text string, mustClose []string) (map[string]string, map[string]span, error) {
	var (
		tags       = map[string]string{}
		spans      = map[string]span{}
		unclosed   []int // offsets of unclosed mustClose openings
		lastClosed = -1  // offset of the last closing of a mustClose tag
	)
	for pos := 0; pos < len(text); {
		loc := openTag.FindStringSubmatchIndex(text[pos:])
		if loc == nil {
			break
		}
		openAt := pos + loc[0]
		name := text[pos+loc[2] : pos+loc[3]]
		open, closing := "<"+name+">", "</"+name+">"
		contentStart := pos + loc[1]
		end := strings.Index(text[contentStart:], closing)
		if end < 0 || strings.Contains(text[contentStart:contentStart+end], open) {
			if end < 0 && slices.Contains(mustClose, name) {
				unclosed = append(unclosed, openAt)
			}
			pos = contentStart
			continue
		}
		end += contentStart
		if _, seen := spans[name]; !seen {
			spans[name] = span{start: contentStart, end: end}
			tags[name] = strings.TrimSpace(text[contentStart:end])
		}
		if slices.Contains(mustClose, name) {
			lastClosed = end
		}
		pos = end + len(closing)
	}
	for _, at := range unclosed {
		name := openTag.FindStringSubmatch(text[at:])[1]
		if _, found := spans[name]; found || at < lastClosed {
			continue
		}
		return tags, spans, fmt.Errorf("<%s> at reply line %d: %w: the reply ends without </%s>",
			name, 1+strings.Count(text[:at], "\n"), ErrUnclosedTag, name)
	}
	return tags, spans, nil
}

var (
	fenceOpen  = lineKind{'`', regexp.MustCompile("^[ \t]*```+[^`\n]*$")}
	fenceClose = lineKind{'`', regexp.MustCompile("^[ \t]*```+[ \t]*$")}
)

// cleanProgram drops blank lines around a program and one code fence that
// wraps all of it, and ends it with exactly one "\n". A program of blank
// lines only is "".
func cleanProgram(text string) string {
	text = trimBlankLines(text)
	if nl := strings.IndexByte(text, '\n'); nl >= 0 {
		lastNL := strings.LastIndexByte(text, '\n')
		if fenceOpen.MatchString(text[:nl]) && fenceClose.MatchString(text[lastNL+1:]) {
			text = trimBlankLines(text[nl+1 : lastNL+1])
		}
	}
	if text == "" {
		return ""
	}
	return text + "\n"
}

// trimBlankLines removes whitespace-only lines at both ends and the
// whitespace after the last line, keeping the first line's indentation.
func trimBlankLines(text string) string {
	text = strings.TrimRight(text, " \t\r\n")
	for {
		nl := strings.IndexByte(text, '\n')
		if nl < 0 || strings.TrimSpace(text[:nl]) != "" {
			break
		}
		text = text[nl+1:]
	}
	if strings.TrimSpace(text) == "" {
		return ""
	}
	return text
}
