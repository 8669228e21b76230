package importer

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/campaign"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zclconf/go-cty/cty"
)

const examples = "../../hcl-examples/script"

// ctyEqual compares cty values by value (numbers by magnitude, not by
// their big.Float precision).
var ctyEqual = cmp.Comparer(func(a, b cty.Value) bool {
	if !a.Type().Equals(b.Type()) {
		return false
	}
	return a.Equals(b).True()
})

// parse decodes text with the real campaign parser and fails the test on
// any error diagnostic; warnings are allowed.
func parse(t *testing.T, text string) *campaign.Config {
	t.Helper()
	p := campaign.NewParser()
	cfg, diags := p.Parse([]byte(text), filepath.Join(t.TempDir(), "campaign.hcl"))
	if diags.HasErrors() || cfg == nil {
		var out strings.Builder
		_ = p.WriteDiagnostics(&out, diags)
		t.Fatalf("campaign file does not parse:\n%s\n--- text ---\n%s", out.String(), text)
	}
	return cfg
}

func mustImport(t *testing.T, kind, dir string, opts Options) Campaign {
	t.Helper()
	c, err := Import(kind, dir, opts)
	if err != nil {
		t.Fatalf("Import(%q, %q): %v", kind, dir, err)
	}
	return c
}

// writeFolder makes a folder holding files (name -> content).
func writeFolder(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type modelWant struct {
	Name   string
	Weight float64
}

func modelsOf(cfg *campaign.Config) map[string]modelWant {
	out := map[string]modelWant{}
	for label, m := range cfg.Models {
		out[label] = modelWant{Name: m.Name, Weight: m.Weight}
	}
	return out
}

func TestImportExamples(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		dir      string
		offline  bool
		campaign string
		steps    int
		seed     int64
		workers  int
		database campaign.Database
		task     map[string]cty.Value
		models   map[string]modelWant
		roles    campaign.Roles
	}{
		{
			name:     "openevolve with models",
			kind:     OpenEvolve,
			dir:      "openevolve-minimize",
			campaign: "openevolve-minimize",
			steps:    24, seed: 7, workers: 2,
			database: campaign.Database{Sampler: "island", SampleN: 3, Islands: 3, MigrationInterval: 20, MigrationRate: 0.1, Exploration: 1.414, GridBins: 10},
			task: map[string]cty.Value{
				"contract":   cty.StringVal("openevolve"),
				"evaluator":  cty.StringVal("evaluator.py"),
				"initial":    cty.StringVal("initial_program.py"),
				"timeout":    cty.StringVal("60s"),
				"thresholds": cty.TupleVal([]cty.Value{cty.NumberFloatVal(0.5)}),
				"statement":  cty.StringVal("You improve a search algorithm that looks for the global minimum of a bumpy two-variable function. Make it find the minimum more reliably."),
			},
			models: map[string]modelWant{
				"gpt_4o_mini": {Name: "gpt-4o-mini", Weight: 0.8},
				"gpt_4o":      {Name: "gpt-4o", Weight: 0.2},
			},
			roles: campaign.Roles{Researcher: "gpt_4o_mini", Analyzer: "gpt_4o_mini", MaxRepairs: 1, Researchers: []string{"gpt_4o_mini", "gpt_4o"}},
		},
		{
			name:     "openevolve offline",
			kind:     OpenEvolve,
			dir:      "openevolve-minimize",
			offline:  true,
			campaign: "openevolve-minimize",
			steps:    24, seed: 7, workers: 2,
			database: campaign.Database{Sampler: "island", SampleN: 3, Islands: 3, MigrationInterval: 20, MigrationRate: 0.1, Exploration: 1.414, GridBins: 10},
			task: map[string]cty.Value{
				"contract":   cty.StringVal("openevolve"),
				"evaluator":  cty.StringVal("evaluator.py"),
				"initial":    cty.StringVal("initial_program.py"),
				"timeout":    cty.StringVal("60s"),
				"thresholds": cty.TupleVal([]cty.Value{cty.NumberFloatVal(0.5)}),
				"statement":  cty.StringVal("You improve a search algorithm that looks for the global minimum of a bumpy two-variable function. Make it find the minimum more reliably."),
			},
			models: map[string]modelWant{},
			roles:  campaign.Roles{MaxRepairs: 1, Researchers: []string{}},
		},
		{
			name:     "shinka with models",
			kind:     Shinka,
			dir:      "shinka-circle-packing",
			campaign: "shinka-circle-packing",
			steps:    24, seed: 1, workers: 2,
			database: campaign.Database{Sampler: "island", SampleN: 3, Islands: 2, MigrationInterval: 10, MigrationRate: 0.1, Exploration: 1.414, GridBins: 10},
			task: map[string]cty.Value{
				"contract":  cty.StringVal("shinka"),
				"evaluator": cty.StringVal("evaluate.py"),
				"initial":   cty.StringVal("initial.py"),
				"statement": cty.StringVal("You are an expert in geometry. Place 26 circles in the unit square so that the sum of their radii is as large as possible."),
			},
			models: map[string]modelWant{
				"gpt_4_1_mini": {Name: "gpt-4.1-mini", Weight: 1},
				"o4_mini":      {Name: "o4-mini", Weight: 1},
			},
			roles: campaign.Roles{Researcher: "gpt_4_1_mini", Analyzer: "gpt_4_1_mini", MaxRepairs: 1, Researchers: []string{"gpt_4_1_mini", "o4_mini"}, ResearcherChoice: "ucb"},
		},
		{
			name:     "shinka offline",
			kind:     Shinka,
			dir:      "shinka-circle-packing",
			offline:  true,
			campaign: "shinka-circle-packing",
			steps:    24, seed: 1, workers: 2,
			database: campaign.Database{Sampler: "island", SampleN: 3, Islands: 2, MigrationInterval: 10, MigrationRate: 0.1, Exploration: 1.414, GridBins: 10},
			task: map[string]cty.Value{
				"contract":  cty.StringVal("shinka"),
				"evaluator": cty.StringVal("evaluate.py"),
				"initial":   cty.StringVal("initial.py"),
				"statement": cty.StringVal("You are an expert in geometry. Place 26 circles in the unit square so that the sum of their radii is as large as possible."),
			},
			models: map[string]modelWant{},
			roles:  campaign.Roles{MaxRepairs: 1, Researchers: []string{}},
		},
		{
			name:     "asi-evolve",
			kind:     ASIEvolve,
			dir:      "asi-evolve-series",
			campaign: "pi-series",
			steps:    20, seed: 1, workers: 1,
			database: campaign.Database{Sampler: "ucb1", SampleN: 3, Islands: 5, MigrationInterval: 10, MigrationRate: 0.1, Exploration: 1.414, GridBins: 10},
			task: map[string]cty.Value{
				"contract":  cty.StringVal("asi-evolve"),
				"evaluator": cty.StringVal("eval.sh"),
				"initial":   cty.StringVal("program.py"),
				"timeout":   cty.StringVal("30s"),
			},
			models: map[string]modelWant{},
			roles:  campaign.Roles{MaxRepairs: 1, Researchers: []string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustImport(t, tt.kind, filepath.Join(examples, tt.dir), Options{Offline: tt.offline})
			if c.Name != tt.campaign {
				t.Errorf("Name = %q, want %q", c.Name, tt.campaign)
			}
			cfg := parse(t, c.Text)
			if cfg.Campaign.Name != tt.campaign {
				t.Errorf("campaign label = %q, want %q", cfg.Campaign.Name, tt.campaign)
			}
			if cfg.Campaign.Task != "script" {
				t.Errorf("task = %q, want script", cfg.Campaign.Task)
			}
			if cfg.Campaign.Budget.Steps != tt.steps {
				t.Errorf("budget steps = %d, want %d", cfg.Campaign.Budget.Steps, tt.steps)
			}
			if cfg.Campaign.Seed != tt.seed {
				t.Errorf("seed = %d, want %d", cfg.Campaign.Seed, tt.seed)
			}
			if cfg.Campaign.Workers != tt.workers {
				t.Errorf("workers = %d, want %d", cfg.Campaign.Workers, tt.workers)
			}
			// Where the sampler is written is the file's business, not the import's.
			if diff := cmp.Diff(tt.database, cfg.Database, cmpopts.IgnoreFields(campaign.Database{}, "SamplerRange")); diff != "" {
				t.Errorf("database (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.task, cfg.Task.Values(), ctyEqual); diff != "" {
				t.Errorf("task block (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.models, modelsOf(cfg)); diff != "" {
				t.Errorf("models (-want +got):\n%s", diff)
			}
			gotRoles := cfg.Roles
			gotRoles.DeclRange = tt.roles.DeclRange
			if gotRoles.Researchers == nil {
				gotRoles.Researchers = []string{}
			}
			if diff := cmp.Diff(tt.roles, gotRoles); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if tt.offline {
				if !strings.Contains(c.Text, "# model ") {
					t.Errorf("offline text has no commented model block:\n%s", c.Text)
				}
				if !strings.Contains(c.Text, "# roles {") {
					t.Errorf("offline text has no commented roles block:\n%s", c.Text)
				}
			}
			if len(cfg.Executors) != 1 || cfg.Executors[0].Type != "local" || cfg.Executors[0].Settings == nil || cfg.Executors[0].Settings.Slots != tt.workers {
				t.Errorf("executors = %+v, want one local executor with %d slots", cfg.Executors, tt.workers)
			}
		})
	}
}

func TestImportUnmapped(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		dir      string
		unmapped []string
	}{
		{name: "openevolve", kind: OpenEvolve, dir: "openevolve-minimize", unmapped: []string{"population_size"}},
		{name: "shinka", kind: Shinka, dir: "shinka-circle-packing", unmapped: []string{"archive_size", "code_embed_sim_threshold", "embedding_model", "patch_types"}},
		{name: "asi-evolve", kind: ASIEvolve, dir: "asi-evolve-series", unmapped: nil},
	}
	for _, tt := range tests {
		for _, offline := range []bool{false, true} {
			name := tt.name
			if offline {
				name += " offline"
			}
			t.Run(name, func(t *testing.T) {
				c := mustImport(t, tt.kind, filepath.Join(examples, tt.dir), Options{Offline: offline})
				got := append([]string(nil), c.Unmapped...)
				sort.Strings(got)
				if diff := cmp.Diff(tt.unmapped, got); diff != "" {
					t.Errorf("Unmapped (-want +got):\n%s", diff)
				}
				var comments []string
				for _, line := range strings.Split(c.Text, "\n") {
					line = strings.TrimSpace(line)
					if rest, ok := strings.CutPrefix(line, "# not imported: "); ok {
						key, _, _ := strings.Cut(rest, " = ")
						comments = append(comments, key)
					}
				}
				sort.Strings(comments)
				if diff := cmp.Diff(tt.unmapped, comments); diff != "" {
					t.Errorf("# not imported: comments (-want +got):\n%s\n%s", diff, c.Text)
				}
				parse(t, c.Text)
			})
		}
	}
}

const openEvolveEvaluator = "def evaluate(path):\n    return {}\n"
const openEvolveProgram = "# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n"

func TestImportHostileText(t *testing.T) {
	tests := []struct {
		name      string
		statement string // as the YAML value decodes
	}{
		{name: "template sequences", statement: `Use ${env("HOME")} and %{ if true }x%{ endif } literally.`},
		{name: "escaped template sequences", statement: `Keep $${a} and %%{b} and $$${c} as they are.`},
		{name: "quotes backslashes newlines", statement: "Say \"hi\" \\ and 'bye'\nline two\n\ttabbed\r\nend"},
		{name: "lone dollar and percent", statement: "cost $5 and 50% off, ends with $"},
		{name: "unicode", statement: "π ≈ 3.14159 — naïve café 🚀"},
		{name: "control characters", statement: "bell\a form\f vertical\v nul\x00 esc\x1b del\x7f end"},
		{name: "unicode spaces and separators", statement: "nbsp\u00a0 zwsp\u200b bom\ufeff tag\U000E0041 end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yamlValue, err := yamlQuote(tt.statement)
			if err != nil {
				t.Fatal(err)
			}
			dir := writeFolder(t, map[string]string{
				"evaluator.py":       openEvolveEvaluator,
				"initial_program.py": openEvolveProgram,
				"config.yaml":        "prompt:\n  system_message: " + yamlValue + "\n",
			})
			c := mustImport(t, OpenEvolve, dir, Options{})
			cfg := parse(t, c.Text)
			got, ok := cfg.Task.Values()["statement"]
			if !ok {
				t.Fatalf("no statement in task block:\n%s", c.Text)
			}
			want := strings.TrimSpace(tt.statement)
			if got.Type() != cty.String || got.AsString() != want {
				t.Errorf("statement = %#v, want %q", got, want)
			}
		})
	}
}

