package campaign

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// ignoreSource leaves out what only locates a value in the source; ranges
// have their own tests.
var ignoreSource = cmp.Options{
	cmpopts.IgnoreTypes(hcl.Range{}),
	cmpopts.IgnoreFields(Executor{}, "Body"),
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
}

func absDir(t *testing.T, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

func load(t *testing.T, path string) (*Config, *Parser) {
	t.Helper()
	p := NewParser()
	cfg, diags := p.LoadFile(path)
	if diags.HasErrors() {
		var out strings.Builder
		_ = p.WriteDiagnostics(&out, diags)
		t.Fatalf("LoadFile(%s):\n%s", path, out.String())
	}
	return cfg, p
}

func TestLoadFileDecodes(t *testing.T) {
	target := 2.635
	temperature := 0.7
	tests := []struct {
		name string
		file string
		want *Config
	}{
		{
			name: "defaults",
			file: "testdata/valid/minimal.hcl",
			want: &Config{
				Filename: "testdata/valid/minimal.hcl",
				Dir:      absDir(t, "testdata/valid"),
				Campaign: Campaign{Name: "minimal", Task: "circlepacking", Workers: 1, Seed: 1, EvaluationTimeout: time.Hour, MaxInfraFailures: 5},
				Models:   map[string]*Model{},
				Roles:    Roles{MaxRepairs: 1},
				Database: Database{
					Sampler: "ucb1", SampleN: 3, Islands: 5, MigrationInterval: 10,
					MigrationRate: 0.1, Exploration: 1.414, GridBins: 10,
				},
				Cognition: Cognition{Store: "embedded", TopK: 5},
				Sandbox:   Sandbox{Memory: 256 << 20, Timeout: 30 * time.Second, OutputLimit: 1 << 20},
				Plugins:   map[string]*Plugin{},
				Feedback:  Feedback{Enabled: true, MaxChars: 2000, Stderr: true},
				Task:      TaskBlock{Settings: map[string]TaskSetting{}},
			},
		},
		{
			name: "every setting",
			file: "testdata/valid/full.hcl",
			want: &Config{
				Filename: "testdata/valid/full.hcl",
				Dir:      absDir(t, "testdata/valid"),
				Campaign: Campaign{
					Name: "full.v2_test", Task: "circlepacking", Workers: 4, Seed: 7, EvaluationTimeout: time.Hour, MaxInfraFailures: 3,
					Budget: Budget{Steps: 200, Wall: 2 * time.Hour, Tokens: 1000000, USD: 20, Target: &target},
				},
				Models: map[string]*Model{
					"main": {
						Label: "main", Provider: "openai", BaseURL: "http://127.0.0.1:8000/v1",
						Name: "gpt-5-mini", Temperature: &temperature, MaxTokens: 4096,
						Timeout: 120 * time.Second, PriceInput: 0.25, PriceOutput: 2,
						Record: "llm-calls.jsonl",
					},
					"cheap": {Label: "cheap", Provider: "replay", File: "llm-calls.jsonl"},
				},
				Roles: Roles{Researcher: "main", Analyzer: "cheap", MaxRepairs: 2},
				Database: Database{
					Sampler: "island", SampleN: 4, Islands: 3, MigrationInterval: 20,
					MigrationRate: 0.25, Exploration: 2, GridBins: 8,
				},
				Cognition: Cognition{
					Store: "weaviate", URL: "http://127.0.0.1:8080",
					Seed: []string{"cognition/*.md", "notes/**.txt"}, TopK: 7, MinScore: 0.3,
				},
				Sandbox:   Sandbox{Memory: 3 << 29, Timeout: 45 * time.Second, OutputLimit: 65536},
				Feedback:  Feedback{Enabled: true, MaxChars: 2000, Stderr: true},
				Executors: []*Executor{{Type: "local", Settings: &ExecutorSettings{}}, {Type: "slurm", Settings: &ExecutorSettings{Partition: "gpu"}}},
				Plugins: map[string]*Plugin{"circlepacking": {
					Name: "circlepacking", Path: "plugins/asi-task-circlepacking",
					SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				}},
				Task: TaskBlock{Settings: map[string]TaskSetting{
					"language": {Value: cty.StringVal("go")},
					"weights":  {Value: cty.TupleVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)})},
				}},
			},
		},
		{
			name: "functions",
			file: "testdata/valid/functions.hcl",
			want: func() *Config {
				c := defaultConfig()
				c.Filename = "testdata/valid/functions.hcl"
				c.Dir = absDir(t, "testdata/valid")
				c.Campaign = Campaign{Name: "functions", Task: "circlepacking", Workers: 3, Seed: 5, EvaluationTimeout: time.Hour, MaxInfraFailures: 5}
				c.Cognition.Seed = []string{"a/*.md", "b/*.md"}
				return c
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := load(t, tt.file)
			if diff := cmp.Diff(tt.want, got, ignoreSource); diff != "" {
				t.Errorf("LoadFile(%s) mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

func TestLoadFileKeepsRanges(t *testing.T) {
	cfg, _ := load(t, "testdata/valid/full.hcl")
	tests := []struct {
		name string
		rng  hcl.Range
		line int
	}{
		{name: "campaign block", rng: cfg.Campaign.DeclRange, line: 2},
		{name: "task value", rng: cfg.Campaign.TaskRange, line: 3},
		{name: "model block", rng: cfg.Models["main"].DeclRange, line: 18},
		{name: "roles block", rng: cfg.Roles.DeclRange, line: 36},
		{name: "executor block", rng: cfg.Executors[1].DeclRange, line: 68},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.rng.Filename != "testdata/valid/full.hcl" || tt.rng.Start.Line != tt.line {
				t.Errorf("range = %s, want line %d of testdata/valid/full.hcl", tt.rng, tt.line)
			}
		})
	}
	attrs, diags := cfg.Executors[1].Body.JustAttributes()
	if diags.HasErrors() || attrs["partition"] == nil {
		t.Errorf("executor body lost its partition argument: %v", diags)
	}
}

// expectedErrors reads the "# ERROR: <summary>" comments of a fixture.
func expectedErrors(t *testing.T, path string) map[int]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[int]string{}
	scanner := bufio.NewScanner(f)
	for line := 1; scanner.Scan(); line++ {
		if _, summary, ok := strings.Cut(scanner.Text(), "# ERROR: "); ok {
			want[line] = strings.TrimSpace(summary)
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 {
		t.Fatalf("%s has no # ERROR: comment", path)
	}
	return want
}

func TestLoadFileReportsInvalid(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 12 {
		t.Fatalf("found %d invalid fixtures, want at least 12", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			cfg, diags := NewParser().LoadFile(file)
			if !diags.HasErrors() {
				t.Fatalf("LoadFile succeeded, want errors")
			}
			if cfg != nil {
				t.Errorf("LoadFile returned a Config with errors")
			}
			for line, summary := range expectedErrors(t, file) {
				if !hasError(diags, summary, line) {
					t.Errorf("no error %q at line %d; got:\n%s", summary, line, describe(diags))
				}
			}
		})
	}
}

func hasError(diags hcl.Diagnostics, summary string, line int) bool {
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Summary == summary && d.Subject != nil && d.Subject.Start.Line == line {
			return true
		}
	}
	return false
}

func describe(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "  %s (at %v): %s\n", d.Summary, d.Subject, d.Detail)
	}
	return b.String()
}

