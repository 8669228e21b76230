package campaign

import (
	"encoding/hex"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Plugin is a plugin block: where the binary of a named plugin is, and
// the checksum it must have. It wins over the plugin directories.
type Plugin struct {
	Name   string
	Path   string // as written; Config.Resolve makes it usable
	SHA256 string // lower-case hex; "" checks nothing

	PathRange   hcl.Range
	SHA256Range hcl.Range // zero when sha256 is not set
	DeclRange   hcl.Range
}

// TaskBlock holds the task block's attributes, evaluated but not checked:
// their schema belongs to the task plugin, which reports problems as
// attribute paths that Range turns back into source ranges.
type TaskBlock struct {
	Settings  map[string]TaskSetting // by attribute name; never nil
	DeclRange hcl.Range              // zero when the file has no task block
}

// TaskSetting is one attribute of the task block.
type TaskSetting struct {
	Value cty.Value
	Range hcl.Range // the value's expression
}

// Values returns the settings' values by name.
func (t TaskBlock) Values() map[string]cty.Value {
	out := make(map[string]cty.Value, len(t.Settings))
	for name, s := range t.Settings {
		out[name] = s.Value
	}
	return out
}

// TaskRange returns where a problem with the task setting at path should
// point: the attribute path[0] when it is written, else the task block,
// else the campaign's task argument.
func (c *Config) TaskRange(path []string) hcl.Range {
	if len(path) > 0 {
		if s, ok := c.Task.Settings[path[0]]; ok {
			return s.Range
		}
	}
	if c.Task.DeclRange != (hcl.Range{}) {
		return c.Task.DeclRange
	}
	return c.Campaign.TaskRange
}

// PluginNames returns the names of the plugin blocks, sorted.
func (c *Config) PluginNames() []string {
	names := make([]string, 0, len(c.Plugins))
	for n := range c.Plugins {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

var pluginSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "path", Required: true}, {Name: "sha256"}},
}

func (d *decoder) decodePlugin(block *hcl.Block, cfg *Config) {
	p := &Plugin{Name: block.Labels[0], DeclRange: block.DefRange}
	if !campaignName.MatchString(p.Name) || p.Name == "." || p.Name == ".." {
		d.errorf(block.LabelRanges[0], "Invalid plugin name",
			"%q cannot name a plugin: use letters, digits, '.', '_' and '-' only.", p.Name)
	}
	if prev, ok := cfg.Plugins[p.Name]; ok {
		d.errorf(block.LabelRanges[0], "Duplicate plugin block",
			"A plugin named %q is already declared at %s.", p.Name, where(prev.DeclRange))
		return
	}
	content, diags := block.Body.Content(pluginSchema)
	d.diags = append(d.diags, diags...)
	if path, attr, ok := d.string(content.Attributes, "path"); ok {
		p.Path, p.PathRange = path, attr.Expr.Range()
		if path == "" {
			d.errorf(attr.Expr.Range(), "Missing plugin path", "\"path\" must name the plugin binary, such as \"./bin/asi-task-%s\".", p.Name)
		}
	}
	if sum, attr, ok := d.string(content.Attributes, "sha256"); ok {
		p.SHA256Range = attr.Expr.Range()
		if b, err := hex.DecodeString(sum); err != nil || len(b) != 32 {
			d.errorf(attr.Expr.Range(), "Invalid sha256",
				"\"sha256\" must be 64 hexadecimal digits, as `sha256sum %s` prints.", p.Path)
		} else {
			p.SHA256 = hex.EncodeToString(b)
		}
	}
	cfg.Plugins[p.Name] = p
}

func (d *decoder) decodeTask(block *hcl.Block, t *TaskBlock) {
	t.DeclRange = block.DefRange
	attrs, diags := block.Body.JustAttributes()
	d.diags = append(d.diags, diags...)
	for name, attr := range attrs {
		v, diags := attr.Expr.Value(d.ctx)
		d.diags = append(d.diags, diags...)
		if diags.HasErrors() {
			continue
		}
		t.Settings[name] = TaskSetting{Value: v, Range: attr.Expr.Range()}
	}
}
