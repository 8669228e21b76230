package campaign

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// minScrubbedKey is the shortest API key scrubbed from diagnostic text;
// shorter strings are not secrets and replacing them would garble words.
const minScrubbedKey = 4

// Parser reads campaign files and remembers their sources so diagnostics
// print with snippets. A Parser is not safe for concurrent use.
type Parser struct {
	files  *hclparse.Parser
	getenv func(string) string
}

// NewParser returns a Parser whose env() reads the process environment.
func NewParser() *Parser {
	return &Parser{
		files:  hclparse.NewParser(),
		getenv: os.Getenv,
	}
}

// LoadFile reads and decodes the campaign file at path. The Config is nil
// when the diagnostics hold an error; warnings may come with a Config.
func (p *Parser) LoadFile(path string) (*Config, hcl.Diagnostics) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Failed to read campaign file",
			Detail:   fmt.Sprintf("The campaign file %q could not be read: %s.", path, err),
		}}
	}
	return p.Parse(src, path)
}

// Parse decodes src as the campaign file named filename; the name appears in
// diagnostics and sets Config.Dir. Parsing the same name again replaces the
// remembered source. The Config is nil when the diagnostics hold an error.
func (p *Parser) Parse(src []byte, filename string) (*Config, hcl.Diagnostics) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if file != nil {
		p.files.AddFile(filename, file)
	}
	if diags.HasErrors() {
		return nil, diags
	}

	cfg := defaultConfig()
	cfg.Filename = filename
	cfg.Dir = filepath.Dir(filename)
	if abs, err := filepath.Abs(cfg.Dir); err == nil {
		cfg.Dir = abs
	}
	d := &decoder{ctx: evalContext(p.getenv)}
	d.decodeFile(file.Body, cfg)

	diags = append(diags, d.diags...)
	scrub(diags, cfg.Models)
	if diags.HasErrors() {
		return nil, diags
	}
	return cfg, diags
}

// WriteDiagnostics prints diags with source snippets, 78 columns wide and
// without color. API key expressions in the snippets are masked.
func (p *Parser) WriteDiagnostics(w io.Writer, diags hcl.Diagnostics) error {
	files := p.files.Files()
	shown := make(map[string]*hcl.File, len(files))
	for name, f := range files {
		shown[name] = masked(f)
	}
	return hcl.NewDiagnosticTextWriter(w, shown, 78, false).WriteDiagnostics(diags)
}

// masked returns f with each api_key value overwritten by '*' of the same
// length, so byte offsets in diagnostics still match. env("NAME") is left
// readable: it names the secret without holding it.
func masked(f *hcl.File) *hcl.File {
	src := append([]byte(nil), f.Bytes...)
	hide := func(start, end int) {
		for i := start; i < end && i < len(src); i++ {
			if src[i] != '\n' && src[i] != '\r' {
				src[i] = '*'
			}
		}
	}
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		walkAttributes(body, func(attr *hclsyntax.Attribute) {
			if attr.Name == "api_key" && !isEnvLookup(attr.Expr) {
				r := attr.Expr.Range()
				hide(r.Start.Byte, r.End.Byte)
			}
		})
	}
	// Lines the parser could not read into an attribute (a syntax error on
	// the line itself) are masked by their shape.
	for _, loc := range secretLine.FindAllSubmatchIndex(f.Bytes, -1) {
		if !envLookupText.Match(f.Bytes[loc[2]:loc[3]]) {
			hide(loc[2], loc[3])
		}
	}
	return &hcl.File{Body: f.Body, Bytes: src, Nav: f.Nav}
}

var (
	secretLine    = regexp.MustCompile(`(?m)^[ \t]*"?api_key"?[ \t]*[=:][ \t]*([^\r\n]*)`)
	envLookupText = regexp.MustCompile(`^env\([ \t]*"[A-Za-z0-9_]*"[ \t]*\)[ \t]*$`)
)

func walkAttributes(body *hclsyntax.Body, visit func(*hclsyntax.Attribute)) {
	for _, attr := range body.Attributes {
		visit(attr)
	}
	for _, block := range body.Blocks {
		walkAttributes(block.Body, visit)
	}
}

// scrub replaces API keys in diagnostic text. Keys reach text only when a
// user points another attribute at the same secret (timeout = env(KEY)),
// but then the detail would quote it.
func scrub(diags hcl.Diagnostics, models map[string]*Model) {
	var forms []string
	for _, m := range models {
		if len(m.APIKey) >= minScrubbedKey {
			quoted := strconv.Quote(m.APIKey)
			// The raw key, and the key as %q writes it.
			forms = append(forms, m.APIKey, quoted[1:len(quoted)-1])
		}
	}
	for _, diag := range diags {
		for _, form := range forms {
			diag.Summary = strings.ReplaceAll(diag.Summary, form, sensitive)
			diag.Detail = strings.ReplaceAll(diag.Detail, form, sensitive)
		}
	}
}