// yamlQuote writes s as a YAML double-quoted scalar.
func yamlQuote(s string) (string, error) {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\x`)
			const hex = "0123456789abcdef"
			b.WriteByte(hex[r>>4])
			b.WriteByte(hex[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String(), nil
}

func TestImportModelLabels(t *testing.T) {
	tests := []struct {
		name   string
		models []string
		want   map[string]modelWant
	}{
		{
			name:   "spaces and slashes",
			models: []string{"meta-llama/Llama 3.1 70B", "openrouter/anthropic/claude-3.5"},
			want: map[string]modelWant{
				"meta_llama_Llama_3_1_70B":        {Name: "meta-llama/Llama 3.1 70B", Weight: 1},
				"openrouter_anthropic_claude_3_5": {Name: "openrouter/anthropic/claude-3.5", Weight: 1},
			},
		},
		{
			name:   "leading digit and symbols only",
			models: []string{"4o", "///", `${x}"`},
			want: map[string]modelWant{
				"m_4o": {Name: "4o", Weight: 1},
				"m_":   {Name: "///", Weight: 1},
				"x":    {Name: `${x}"`, Weight: 1},
			},
		},
		{
			name:   "names that collide",
			models: []string{"a/b", "a b", "a-b"},
			want: map[string]modelWant{
				"a_b":   {Name: "a/b", Weight: 1},
				"a_b_":  {Name: "a b", Weight: 1},
				"a_b__": {Name: "a-b", Weight: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cfgYAML strings.Builder
			cfgYAML.WriteString("llm:\n  models:\n")
			for _, m := range tt.models {
				q, _ := yamlQuote(m)
				cfgYAML.WriteString("    - name: " + q + "\n")
			}
			dir := writeFolder(t, map[string]string{
				"evaluator.py":       openEvolveEvaluator,
				"initial_program.py": openEvolveProgram,
				"config.yaml":        cfgYAML.String(),
			})
			c := mustImport(t, OpenEvolve, dir, Options{})
			cfg := parse(t, c.Text)
			if diff := cmp.Diff(tt.want, modelsOf(cfg)); diff != "" {
				t.Errorf("models (-want +got):\n%s\n%s", diff, c.Text)
			}
			// Offline, the same file must still parse, with no models.
			off := parse(t, mustImport(t, OpenEvolve, dir, Options{Offline: true}).Text)
			if len(off.Models) != 0 {
				t.Errorf("offline models = %v, want none", off.Models)
			}
		})
	}
}