func TestParseSuggestsNames(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		detail string
	}{
		{
			name:   "argument",
			src:    "campaign \"x\" {\n  task = \"t\"\n  workerz = 2\n}\n",
			detail: `Did you mean "workers"?`,
		},
		{
			name:   "block",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nsandbx {}\n",
			detail: `Did you mean "sandbox"?`,
		},
		{
			name:   "sampler ignoring case",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\ndatabase {\n  sampler = \"MAP-ELITES\"\n}\n",
			detail: `Did you mean "map_elites"?`,
		},
		{
			name:   "provider",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nmodel \"m\" {\n  provider = \"ofline\"\n}\n",
			detail: `Did you mean "offline"?`,
		},
		{
			name:   "declared model",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nmodel \"main\" {\n  provider = \"offline\"\n}\nmodel \"big\" {\n  provider = \"offline\"\n}\nroles {\n  researcher = model.mian\n  analyzer = model.big\n}\n",
			detail: `Declared models: "big", "main". Did you mean "main"?`,
		},
		{
			name:   "no models declared",
			src:    "campaign \"x\" {\n  task = \"t\"\n}\nroles {\n  researcher = model.main\n}\n",
			detail: "The file declares no models",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := NewParser().Parse([]byte(tt.src), "suggest.hcl")
			for _, d := range diags {
				if strings.Contains(d.Detail, tt.detail) {
					return
				}
			}
			t.Errorf("no diagnostic detail contains %q; got:\n%s", tt.detail, describe(diags))
		})
	}
}

