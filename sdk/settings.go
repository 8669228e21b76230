package sdk

import (
	"fmt"
	"math"
	"reflect"
	"time"
)

// Settings are the task block's attributes by name, as Configure receives
// them: strings, float64 numbers, bools and []any lists, with the config
// schema's defaults filled in.
//
// The getters return a setting as the Go type a task wants, or a
// *ConfigError naming the attribute and the type wanted, which Configure
// can return as it is: asi shows it at that line of the campaign file. A
// setting that is absent (declared with no default, and left out) is an
// error too; test for it with the map's comma-ok form where it is optional.
type Settings map[string]any

// String returns the setting name, which must be a string.
func (s Settings) String(name string) (string, error) {
	v, err := s.get(name)
	if err != nil {
		return "", err
	}
	str, ok := v.(string)
	if !ok {
		return "", wrongType(name, "a string", v)
	}
	return str, nil
}

// Float returns the setting name, which must be a number.
func (s Settings) Float(name string) (float64, error) {
	v, err := s.get(name)
	if err != nil {
		return 0, err
	}
	f, ok := number(v)
	if !ok {
		return 0, wrongType(name, "a number", v)
	}
	return f, nil
}

// Int returns the setting name, which must be a whole number that fits an
// int: 2.5 is an error, not 2.
func (s Settings) Int(name string) (int, error) {
	v, err := s.get(name)
	if err != nil {
		return 0, err
	}
	f, ok := number(v)
	// -float64(math.MinInt) is 2^63 (2^31 where int is 32 bits), exactly;
	// float64(math.MaxInt) would round up to it.
	if !ok || f != math.Trunc(f) || f < float64(math.MinInt) || f >= -float64(math.MinInt) {
		return 0, wrongType(name, "a whole number", v)
	}
	return int(f), nil
}

// Bool returns the setting name, which must be a bool.
func (s Settings) Bool(name string) (bool, error) {
	v, err := s.get(name)
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, wrongType(name, "a bool", v)
	}
	return b, nil
}

// Duration returns the setting name, which must be a string that
// time.ParseDuration reads, such as "90s" or "1h30m". Declare the setting
// with TypeString. A negative duration is returned as it is.
func (s Settings) Duration(name string) (time.Duration, error) {
	v, err := s.get(name)
	if err != nil {
		return 0, err
	}
	const want = `a duration such as "90s" or "1h30m"`
	str, ok := v.(string)
	if !ok {
		return 0, wrongType(name, want, v)
	}
	d, err := time.ParseDuration(str)
	if err != nil {
		return 0, wrongType(name, want, v)
	}
	return d, nil
}

// Strings returns the setting name, which must be a list of strings
// (TypeStringList).
func (s Settings) Strings(name string) ([]string, error) {
	v, err := s.get(name)
	if err != nil {
		return nil, err
	}
	if strs, ok := v.([]string); ok {
		return strs, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, wrongType(name, "a list of strings", v)
	}
	out := make([]string, len(list))
	for i, e := range list {
		if out[i], ok = e.(string); !ok {
			return nil, wrongType(name, "a list of strings", v)
		}
	}
	return out, nil
}

// Floats returns the setting name, which must be a list of numbers
// (TypeNumberList).
func (s Settings) Floats(name string) ([]float64, error) {
	v, err := s.get(name)
	if err != nil {
		return nil, err
	}
	if fs, ok := v.([]float64); ok {
		return fs, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, wrongType(name, "a list of numbers", v)
	}
	out := make([]float64, len(list))
	for i, e := range list {
		if out[i], ok = number(e); !ok {
			return nil, wrongType(name, "a list of numbers", v)
		}
	}
	return out, nil
}

// get returns the setting name; nil counts as absent, as a null attribute
// does in the task block.
func (s Settings) get(name string) (any, error) {
	v, ok := s[name]
	if !ok || v == nil {
		return nil, &ConfigError{Path: []string{name}, Summary: "Missing setting",
			Detail: fmt.Sprintf("%q is not set and has no default: set it in the task block.", name)}
	}
	return v, nil
}

// number reads the float64 numbers asi passes, and the Go integers and
// float32s a test may write in a Settings literal.
func number(v any) (float64, bool) {
	r := reflect.ValueOf(v)
	switch {
	case r.CanFloat():
		return r.Float(), true
	case r.CanInt():
		return float64(r.Int()), true
	case r.CanUint():
		return float64(r.Uint()), true
	}
	return 0, false
}

// wrongType is the error of a setting that is not what a getter wants.
func wrongType(name, want string, v any) *ConfigError {
	return &ConfigError{Path: []string{name}, Summary: "Incorrect attribute value type",
		Detail: fmt.Sprintf("%q must be %s, not %s.", name, want, describe(v))}
}

// describe writes a setting's value the way the campaign file would.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", v)
	case bool:
		return fmt.Sprintf("the bool %t", v)
	case []any, []string, []float64:
		return "a list"
	}
	if f, ok := number(v); ok {
		return fmt.Sprintf("the number %v", f)
	}
	return fmt.Sprintf("a Go %T", v)
}
