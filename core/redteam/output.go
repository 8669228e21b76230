package redteam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// A program's output is held as a value: float64, string, bool, nil,
// []any or *object (a JSON object that keeps its keys' order). Text that
// is not JSON becomes a list of lines, each the list of its numbers; the
// text around the numbers is kept to print them back.

// object is a JSON object whose keys keep their order.
type object struct {
	keys   []string
	values map[string]any
}

func (o *object) get(k string) (any, bool) { v, ok := o.values[k]; return v, ok }

func (o *object) set(k string, v any) {
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

func (o *object) clone() *object {
	c := &object{keys: slices.Clone(o.keys), values: make(map[string]any, len(o.values))}
	for k, v := range o.values {
		c.values[k] = v
	}
	return c
}

func newObject() *object { return &object{values: map[string]any{}} }

// Operations of a plan.
const (
	// On every number within the matched values.
	OpSet   = "set"   // the number becomes Value
	OpScale = "scale" // the number is multiplied by Value
	OpAdd   = "add"   // Value is added to the number
	// On every list at the match; an object at the match passes them to
	// its values.
	OpHalve    = "halve"    // the first half of the items stay
	OpClear    = "clear"    // no items
	OpDouble   = "double"   // the items twice over
	OpCollapse = "collapse" // every item a copy of the first
	OpMore     = "more"     // one item more: a copy of the last
	OpFewer    = "fewer"    // the last item dropped
	// On the matched value itself.
	OpEmpty = "empty" // the value becomes null (None; no output at the root)
	// OpSelfScore adds selfScoreKeys, set to Value, to every object
	// within the match (and, in a wrapped Python module, as attributes).
	OpSelfScore = "selfscore"
)

// selfScoreKeys are the names an evaluator might read a score from.
var selfScoreKeys = []string{"score", "combined_score", "eval_score", "sum", "total"}

// Op is one change to a program's output.
type Op struct {
	// Path selects values: "$" is the whole value; "radii[*]" every item
	// of the list under key radii; "centers[*][0]" the first number of
	// each centre; "[1]" the second item of a top-level list. [*] also
	// matches every value of an object. A path that matches nothing
	// changes nothing.
	Path  string
	Op    string
	Value float64
}

// Plan is a list of changes applied in order; the library's attacks and
// the optimiser's attempts are plans, applied by Go to a printed output
// and by the Python wrapper to the values a module's functions return,
// with the same meaning.
type Plan []Op

func (p Plan) String() string {
	var parts []string
	for _, op := range p {
		switch op.Op {
		case OpSet:
			parts = append(parts, fmt.Sprintf("%s = %s", op.Path, formatNumber(op.Value)))
		case OpScale:
			parts = append(parts, fmt.Sprintf("%s ×%.4g", op.Path, op.Value))
		case OpAdd:
			parts = append(parts, fmt.Sprintf("%s %+.4g", op.Path, op.Value))
		case OpSelfScore:
			parts = append(parts, fmt.Sprintf("%s claims score %s", op.Path, formatNumber(op.Value)))
		default:
			parts = append(parts, op.Op+" "+op.Path)
		}
	}
	if len(parts) == 0 {
		return "unchanged"
	}
	return strings.Join(parts, "; ")
}

// segment is one step of a path: a key, an index, or every item.
type segment struct {
	Key   *string `json:"key,omitempty"`
	Index *int    `json:"index,omitempty"`
	Any   bool    `json:"any,omitempty"`
}

var keyName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*`)

// parsePath reads a path written as Op.Path describes.
func parsePath(path string) ([]segment, error) {
	if path == "$" || path == "" {
		return nil, nil
	}
	var segs []segment
	rest := path
	for first := true; rest != ""; first = false {
		switch {
		case strings.HasPrefix(rest, "[*]"):
			segs, rest = append(segs, segment{Any: true}), rest[3:]
		case strings.HasPrefix(rest, "["):
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("path %q: unclosed [", path)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("path %q: %q is not an index", path, rest[1:end])
			}
			segs, rest = append(segs, segment{Index: &n}), rest[end+1:]
		default:
			if !first {
				if !strings.HasPrefix(rest, ".") {
					return nil, fmt.Errorf("path %q: want . or [ at %q", path, rest)
				}
				rest = rest[1:]
			}
			name := keyName.FindString(rest)
			if name == "" {
				return nil, fmt.Errorf("path %q: want a key at %q", path, rest)
			}
			segs, rest = append(segs, segment{Key: &name}), rest[len(name):]
		}
	}
	return segs, nil
}

// Apply returns value changed by the plan; value itself is not modified.
func (p Plan) Apply(value any) (any, error) {
	for i, op := range p {
		segs, err := parsePath(op.Path)
		if err != nil {
			return nil, fmt.Errorf("plan op %d: %w", i, err)
		}
		change, err := op.change()
		if err != nil {
			return nil, fmt.Errorf("plan op %d: %w", i, err)
		}
		value = atPath(value, segs, change)
	}
	return value, nil
}

// atPath returns v with fn applied to every value segs match.
func atPath(v any, segs []segment, fn func(any) any) any {
	if len(segs) == 0 {
		return fn(v)
	}
	s, rest := segs[0], segs[1:]
	switch v := v.(type) {
	case *object:
		switch {
		case s.Key != nil:
			x, ok := v.get(*s.Key)
			if !ok {
				return v
			}
			c := v.clone()
			c.values[*s.Key] = atPath(x, rest, fn)
			return c
		case s.Any:
			c := v.clone()
			for _, k := range c.keys {
				c.values[k] = atPath(c.values[k], rest, fn)
			}
			return c
		}
	case []any:
		switch {
		case s.Index != nil:
			if *s.Index >= len(v) {
				return v
			}
			c := slices.Clone(v)
			c[*s.Index] = atPath(c[*s.Index], rest, fn)
			return c
		case s.Any:
			c := make([]any, len(v))
			for i, x := range v {
				c[i] = atPath(x, rest, fn)
			}
			return c
		}
	}
	return v
}

func (op Op) change() (func(any) any, error) {
	numbers := func(f func(float64) float64) func(any) any {
		return func(v any) any { return mapNumbers(v, f) }
	}
	lists := func(f func([]any) []any) func(any) any {
		return func(v any) any { return mapLists(v, f) }
	}
	x := op.Value
	switch op.Op {
	case OpSet:
		return numbers(func(float64) float64 { return x }), nil
	case OpScale:
		return numbers(func(n float64) float64 { return n * x }), nil
	case OpAdd:
		return numbers(func(n float64) float64 { return n + x }), nil
	case OpHalve:
		return lists(func(l []any) []any { return slices.Clone(l[:len(l)/2]) }), nil
	case OpClear:
		return lists(func([]any) []any { return []any{} }), nil
	case OpDouble:
		return lists(func(l []any) []any { return append(slices.Clone(l), l...) }), nil
	case OpCollapse:
		return lists(func(l []any) []any {
			c := make([]any, len(l))
			for i := range c {
				c[i] = l[0]
			}
			return c
		}), nil
	case OpMore:
		return lists(func(l []any) []any {
			if len(l) == 0 {
				return l
			}
			return append(slices.Clone(l), l[len(l)-1])
		}), nil
	case OpFewer:
		return lists(func(l []any) []any {
			if len(l) == 0 {
				return l
			}
			return slices.Clone(l[:len(l)-1])
		}), nil
	case OpEmpty:
		return func(any) any { return nil }, nil
	case OpSelfScore:
		return func(v any) any { return claimScore(v, x) }, nil
	}
	return nil, fmt.Errorf("unknown operation %q", op.Op)
}

func mapNumbers(v any, f func(float64) float64) any {
	switch v := v.(type) {
	case float64:
		return f(v)
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = mapNumbers(x, f)
		}
		return c
	case *object:
		c := v.clone()
		for _, k := range c.keys {
			c.values[k] = mapNumbers(c.values[k], f)
		}
		return c
	}
	return v
}

func mapLists(v any, f func([]any) []any) any {
	switch v := v.(type) {
	case []any:
		return f(v)
	case *object:
		c := v.clone()
		for _, k := range c.keys {
			c.values[k] = mapLists(c.values[k], f)
		}
		return c
	}
	return v
}

func claimScore(v any, score float64) any {
	switch v := v.(type) {
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = claimScore(x, score)
		}
		return c
	case *object:
		c := v.clone()
		for _, k := range c.keys {
			c.values[k] = claimScore(c.values[k], score)
		}
		for _, k := range selfScoreKeys {
			c.set(k, score)
		}
		c.set("valid", true)
		return c
	}
	return v
}

// parseJSON reads one JSON value, accepting NaN, Infinity and -Infinity
// as Python's json module writes them, and keeping objects' key order.
func parseJSON(text string) (any, error) {
	p := &jsonParser{s: text}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, fmt.Errorf("json: trailing text at offset %d", p.i)
	}
	return v, nil
}

type jsonParser struct {
	s string
	i int
}

var errJSONEnd = errors.New("json: unexpected end")

func (p *jsonParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

var jsonNumber = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?`)

