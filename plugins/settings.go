package plugins

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/schema"
)

// Settings checks the task block's values against a task's config schema
// and turns them into the plain values Configure receives, with the
// schema's defaults for what is left out (schema.Apply).
func Settings(config []sdk.Setting, values map[string]cty.Value) (sdk.Settings, sdk.ConfigErrors) {
	return schema.Apply(config, values)
}

// PathString writes a diagnostic path the way a user would write it in
// the task block: weights[2].
func PathString(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if _, err := strconv.Atoi(p); err == nil && i > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
