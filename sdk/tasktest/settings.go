package tasktest

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"

	"github.com/zclconf/go-cty/cty"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/schema"
)

// applySchema does to a test's settings what asi does to a task block
// before Configure: each Go value becomes what HCL would read for it, then
// schema.Apply converts it to its setting's type (the number 3 where a
// string is wanted becomes "3"; "x" where a number is wanted is an error),
// and a value left out or nil takes the schema's default.
func applySchema(config []sdk.Setting, settings map[string]any) (sdk.Settings, sdk.ConfigErrors) {
	var errs sdk.ConfigErrors
	values := make(map[string]cty.Value, len(settings))
	for _, name := range slices.Sorted(maps.Keys(settings)) {
		given, err := hclValue(settings[name])
		if err != nil {
			errs = append(errs, &sdk.ConfigError{Path: []string{name}, Summary: "Not a task block value",
				Detail: fmt.Sprintf("tasktest: %q: %s", name, err)})
			continue
		}
		values[name] = given
	}
	out, applyErrs := schema.Apply(config, values)
	return out, append(errs, applyErrs...)
}

// hclValue is the value HCL would read for v written in a task block: Go
// numbers are numbers, slices are tuples (a list literal), maps with
// string keys are objects, and nil is null.
func hclValue(v any) (cty.Value, error) {
	if v == nil {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	r := reflect.ValueOf(v)
	switch {
	case r.Kind() == reflect.String:
		return cty.StringVal(r.String()), nil
	case r.Kind() == reflect.Bool:
		return cty.BoolVal(r.Bool()), nil
	case r.CanInt():
		return cty.NumberIntVal(r.Int()), nil
	case r.CanUint():
		return cty.NumberUIntVal(r.Uint()), nil
	case r.CanFloat() && math.IsNaN(r.Float()):
		return cty.NilVal, fmt.Errorf("NaN cannot be written in a task block")
	case r.CanFloat():
		return cty.NumberFloatVal(r.Float()), nil
	case r.Kind() == reflect.Slice || r.Kind() == reflect.Array:
		elems := make([]cty.Value, r.Len())
		for i := range elems {
			e, err := hclValue(r.Index(i).Interface())
			if err != nil {
				return cty.NilVal, err
			}
			elems[i] = e
		}
		return cty.TupleVal(elems), nil
	case r.Kind() == reflect.Map && r.Type().Key().Kind() == reflect.String:
		attrs := make(map[string]cty.Value, r.Len())
		for it := r.MapRange(); it.Next(); {
			e, err := hclValue(it.Value().Interface())
			if err != nil {
				return cty.NilVal, err
			}
			attrs[it.Key().String()] = e
		}
		return cty.ObjectVal(attrs), nil
	}
	return cty.NilVal, fmt.Errorf("a %T cannot be written in a task block; use a string, number, bool, slice or map[string]any", v)
}