func (p *jsonParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, errJSONEnd
	}
	rest := p.s[p.i:]
	for word, v := range map[string]any{"null": nil, "true": true, "false": false, "NaN": math.NaN(), "Infinity": math.Inf(1), "-Infinity": math.Inf(-1)} {
		if strings.HasPrefix(rest, word) {
			p.i += len(word)
			return v, nil
		}
	}
	switch rest[0] {
	case '{':
		p.i++
		o := newObject()
		p.space()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return o, nil
		}
		for {
			p.space()
			k, err := p.value()
			if err != nil {
				return nil, err
			}
			key, ok := k.(string)
			if !ok {
				return nil, fmt.Errorf("json: object key at offset %d is not a string", p.i)
			}
			p.space()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return nil, fmt.Errorf("json: want : at offset %d", p.i)
			}
			p.i++
			p.space()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			o.set(key, v)
			p.space()
			if p.i >= len(p.s) {
				return nil, errJSONEnd
			}
			if p.s[p.i] == '}' {
				p.i++
				return o, nil
			}
			if p.s[p.i] != ',' {
				return nil, fmt.Errorf("json: want , or } at offset %d", p.i)
			}
			p.i++
		}
	case '[':
		p.i++
		l := []any{}
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			return l, nil
		}
		for {
			p.space()
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			l = append(l, v)
			p.space()
			if p.i >= len(p.s) {
				return nil, errJSONEnd
			}
			if p.s[p.i] == ']' {
				p.i++
				return l, nil
			}
			if p.s[p.i] != ',' {
				return nil, fmt.Errorf("json: want , or ] at offset %d", p.i)
			}
			p.i++
		}
	case '"':
		end := p.i + 1
		for end < len(p.s) && p.s[end] != '"' {
			if p.s[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(p.s) {
			return nil, errJSONEnd
		}
		var s string
		if err := json.Unmarshal([]byte(p.s[p.i:end+1]), &s); err != nil {
			return nil, fmt.Errorf("json: string at offset %d: %w", p.i, err)
		}
		p.i = end + 1
		return s, nil
	}
	num := jsonNumber.FindString(rest)
	if num == "" {
		return nil, fmt.Errorf("json: unexpected %q at offset %d", rest[:1], p.i)
	}
	p.i += len(num)
	return strconv.ParseFloat(num, 64)
}

