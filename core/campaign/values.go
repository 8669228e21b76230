package campaign

import (
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"time"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/asi-evolve/asi/sandbox"
)

// decoder evaluates attributes and collects diagnostics. Each reader returns
// ok=false when the attribute is absent, null or wrong, having recorded a
// diagnostic for the wrong case, so callers keep their default and go on.
type decoder struct {
	ctx   *hcl.EvalContext
	diags hcl.Diagnostics
}

func (d *decoder) errorf(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

func (d *decoder) warnf(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  subject.Ptr(),
	})
}

// value evaluates attribute name and converts it to ty.
func (d *decoder) value(attrs hcl.Attributes, name string, ty cty.Type) (cty.Value, *hcl.Attribute, bool) {
	attr, ok := attrs[name]
	if !ok {
		return cty.NilVal, nil, false
	}
	val, diags := attr.Expr.Value(d.ctx)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, attr, false
	}
	if val.IsNull() {
		return cty.NilVal, attr, false
	}
	if !val.IsWhollyKnown() {
		d.errorf(attr.Expr.Range(), "Unknown value", "The value of %q cannot be known when the file is read.", name)
		return cty.NilVal, attr, false
	}
	converted, err := convert.Convert(val, ty)
	if err != nil {
		d.errorf(attr.Expr.Range(), "Incorrect attribute value type",
			"Inappropriate value for attribute %q: %s.", name, err)
		return cty.NilVal, attr, false
	}
	if converted.IsNull() {
		return cty.NilVal, attr, false
	}
	return converted, attr, true
}

func (d *decoder) string(attrs hcl.Attributes, name string) (string, *hcl.Attribute, bool) {
	val, attr, ok := d.value(attrs, name, cty.String)
	if !ok {
		return "", attr, false
	}
	return val.AsString(), attr, true
}

func (d *decoder) strings(attrs hcl.Attributes, name string) ([]string, *hcl.Attribute, bool) {
	val, attr, ok := d.value(attrs, name, cty.List(cty.String))
	if !ok {
		return nil, attr, false
	}
	out := make([]string, 0, val.LengthInt())
	for it := val.ElementIterator(); it.Next(); {
		_, elem := it.Element()
		if elem.IsNull() {
			d.errorf(attr.Expr.Range(), "Incorrect attribute value type",
				"Inappropriate value for attribute %q: the list must not contain null.", name)
			return nil, attr, false
		}
		out = append(out, elem.AsString())
	}
	return out, attr, true
}

// number reads a finite number.
func (d *decoder) number(attrs hcl.Attributes, name string) (float64, *hcl.Attribute, bool) {
	val, attr, ok := d.value(attrs, name, cty.Number)
	if !ok {
		return 0, attr, false
	}
	f, _ := val.AsBigFloat().Float64()
	if math.IsInf(f, 0) || math.IsNaN(f) {
		d.errorf(attr.Expr.Range(), "Value out of range", "%q must be a finite number.", name)
		return 0, attr, false
	}
	return f, attr, true
}

// integer reads a whole number of at least min.
func (d *decoder) integer(attrs hcl.Attributes, name string, min int64) (int64, *hcl.Attribute, bool) {
	val, attr, ok := d.value(attrs, name, cty.Number)
	if !ok {
		return 0, attr, false
	}
	bf := val.AsBigFloat()
	if !bf.IsInt() {
		d.errorf(attr.Expr.Range(), "Invalid integer", "%q must be a whole number.", name)
		return 0, attr, false
	}
	n, acc := bf.Int64()
	if acc != big.Exact || n < min {
		d.errorf(attr.Expr.Range(), "Value out of range", "%q must be a whole number of at least %d.", name, min)
		return 0, attr, false
	}
	return n, attr, true
}

// count reads a whole number of at least min that fits an int.
func (d *decoder) count(attrs hcl.Attributes, name string, min int, dst *int) {
	n, attr, ok := d.integer(attrs, name, int64(min))
	if !ok {
		return
	}
	if n > math.MaxInt32 {
		d.errorf(attr.Expr.Range(), "Value out of range", "%q must be at most %d.", name, math.MaxInt32)
		return
	}
	*dst = int(n)
}

// duration reads a positive Go duration string such as "30s" or "2h45m".
func (d *decoder) duration(attrs hcl.Attributes, name string) (time.Duration, bool) {
	text, attr, ok := d.string(attrs, name)
	if !ok {
		return 0, false
	}
	dur, err := time.ParseDuration(strings.TrimSpace(text))
	if err != nil {
		d.errorf(attr.Expr.Range(), "Invalid duration",
			"%q must be a duration such as \"30s\", \"10m\" or \"2h30m\"; %q is not one.", name, text)
		return 0, false
	}
	if dur <= 0 {
		d.errorf(attr.Expr.Range(), "Invalid duration", "%q must be longer than zero.", name)
		return 0, false
	}
	return dur, true
}

// byteSize reads a size such as "256MiB" between min and max bytes.
func (d *decoder) byteSize(attrs hcl.Attributes, name string, min, max uint64) (uint64, bool) {
	text, attr, ok := d.string(attrs, name)
	if !ok {
		return 0, false
	}
	size, err := ParseByteSize(text)
	if err != nil {
		d.errorf(attr.Expr.Range(), "Invalid byte size",
			"%q must be a size such as \"256MiB\", \"1GB\" or a plain number of bytes; %q is not one.", name, text)
		return 0, false
	}
	if size < min || size > max {
		d.errorf(attr.Expr.Range(), "Value out of range",
			"%q must be between %s and %s.", name, sandbox.FormatBytes(min), sandbox.FormatBytes(max))
		return 0, false
	}
	return size, true
}

// oneOf reads a string that must be one of names, suggesting the closest
// name when it is not.
func (d *decoder) oneOf(attrs hcl.Attributes, name, summary string, names []string) (string, *hcl.Attribute, bool) {
	text, attr, ok := d.string(attrs, name)
	if !ok {
		return "", attr, false
	}
	for _, n := range names {
		if text == n {
			return text, attr, true
		}
	}
	d.errorf(attr.Expr.Range(), summary, "%q is not one of %s.%s",
		text, quoteList(names), didYouMean(text, names))
	return "", attr, false
}

// validGlobs checks glob syntax so a typo is reported at load, not ignored.
func (d *decoder) validGlobs(attr *hcl.Attribute, globs []string) bool {
	for _, g := range globs {
		if _, err := filepath.Match(g, ""); err != nil {
			d.errorf(attr.Expr.Range(), "Invalid glob", "%q is not a valid glob pattern: %s.", g, err)
			return false
		}
	}
	return true
}

// closest returns the name nearest to given, or "" when none is close. Case
// is ignored so "UCB1" finds "ucb1".
func closest(given string, names []string) string {
	best, bestDist := "", 3 // the threshold HCL itself uses
	for _, n := range names {
		if dist := levenshtein.Distance(strings.ToLower(given), strings.ToLower(n), nil); dist < bestDist {
			best, bestDist = n, dist
		}
	}
	return best
}

func didYouMean(given string, names []string) string {
	if s := closest(given, names); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

func quoteList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(quoted, ", ")
}