func TestParseWarns(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		summary string
		line    int
	}{
		{
			name:    "model without a role",
			src:     "campaign \"x\" {\n  task = \"t\"\n}\nmodel \"main\" {\n  provider = \"offline\"\n}\n",
			summary: "Model not used by any role",
			line:    4,
		},
		{
			name:    "literal api key",
			src:     "campaign \"x\" {\n  task = \"t\"\n}\nmodel \"main\" {\n  name = \"m\"\n  api_key = \"sk-abc\"\n}\nroles {\n  researcher = model.main\n}\n",
			summary: "API key written in the campaign file",
			line:    6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := NewParser().Parse([]byte(tt.src), "warn.hcl")
			if cfg == nil || diags.HasErrors() {
				t.Fatalf("Parse failed:\n%s", describe(diags))
			}
			for _, d := range diags {
				if d.Severity == hcl.DiagWarning && d.Summary == tt.summary && d.Subject.Start.Line == tt.line {
					return
				}
			}
			t.Errorf("no warning %q at line %d; got:\n%s", tt.summary, tt.line, describe(diags))
		})
	}
}

func TestWriteDiagnosticsShowsSource(t *testing.T) {
	p := NewParser()
	const file = "testdata/invalid/unknown-sampler.hcl"
	_, diags := p.LoadFile(file)
	if !diags.HasErrors() {
		t.Fatal("LoadFile succeeded, want errors")
	}
	var out bytes.Buffer
	if err := p.WriteDiagnostics(&out, diags); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Error: Unknown sampler",
		"on " + file + " line 6",
		`sampler = "ucbl"`,
		`Did you mean "ucb1"?`,
	} {
		// The detail is wrapped at 78 columns.
		if !strings.Contains(strings.Join(strings.Fields(out.String()), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestParseReadsEnv(t *testing.T) {
	t.Setenv("ASI_TEST_BASE_URL", "http://127.0.0.1:9999/v1")
	t.Setenv("ASI_TEST_MODEL", "tiny")
	src := `
campaign "env" {
  task = "circlepacking"
}
model "main" {
  base_url = env("ASI_TEST_BASE_URL")
  name     = upper(env("ASI_TEST_MODEL"))
  record   = env("ASI_TEST_SURELY_UNSET")
}
roles {
  researcher = model.main
}
`
	cfg, diags := NewParser().Parse([]byte(src), "env.hcl")
	if diags.HasErrors() {
		t.Fatalf("Parse:\n%s", describe(diags))
	}
	got := cfg.Models["main"]
	want := &Model{Label: "main", Provider: "openai", BaseURL: "http://127.0.0.1:9999/v1", Name: "TINY"}
	if diff := cmp.Diff(want, got, ignoreSource); diff != "" {
		t.Errorf("model mismatch (-want +got):\n%s", diff)
	}
}

func TestAPIKeyNeverShown(t *testing.T) {
	const envKey = "sk-from-env-0123456789"
	const fileKey = "sk-in-file-9876543210"
	t.Setenv("ASI_TEST_API_KEY", envKey)

	tests := []struct {
		name string
		src  string
		key  string
		// shown must appear in the output, so the test sees the place
		// where the key would have leaked.
		shown string
	}{
		{
			name: "env key quoted by another argument",
			src: `campaign "k" {
  task = "t"
}
model "main" {
  name    = "m"
  api_key = env("ASI_TEST_API_KEY")
  timeout = env("ASI_TEST_API_KEY")
}
roles {
  researcher = model.main
}
`,
			key:   envKey,
			shown: `"timeout" must be a duration`,
		},
		{
			name: "literal key in a warning snippet",
			src: `campaign "k" {
  task = "t"
}
model "main" {
  name    = "m"
  api_key = "` + fileKey + `"
}
roles {
  researcher = model.main
}
`,
			key:   fileKey,
			shown: "api_key = ***",
		},
		{
			name: "literal key on a line that does not parse",
			src: `campaign "k" {
  task = "t"
}
model "main" {
  api_key = "` + fileKey + `" oops
}
`,
			key:   fileKey,
			shown: "api_key = ***",
		},
		{
			name: "literal key where it is not allowed",
			src: `campaign "k" {
  task    = "t"
  api_key = "` + fileKey + `"
}
`,
			key:   fileKey,
			shown: "Unsupported argument",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewParser()
			_, diags := p.Parse([]byte(tt.src), "secret.hcl")
			var out bytes.Buffer
			if err := p.WriteDiagnostics(&out, diags); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.shown) {
				t.Errorf("output lacks %q:\n%s", tt.shown, out.String())
			}
			if strings.Contains(out.String(), tt.key) {
				t.Errorf("output shows the API key:\n%s", out.String())
			}
		})
	}
}

func TestPlanOutputHidesAPIKey(t *testing.T) {
	const key = "sk-plan-0123456789"
	t.Setenv("ASI_TEST_API_KEY", key)
	src := `campaign "k" {
  task = "t"
}
model "main" {
  name    = "m"
  api_key = env("ASI_TEST_API_KEY")
}
roles {
  researcher = model.main
}
`
	cfg, diags := NewParser().Parse([]byte(src), "plan.hcl")
	if diags.HasErrors() {
		t.Fatalf("Parse:\n%s", describe(diags))
	}
	if cfg.Models["main"].APIKey != key {
		t.Fatalf("APIKey = %q, want the environment's key", cfg.Models["main"].APIKey)
	}
	redacted := cfg.Redacted()
	if got := redacted.Models["main"].APIKey; got != "(sensitive)" {
		t.Errorf("redacted APIKey = %q, want (sensitive)", got)
	}
	if cfg.Models["main"].APIKey != key {
		t.Errorf("Redacted changed the original Config")
	}
	outputs := map[string]string{
		"redacted %+v":  fmt.Sprintf("%+v", *redacted),
		"config %v":     fmt.Sprintf("%v", *cfg),
		"config %+v":    fmt.Sprintf("%+v", cfg.Models),
		"config %#v":    fmt.Sprintf("%#v", *cfg),
		"model String":  cfg.Models["main"].String(),
		"model %#v ptr": fmt.Sprintf("%#v", cfg.Models["main"]),
	}
	for name, out := range outputs {
		if strings.Contains(out, key) {
			t.Errorf("%s shows the API key: %s", name, out)
		}
		if !strings.Contains(out, "(sensitive)") {
			t.Errorf("%s does not mark the key as sensitive: %s", name, out)
		}
	}
}

func TestParseReplacesRememberedSource(t *testing.T) {
	p := NewParser()
	if _, diags := p.Parse([]byte("campaign \"a\" {\n  task = \"t\"\n}\n"), "same.hcl"); diags.HasErrors() {
		t.Fatalf("first Parse:\n%s", describe(diags))
	}
	cfg, diags := p.Parse([]byte("campaign \"b\" {\n  task = \"u\"\n}\n"), "same.hcl")
	if diags.HasErrors() {
		t.Fatalf("second Parse:\n%s", describe(diags))
	}
	if cfg.Campaign.Name != "b" {
		t.Errorf("second Parse decoded campaign %q, want b", cfg.Campaign.Name)
	}
}

func TestResolve(t *testing.T) {
	cfg := &Config{Dir: filepath.FromSlash("/campaigns/cp")}
	tests := []struct {
		name, path, want string
	}{
		{name: "relative", path: "cognition/*.md", want: filepath.FromSlash("/campaigns/cp/cognition/*.md")},
		{name: "absolute", path: filepath.FromSlash("/data/x.jsonl"), want: filepath.FromSlash("/data/x.jsonl")},
		{name: "empty", path: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cfg.Resolve(tt.path); got != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestExamplesLoad(t *testing.T) {
	files, err := filepath.Glob("../../hcl-examples/*.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files in hcl-examples")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			load(t, file)
		})
	}
}

func TestCirclePackingExample(t *testing.T) {
	cfg, _ := load(t, "../../hcl-examples/circle-packing.hcl")
	target := 2.635
	want := Campaign{
		Name: "circle-packing", Task: "circlepacking", Workers: 2, Seed: 1, EvaluationTimeout: time.Hour, MaxInfraFailures: 5,
		Budget: Budget{Steps: 300, Wall: 150 * time.Second, Target: &target},
	}
	if diff := cmp.Diff(want, cfg.Campaign, ignoreSource); diff != "" {
		t.Errorf("campaign mismatch (-want +got):\n%s", diff)
	}
	if len(cfg.Models) != 0 || cfg.Roles.Researcher != "" {
		t.Errorf("example is not offline: models %v, researcher %q", cfg.Models, cfg.Roles.Researcher)
	}
	if cfg.Sandbox.Memory != 128<<20 || cfg.Sandbox.Timeout != 10*time.Second {
		t.Errorf("sandbox = %+v, want 128MiB and 10s", cfg.Sandbox)
	}
}