// formatNumber writes n as Python's json module would read it back.
func formatNumber(n float64) string {
	switch {
	case math.IsNaN(n):
		return "NaN"
	case math.IsInf(n, 1):
		return "Infinity"
	case math.IsInf(n, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(n, 'g', -1, 64)
}

// renderJSON writes v as JSON, non-finite numbers as Python writes them.
func renderJSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case float64:
		b.WriteString(formatNumber(v))
	case string:
		writeJSONString(b, v)
	case []any:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, x)
		}
		b.WriteByte(']')
	case *object:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSONString(b, k)
			b.WriteString(": ")
			writeJSON(b, v.values[k])
		}
		b.WriteByte('}')
	default:
		fmt.Fprintf(b, "%q", fmt.Sprint(v))
	}
}

// writeJSONString writes s as a JSON string, leaving <, > and & as they
// are.
func writeJSONString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// output is a program's printed output, parsed to be changed and printed
// again.
type output struct {
	json  bool
	value any
	// lines are the text around each line's numbers (len(numbers)+1
	// pieces), for output that is not JSON.
	lines         [][]string
	trailingBreak bool
}

var textNumber = regexp.MustCompile(`[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?`)

// parseOutput reads what a program printed: JSON when it parses as JSON,
// else lines of text whose numbers are the values (line i's numbers are
// the list [i], its k-th number [i][k]).
func parseOutput(text string) output {
	trimmed := strings.TrimSpace(text)
	if v, err := parseJSON(trimmed); err == nil && trimmed != "" {
		return output{json: true, value: v, trailingBreak: strings.HasSuffix(text, "\n")}
	}
	out := output{trailingBreak: strings.HasSuffix(text, "\n")}
	lines := []any{}
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		var nums []any
		var pieces []string
		last := 0
		for _, loc := range textNumber.FindAllStringIndex(line, -1) {
			n, err := strconv.ParseFloat(line[loc[0]:loc[1]], 64)
			if err != nil {
				continue
			}
			pieces = append(pieces, line[last:loc[0]])
			nums = append(nums, n)
			last = loc[1]
		}
		pieces = append(pieces, line[last:])
		out.lines = append(out.lines, pieces)
		if nums == nil {
			nums = []any{}
		}
		lines = append(lines, nums)
	}
	out.value = lines
	return out
}

// render prints v, a changed value of o, as the program would have.
func (o output) render(v any) string {
	if v == nil {
		return ""
	}
	end := ""
	if o.trailingBreak {
		end = "\n"
	}
	if o.json {
		return renderJSON(v) + end
	}
	lines, ok := v.([]any)
	if !ok {
		return renderJSON(v) + end
	}
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		items, ok := line.([]any)
		if !ok {
			b.WriteString(renderJSON(line))
			continue
		}
		pieces := o.template(i, len(items))
		if pieces == nil {
			for k, x := range items {
				if k > 0 {
					b.WriteByte(' ')
				}
				writeText(&b, x)
			}
			continue
		}
		for k, x := range items {
			b.WriteString(pieces[k])
			writeText(&b, x)
		}
		b.WriteString(pieces[len(items)])
	}
	return b.String() + end
}