func TestImportNotes(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		files    map[string]string
		unmapped []string
		contains []string
	}{
		{
			name: "openevolve unknown top-level key",
			kind: OpenEvolve,
			files: map[string]string{
				"evaluator.py": openEvolveEvaluator, "initial_program.py": openEvolveProgram,
				"config.yaml": "max_iterations: 5\nlog_level: DEBUG\n",
			},
			unmapped: []string{"log_level"},
			contains: []string{"# not imported: log_level = DEBUG: no counterpart in asi"},
		},
		{
			name: "openevolve unknown section key",
			kind: OpenEvolve,
			files: map[string]string{
				"evaluator.py": openEvolveEvaluator, "initial_program.py": openEvolveProgram,
				"config.yaml": "database:\n  feature_dimensions: [a, b]\n",
			},
			unmapped: []string{"database.feature_dimensions"},
			contains: []string{"# not imported: database.feature_dimensions = [a b]"},
		},
		{
			name: "shinka unknown top-level key beside evo_config",
			kind: Shinka,
			files: map[string]string{
				"evaluate.py": "", "initial.py": openEvolveProgram,
				"shinka.yaml": "evo_config:\n  num_generations: 3\nresults_dir: out\n",
			},
			unmapped: []string{"results_dir"},
			contains: []string{"# not imported: results_dir = out"},
		},
		{
			name: "asi-evolve unknown key and sampler",
			kind: ASIEvolve,
			files: map[string]string{
				"eval.sh": "#!/bin/sh\n", "program.py": openEvolveProgram,
				"config.yaml": "pipeline: fancy\nsampler: tournament\n",
			},
			unmapped: []string{"pipeline", "sampler"},
			contains: []string{"# not imported: pipeline = fancy", "# not imported: sampler = tournament"},
		},
		{
			name: "hostile key and long multi-byte value",
			kind: OpenEvolve,
			files: map[string]string{
				"evaluator.py": openEvolveEvaluator, "initial_program.py": openEvolveProgram,
				"config.yaml": "\"odd\\nkey = 1\\n}\": 1\nlong: \"" + strings.Repeat("é", 40) + "\"\n",
			},
			unmapped: []string{"long", "odd\nkey = 1\n}"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFolder(t, tt.files)
			c := mustImport(t, tt.kind, dir, Options{})
			got := append([]string(nil), c.Unmapped...)
			sort.Strings(got)
			if diff := cmp.Diff(tt.unmapped, got); diff != "" {
				t.Errorf("Unmapped (-want +got):\n%s", diff)
			}
			for _, s := range tt.contains {
				if !strings.Contains(c.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, c.Text)
				}
			}
			parse(t, c.Text)
		})
	}
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		files    map[string]string
		wantErr  error    // wrapped, when set
		contains []string // in the error text
	}{
		{
			name:     "unknown kind",
			kind:     "alphaevolve",
			files:    map[string]string{"evaluator.py": "", "initial_program.py": ""},
			contains: []string{`unknown kind "alphaevolve"`},
		},
		{
			name: "malformed openevolve config.yaml",
			kind: OpenEvolve,
			files: map[string]string{
				"evaluator.py": openEvolveEvaluator, "initial_program.py": openEvolveProgram,
				"config.yaml": "llm:\n  models: [\n  - : :\n",
			},
			contains: []string{"config.yaml"},
		},
		{
			name: "malformed shinka.yaml",
			kind: Shinka,
			files: map[string]string{
				"evaluate.py": "", "initial.py": "",
				"shinka.yaml": "evo_config: {num_generations: 3\n",
			},
			contains: []string{"shinka.yaml"},
		},
		{
			name: "config.yaml that is not a mapping",
			kind: ASIEvolve,
			files: map[string]string{
				"eval.sh": "", "program.py": openEvolveProgram,
				"config.yaml": "- a\n- b\n",
			},
			contains: []string{"config.yaml"},
		},
		{
			name:     "openevolve without evaluator.py",
			kind:     OpenEvolve,
			files:    map[string]string{"initial_program.py": openEvolveProgram, "config.yaml": "max_iterations: 3\n"},
			wantErr:  ErrNotAFolder,
			contains: []string{"evaluator.py"},
		},
		{
			name:     "openevolve without initial_program.py",
			kind:     OpenEvolve,
			files:    map[string]string{"evaluator.py": openEvolveEvaluator},
			wantErr:  ErrNotAFolder,
			contains: []string{"initial_program.py"},
		},
		{
			name:     "shinka without evaluate.py",
			kind:     Shinka,
			files:    map[string]string{"initial.py": ""},
			wantErr:  ErrNotAFolder,
			contains: []string{"evaluate.py"},
		},
		{
			name:    "shinka with two initial programs",
			kind:    Shinka,
			files:   map[string]string{"evaluate.py": "", "initial.py": "", "initial.rs": ""},
			wantErr: ErrNotAFolder,
		},
		{
			name:     "asi-evolve without eval.sh",
			kind:     ASIEvolve,
			files:    map[string]string{"program.py": openEvolveProgram},
			wantErr:  ErrNotAFolder,
			contains: []string{"eval.sh"},
		},
		{
			name: "asi-evolve with two EVOLVE-BLOCK programs",
			kind: ASIEvolve,
			files: map[string]string{
				"eval.sh": "", "a.py": openEvolveProgram, "b.py": openEvolveProgram,
			},
			wantErr:  ErrNotAFolder,
			contains: []string{"a.py", "b.py", "found 2"},
		},
		{
			name:     "asi-evolve with no EVOLVE-BLOCK program",
			kind:     ASIEvolve,
			files:    map[string]string{"eval.sh": "# EVOLVE-BLOCK-START\n", "program.py": "x = 1\n"},
			wantErr:  ErrNotAFolder,
			contains: []string{"found 0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFolder(t, tt.files)
			c, err := Import(tt.kind, dir, Options{})
			if err == nil {
				t.Fatalf("Import succeeded, want an error; text:\n%s", c.Text)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q does not wrap %v", err, tt.wantErr)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
			if c.Text != "" {
				t.Errorf("Text = %q on error, want empty", c.Text)
			}
		})
	}
}

