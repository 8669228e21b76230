// Package schema applies a task's config schema to the values of its
// task block: the one implementation the host and tasktest share.
package schema

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/asi-evolve/asi/sdk"
)

// settingTypes maps the config schema's type names to cty types.
var settingTypes = map[string]cty.Type{
	sdk.TypeString:     cty.String,
	sdk.TypeNumber:     cty.Number,
	sdk.TypeBool:       cty.Bool,
	sdk.TypeStringList: cty.List(cty.String),
	sdk.TypeNumberList: cty.List(cty.Number),
}

// Apply checks a task block's values against a task's config schema and
// turns them into the plain values Configure receives, with the schema's
// defaults for what is left out. Each problem is a *sdk.ConfigError naming
// the attribute. The host calls it on every campaign's task block, and
// tasktest on a test's settings, so a task sees the same values in both.
func Apply(schema []sdk.Setting, values map[string]cty.Value) (sdk.Settings, sdk.ConfigErrors) {
	var errs sdk.ConfigErrors
	bySetting := make(map[string]sdk.Setting, len(schema))
	names := make([]string, 0, len(schema))
	for _, s := range schema {
		bySetting[s.Name] = s
		names = append(names, s.Name)
	}
	sort.Strings(names)

	out := sdk.Settings{}
	attrs := make([]string, 0, len(values))
	for name := range values {
		attrs = append(attrs, name)
	}
	sort.Strings(attrs)
	for _, name := range attrs {
		s, ok := bySetting[name]
		if !ok {
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Unsupported argument", Detail: unsupported(name, names)})
			continue
		}
		ty, ok := settingTypes[s.Type]
		if !ok {
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Unsupported setting type",
				Detail: fmt.Sprintf("The task declares %q with type %q, which asi cannot pass.", name, s.Type)})
			continue
		}
		v, err := convert.Convert(values[name], ty)
		if err != nil {
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Incorrect attribute value type",
				Detail: fmt.Sprintf("%q must be a %s: %s.", name, s.Type, err)})
			continue
		}
		if v.IsNull() {
			continue
		}
		if !v.IsWhollyKnown() {
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Unknown value", Detail: fmt.Sprintf("%q must be known when the file is read.", name)})
			continue
		}
		if hasNullElement(v) {
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Incorrect attribute value type",
				Detail: fmt.Sprintf("%q must be a %s without null elements.", name, s.Type)})
			continue
		}
		out[name] = plain(v)
	}
	for _, name := range names {
		s := bySetting[name]
		if _, set := out[name]; set {
			continue
		}
		switch {
		case s.Default != nil:
			out[name] = s.Default
		case s.Required:
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Missing required argument",
				Detail: fmt.Sprintf("The task needs %q (%s) in the task block: %s", name, s.Type, s.Description)})
		}
	}
	return out, errs
}

func unsupported(name string, names []string) string {
	if len(names) == 0 {
		return fmt.Sprintf("An argument named %q is not expected here: this task takes no settings.", name)
	}
	detail := fmt.Sprintf("An argument named %q is not expected here. The task accepts: %s.", name, strings.Join(names, ", "))
	for _, n := range names {
		if levenshtein.Distance(n, name, nil) <= 3 {
			return detail + fmt.Sprintf(" Did you mean %q?", n)
		}
	}
	return detail
}

// hasNullElement reports whether list v holds a null, which Configure
// could not receive.
func hasNullElement(v cty.Value) bool {
	if !v.Type().IsListType() {
		return false
	}
	for _, e := range v.AsValueSlice() {
		if e.IsNull() {
			return true
		}
	}
	return false
}

// plain converts a known, non-null value of one of settingTypes.
func plain(v cty.Value) any {
	switch {
	case v.Type() == cty.String:
		return v.AsString()
	case v.Type() == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case v.Type() == cty.Bool:
		return v.True()
	case v.Type().IsListType():
		out := []any{}
		for _, e := range v.AsValueSlice() {
			out = append(out, plain(e))
		}
		return out
	}
	return nil
}