func writeText(b *strings.Builder, x any) {
	if n, ok := x.(float64); ok {
		switch {
		case math.IsNaN(n):
			b.WriteString("nan")
		case math.IsInf(n, 1):
			b.WriteString("inf")
		case math.IsInf(n, -1):
			b.WriteString("-inf")
		default:
			b.WriteString(strconv.FormatFloat(n, 'g', -1, 64))
		}
		return
	}
	b.WriteString(renderJSON(x))
}

// template is the text around the numbers of line i when it still has
// count numbers, else of the first line that has count, else nil.
func (o output) template(i, count int) []string {
	if i < len(o.lines) && len(o.lines[i]) == count+1 {
		return o.lines[i]
	}
	for _, l := range o.lines {
		if len(l) == count+1 {
			return l
		}
	}
	return nil
}

// shape describes where an output's numbers and items are, for the
// attacks that change one group of them.
type shape struct {
	// groups are path patterns that each select one kind of number
	// ("radii[*]", "centers[*][0]").
	groups []string
	// lists are the paths of the output's item lists: the lists, outside
	// any [*], of the most common length.
	lists []string
	// scale is the mean magnitude of the output's numbers (1 when it has
	// none): how far the optimiser's noise moves them.
	scale float64
}

// shapeOf finds v's number groups and item lists.
func shapeOf(v any) shape {
	var s shape
	lengths := map[string]int{}
	var walk func(v any, path string, inside bool)
	walk = func(v any, path string, inside bool) {
		switch v := v.(type) {
		case float64:
			if !slices.Contains(s.groups, path) {
				s.groups = append(s.groups, path)
			}
		case *object:
			for _, k := range v.keys {
				if !keyName.MatchString(k) || keyName.FindString(k) != k {
					continue
				}
				walk(v.values[k], joinPath(path, k), inside)
			}
		case []any:
			if !inside && len(v) > 0 {
				lengths[path] = len(v)
			}
			if len(v) <= 4 && !alike(v, inside) {
				// A short list of different things is a tuple.
				for i, x := range v {
					walk(x, subPath(path, fmt.Sprintf("[%d]", i)), inside)
				}
				return
			}
			// The items of a long list are alike: the widest shows every
			// position.
			var widest any
			width := -1
			for _, x := range v {
				if w := width0(x); w > width {
					widest, width = x, w
				}
			}
			if width >= 0 {
				walk(widest, subPath(path, "[*]"), true)
			}
			if width > 0 && !inside && path != "$" {
				// A list of pairs or records is a group too: all of it.
				s.groups = append(s.groups, path)
			}
		}
	}
	walk(v, "$", false)
	var total float64
	var numbers int
	mapNumbers(v, func(n float64) float64 {
		if !math.IsNaN(n) && !math.IsInf(n, 0) {
			total, numbers = total+math.Abs(n), numbers+1
		}
		return n
	})
	s.scale = 1
	if numbers > 0 && total > 0 {
		s.scale = total / float64(numbers)
	}
	s.groups = slices.DeleteFunc(s.groups, func(g string) bool { return g == "$" })
	count := map[int]int{}
	for _, n := range lengths {
		count[n]++
	}
	best := 0
	for n, c := range count {
		if c > count[best] || (c == count[best] && n > best) {
			best = n
		}
	}
	for path, n := range lengths {
		if n == best {
			s.lists = append(s.lists, path)
		}
	}
	slices.Sort(s.lists)
	slices.Sort(s.groups)
	return s
}

// alike says whether v's items are of one kind: the items of a list, not
// the fields of a tuple. Inside an item, a few numbers are a tuple (x, y).
func alike(v []any, inside bool) bool {
	for _, x := range v {
		if kind(x) != kind(v[0]) || inside && kind(x) == "n" {
			return false
		}
	}
	return true
}

// kind is a value's type, and its items' for a list.
func kind(x any) string {
	switch x := x.(type) {
	case float64:
		return "n"
	case *object:
		return "o"
	case []any:
		var widest any
		width := -1
		for _, y := range x {
			if w := width0(y); w > width {
				widest, width = y, w
			}
		}
		return "l" + kind(widest)
	}
	return "?"
}

func width0(x any) int {
	switch x := x.(type) {
	case []any:
		return len(x)
	case *object:
		return len(x.keys)
	case float64:
		return 0
	}
	return -1
}

func joinPath(path, key string) string {
	if path == "$" {
		return key
	}
	return path + "." + key
}

func subPath(path, index string) string {
	if path == "$" {
		return index
	}
	return path + index
}