func TestImportDefaults(t *testing.T) {
	tests := []struct {
		name     string
		kind     string
		files    map[string]string
		campaign string
		steps    int
	}{
		{
			name:  "openevolve without config",
			kind:  OpenEvolve,
			files: map[string]string{"evaluator.py": openEvolveEvaluator, "initial_program.py": openEvolveProgram},
			steps: 100,
		},
		{
			name:  "empty config.yaml",
			kind:  ASIEvolve,
			files: map[string]string{"eval.sh": "", "program.py": openEvolveProgram, "config.yaml": ""},
			steps: 100,
		},
		{
			name:     "experiment name needing cleanup",
			kind:     ASIEvolve,
			files:    map[string]string{"eval.sh": "", "program.py": openEvolveProgram, "config.yaml": "experiment_name: \"my run / v2 ${x}\"\nsteps: 4\n"},
			campaign: "my-run-v2-x",
			steps:    4,
		},
		{
			name:  "flat shinka config",
			kind:  Shinka,
			files: map[string]string{"evaluate.py": "", "initial.py": "", "shinka.yaml": "num_generations: 9\nllm_models: [solo]\nllm_dynamic_selection: ucb\n"},
			steps: 9,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFolder(t, tt.files)
			c := mustImport(t, tt.kind, dir, Options{})
			cfg := parse(t, c.Text)
			want := tt.campaign
			if want == "" {
				want = campaignName(filepath.Base(dir))
			}
			if cfg.Campaign.Name != want {
				t.Errorf("campaign = %q, want %q", cfg.Campaign.Name, want)
			}
			if cfg.Campaign.Budget.Steps != tt.steps {
				t.Errorf("steps = %d, want %d", cfg.Campaign.Budget.Steps, tt.steps)
			}
		})
	}
}
