package cognition

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ParseMarkdown splits a Markdown document into prior items: one per
// section (a heading and the text up to the next heading) and one per
// fenced block, which is taken out of its section and carries the section's
// heading as context. source names the document in each item's Source
// ("file.md#heading"); the heading path becomes the item's tags.
func ParseMarkdown(r io.Reader, source string) ([]Item, error) {
	var items []Item
	var headings []string // current heading path, by level
	var body []string
	var fence []string
	fenceMark := ""
	heading := func() string {
		for i := len(headings) - 1; i >= 0; i-- {
			if headings[i] != "" {
				return headings[i]
			}
		}
		return ""
	}
	tags := func() []string {
		var t []string
		for _, h := range headings {
			if h != "" {
				t = append(t, slug(h))
			}
		}
		return t
	}
	src := func() string {
		if h := heading(); h != "" {
			return source + "#" + slug(h)
		}
		return source
	}
	flush := func() {
		text := strings.TrimSpace(strings.Join(body, "\n"))
		body = body[:0]
		if text == "" {
			return
		}
		if h := heading(); h != "" {
			text = h + ": " + text
		}
		items = append(items, Item{Content: text, Source: src(), Kind: KindPrior, Tags: tags()})
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		trimmed := strings.TrimSpace(l)
		if fenceMark != "" {
			if strings.HasPrefix(trimmed, fenceMark) && strings.Trim(trimmed, fenceMark[:1]) == "" {
				text := strings.TrimSpace(strings.Join(fence, "\n"))
				if text != "" {
					if h := heading(); h != "" {
						text = h + ":\n" + text
					}
					items = append(items, Item{Content: text, Source: src(), Kind: KindPrior, Tags: tags()})
				}
				fence, fenceMark = nil, ""
				continue
			}
			fence = append(fence, l)
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fenceMark = trimmed[:3]
			continue
		}
		if level, title, ok := markdownHeading(l); ok {
			flush()
			for len(headings) < level {
				headings = append(headings, "")
			}
			headings = append(headings[:level-1], title)
			continue
		}
		body = append(body, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s line %d: %w", source, line, err)
	}
	if fenceMark != "" {
		return nil, fmt.Errorf("%s: fenced block %s not closed", source, fenceMark)
	}
	flush()
	return items, nil
}

func markdownHeading(l string) (level int, title string, ok bool) {
	for level < len(l) && l[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || level == len(l) || l[level] != ' ' {
		return 0, "", false
	}
	return level, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(l[level:]), "#")), true
}

// slug turns a heading into a tag: lowercase words joined by "-".
func slug(s string) string {
	return strings.Join(words(s), "-")
}

// ReadJSONL reads items written by WriteJSONL.
func ReadJSONL(r io.Reader) ([]Item, error) {
	var items []Item
	dec := json.NewDecoder(r)
	for n := 1; ; n++ {
		var it Item
		err := dec.Decode(&it)
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", n, err)
		}
		items = append(items, it)
	}
}

// WriteJSONL writes one item per line.
func WriteJSONL(w io.Writer, items []Item) error {
	enc := json.NewEncoder(w)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return fmt.Errorf("item %s: %w", it.ID, err)
		}
	}
	return nil
}
