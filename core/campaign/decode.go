package campaign

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "campaign", LabelNames: []string{"name"}},
		{Type: "model", LabelNames: []string{"label"}},
		{Type: "roles"},
		{Type: "database"},
		{Type: "cognition"},
		{Type: "sandbox"},
		{Type: "executor", LabelNames: []string{"type"}},
		{Type: "plugin", LabelNames: []string{"name"}},
		{Type: "task"},
		{Type: "cascade"}, {Type: "judge"}, {Type: "novelty"}, {Type: "manager"},
		{Type: "objective", LabelNames: []string{"metric"}},
		{Type: "prompts"}, {Type: "feedback"}, {Type: "stop"}, {Type: "audit"},
	},
}

var campaignSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "task", Required: true},
		{Name: "workers"},
		{Name: "seed"},
		{Name: "evaluation_timeout"},
		{Name: "max_infra_failures"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "budget"}},
}

var budgetSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "steps"}, {Name: "wall"}, {Name: "tokens"}, {Name: "usd"}, {Name: "target"},
	},
}

var modelSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "provider"}, {Name: "base_url"}, {Name: "api_key"}, {Name: "name"},
		{Name: "temperature"}, {Name: "max_tokens"}, {Name: "timeout"},
		{Name: "price_input"}, {Name: "price_output"},
		{Name: "record"}, {Name: "file"}, {Name: "weight"}, {Name: "reasoning_effort"},
	},
}

var rolesSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "researcher"}, {Name: "analyzer"}, {Name: "max_repairs"}, {Name: "researcher_choice"},
	},
}

var databaseSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "sampler"}, {Name: "sample_n"}, {Name: "islands"},
		{Name: "migration_interval"}, {Name: "migration_rate"},
		{Name: "exploration"}, {Name: "grid_bins"},
	},
}

var cognitionSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "store"}, {Name: "url"}, {Name: "seed"}, {Name: "top_k"}, {Name: "min_score"},
		{Name: "embedder"}, {Name: "dimensions"}, {Name: "collection"}, {Name: "share_offline_insights"},
	},
}

var sandboxSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "memory"}, {Name: "timeout"}, {Name: "output_limit"}, {Name: "executor"},
	},
}

// collectionName is what Weaviate accepts as a class name.
var collectionName = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)

// campaignName keeps the name usable as a directory name on every system.
var campaignName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// decodeFile fills a Config from a parsed file body.
func (d *decoder) decodeFile(body hcl.Body, cfg *Config) {
	content, diags := body.Content(fileSchema)
	d.diags = append(d.diags, diags...)

	first := map[string]*hcl.Block{}
	single := func(block *hcl.Block) bool {
		if prev, ok := first[block.Type]; ok {
			d.errorf(block.DefRange, fmt.Sprintf("Duplicate %s block", block.Type),
				"Only one %s block is allowed; the first is at %s.", block.Type, where(prev.DefRange))
			return false
		}
		first[block.Type] = block
		return true
	}

	// Models first: roles refer to them.
	var roles, cognition *hcl.Block
	var research, objectives []*hcl.Block
	reach := map[string]*hcl.Block{} // the blocks of research reach, by type
	executors := map[string]*Executor{}
	for _, block := range content.Blocks {
		switch block.Type {
		case "campaign":
			if single(block) {
				d.decodeCampaign(block, &cfg.Campaign)
			}
		case "model":
			d.decodeModel(block, cfg.Models)
		case "roles":
			if single(block) {
				roles = block
			}
		case "database":
			if single(block) {
				d.decodeDatabase(block, &cfg.Database)
			}
		case "cognition":
			if single(block) {
				cognition = block
			}
		case "sandbox":
			if single(block) {
				d.decodeSandbox(block, &cfg.Sandbox)
			}
		case "executor":
			ex := &Executor{Type: block.Labels[0], Body: block.Body, DeclRange: block.DefRange}
			if prev, ok := executors[ex.Type]; ok {
				d.errorf(block.LabelRanges[0], "Duplicate executor block",
					"An executor of type %q is already declared at %s.", ex.Type, where(prev.DeclRange))
				continue
			}
			d.decodeExecutor(ex)
			executors[ex.Type] = ex
			cfg.Executors = append(cfg.Executors, ex)
		case "plugin":
			d.decodePlugin(block, cfg)
		case "task":
			if single(block) {
				d.decodeTask(block, &cfg.Task)
			}
		case "cascade", "judge", "novelty", "manager":
			if single(block) {
				research = append(research, block)
			}
		case "objective":
			objectives = append(objectives, block)
		case "prompts", "feedback", "stop", "audit":
			if single(block) {
				reach[block.Type] = block
			}
		}
	}
	if _, ok := first["campaign"]; !ok {
		d.errorf(body.MissingItemRange(), "Missing campaign block",
			"A campaign file needs one campaign block, such as:\n  campaign \"my-campaign\" {\n    task = \"circlepacking\"\n  }")
	}
	if roles != nil {
		d.decodeRoles(roles, cfg)
	}
	if cognition != nil {
		d.decodeCognition(cognition, cfg)
	}
	d.decodeResearch(research, cfg)
	d.decodeObjectives(objectives, cfg)
	d.decodePrompts(reach["prompts"], cfg)
	d.decodeFeedback(reach["feedback"], cfg)
	d.decodeStop(reach["stop"], cfg)
	d.decodeAudit(reach["audit"], cfg)
	d.checkSandboxExecutor(cfg)
	if !d.diags.HasErrors() { // a broken role reference would make this noise
		d.warnUnusedModels(cfg)
	}
}

func (d *decoder) decodeCampaign(block *hcl.Block, c *Campaign) {
	c.DeclRange = block.DefRange
	c.Name = block.Labels[0]
	if !campaignName.MatchString(c.Name) || c.Name == "." || c.Name == ".." {
		d.errorf(block.LabelRanges[0], "Invalid campaign name",
			"%q cannot name the campaign's directory: use letters, digits, '.', '_' and '-' only.", c.Name)
	}
	content, diags := block.Body.Content(campaignSchema)
	d.diags = append(d.diags, diags...)

	if task, attr, ok := d.string(content.Attributes, "task"); ok {
		c.TaskRange = attr.Expr.Range()
		if strings.TrimSpace(task) == "" {
			d.errorf(attr.Expr.Range(), "Missing task name", "\"task\" must name a task plugin, such as \"circlepacking\".")
		}
		c.Task = task
	} else if attr != nil {
		c.TaskRange = attr.Expr.Range()
	}
	d.count(content.Attributes, "workers", 1, &c.Workers)
	if seed, _, ok := d.integer(content.Attributes, "seed", -1<<63); ok {
		c.Seed = seed
	}
	if timeout, ok := d.duration(content.Attributes, "evaluation_timeout"); ok {
		c.EvaluationTimeout = timeout
	}
	d.count(content.Attributes, "max_infra_failures", 1, &c.MaxInfraFailures)
	var budget *hcl.Block
	for _, b := range content.Blocks {
		if budget != nil {
			d.errorf(b.DefRange, "Duplicate budget block",
				"Only one budget block is allowed; the first is at %s.", where(budget.DefRange))
			continue
		}
		budget = b
		d.decodeBudget(b, &c.Budget)
	}
}

func (d *decoder) decodeBudget(block *hcl.Block, b *Budget) {
	content, diags := block.Body.Content(budgetSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes

	d.count(attrs, "steps", 1, &b.Steps)
	if wall, ok := d.duration(attrs, "wall"); ok {
		b.Wall = wall
	}
	if tokens, _, ok := d.integer(attrs, "tokens", 1); ok {
		b.Tokens = tokens
	}
	if usd, attr, ok := d.number(attrs, "usd"); ok {
		if usd <= 0 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"usd\" must be more than zero; leave it out for no money limit.")
		} else {
			b.USD = usd
		}
	}
	if target, _, ok := d.number(attrs, "target"); ok {
		b.Target = &target
	}
}

// decodeModel decodes a model block into models.
func (d *decoder) decodeModel(block *hcl.Block, models map[string]*Model) {
	m := &Model{Label: block.Labels[0], Provider: defaultProvider, DeclRange: block.DefRange}
	if !hclsyntax.ValidIdentifier(m.Label) {
		d.errorf(block.LabelRanges[0], "Invalid model label",
			"%q cannot be referred to as model.<label>: a label starts with a letter and holds letters, digits, '_' and '-'.", m.Label)
	}
	if prev, ok := models[m.Label]; ok {
		d.errorf(block.LabelRanges[0], "Duplicate model block",
			"A model labeled %q is already declared at %s; each model needs its own label.", m.Label, where(prev.DeclRange))
	} else {
		models[m.Label] = m
	}

	content, diags := block.Body.Content(modelSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes

	providerAttr := block.DefRange
	if p, attr, ok := d.oneOf(attrs, "provider", "Unknown provider", providers); ok {
		m.Provider = p
		providerAttr = attr.Expr.Range()
	} else if attr != nil {
		m.Provider = "" // unknown: skip the checks that depend on it
	}
	m.BaseURL, _, _ = d.string(attrs, "base_url")
	if key, attr, ok := d.string(attrs, "api_key"); ok {
		m.APIKey = key
		if isLiteral(attr.Expr) && key != "" {
			d.warnf(attr.Expr.Range(), "API key written in the campaign file",
				"Anyone who reads this file can use the key. Read it from the environment instead: api_key = env(\"OPENAI_API_KEY\").")
		}
	}
	name, nameAttr, nameOK := d.string(attrs, "name")
	m.Name = name
	if t, attr, ok := d.number(attrs, "temperature"); ok {
		if t < 0 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"temperature\" must not be negative.")
		} else {
			m.Temperature = &t
		}
	}
	d.count(attrs, "max_tokens", 1, &m.MaxTokens)
	if timeout, ok := d.duration(attrs, "timeout"); ok {
		m.Timeout = timeout
	}
	for _, price := range []struct {
		name string
		dst  *float64
	}{{"price_input", &m.PriceInput}, {"price_output", &m.PriceOutput}} {
		if p, attr, ok := d.number(attrs, price.name); ok {
			if p < 0 {
				d.errorf(attr.Expr.Range(), "Value out of range", "%q must not be negative.", price.name)
			} else {
				*price.dst = p
			}
		}
	}
	if w, attr, ok := d.number(attrs, "weight"); ok {
		if w <= 0 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"weight\" must be more than zero.")
		} else {
			m.Weight = w
		}
	}
	if effort, _, ok := d.oneOf(attrs, "reasoning_effort", "Unknown reasoning effort", ReasoningEfforts); ok {
		m.ReasoningEffort = effort
	}
	m.Record, _, _ = d.string(attrs, "record")
	file, fileAttr, fileOK := d.string(attrs, "file")
	m.File = file

	// An empty value is as missing as an absent one (env of an unset
	// variable); report it where it was written.
	switch m.Provider {
	case ProviderOpenAI:
		const detail = "The openai provider needs the model name to send to the server, such as name = \"gpt-5-mini\"."
		if nameAttr == nil {
			d.errorf(block.DefRange, "Missing model name", detail)
		} else if nameOK && strings.TrimSpace(name) == "" {
			d.errorf(nameAttr.Expr.Range(), "Missing model name", detail+" This one is empty.")
		}
	case ProviderReplay:
		const detail = "The replay provider plays back recorded exchanges: set file to a file written by record, such as file = \"llm-calls.jsonl\"."
		if fileAttr == nil {
			d.errorf(providerAttr, "Missing replay file", detail)
		} else if fileOK && strings.TrimSpace(file) == "" {
			d.errorf(fileAttr.Expr.Range(), "Missing replay file", detail+" This one is empty.")
		}
	}
}

func (d *decoder) decodeRoles(block *hcl.Block, cfg *Config) {
	cfg.Roles.DeclRange = block.DefRange
	content, diags := block.Body.Content(rolesSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes

	if attr, ok := attrs["researcher"]; ok && !d.decodeResearchers(attr, cfg) {
		cfg.Roles.Researcher = d.modelRef(attr, cfg.Models)
	}
	if c, _, ok := d.oneOf(attrs, "researcher_choice", "Unknown researcher choice", ResearcherChoices); ok {
		cfg.Roles.ResearcherChoice = c
	}
	if attr, ok := attrs["analyzer"]; ok {
		cfg.Roles.Analyzer = d.modelRef(attr, cfg.Models)
	}
	d.count(attrs, "max_repairs", 0, &cfg.Roles.MaxRepairs)
}

// modelRef reads a role argument: a model.<label> reference, never a value.
func (d *decoder) modelRef(attr *hcl.Attribute, models map[string]*Model) string {
	label, ok := referencedModel(attr.Expr)
	if !ok {
		d.errorf(attr.Expr.Range(), "Invalid model reference",
			"The %s role takes a reference to a model block, such as model.main (no quotes). Leave the argument out to run the role offline.", attr.Name)
		return ""
	}
	if _, ok := models[label]; ok {
		return label
	}
	declared := make([]string, 0, len(models))
	for l := range models {
		declared = append(declared, l)
	}
	slices.Sort(declared)
	detail := fmt.Sprintf("No model block is labeled %q.", label)
	if len(declared) == 0 {
		detail += fmt.Sprintf(" The file declares no models; add model %q { ... } or leave the argument out to run offline.", label)
	} else {
		detail += " Declared models: " + quoteList(declared) + "." + didYouMean(label, declared)
	}
	d.errorf(attr.Expr.Range(), "Reference to undeclared model", "%s", detail)
	return ""
}

// referencedModel returns the label in model.<label> or model["<label>"].
func referencedModel(expr hcl.Expression) (string, bool) {
	trav, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() || len(trav) != 2 || trav.RootName() != "model" {
		return "", false
	}
	switch step := trav[1].(type) {
	case hcl.TraverseAttr:
		return step.Name, true
	case hcl.TraverseIndex:
		key := step.Key
		if key.IsKnown() && !key.IsNull() && key.Type() == cty.String && !key.IsMarked() {
			return key.AsString(), true
		}
	}
	return "", false
}

// warnUnusedModels flags models no role uses: without a role they are never
// called, which surprises anyone who declared one and expected it to run.
func (d *decoder) warnUnusedModels(cfg *Config) {
	labels := make([]string, 0, len(cfg.Models))
	for l := range cfg.Models {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		if slices.Contains(cfg.usedModels(), l) {
			continue
		}
		d.warnf(cfg.Models[l].DeclRange, "Model not used by any role",
			"No role refers to model %q, so it will not be called. Add researcher = model.%s to the roles block to use it.", l, l)
	}
}

func (d *decoder) decodeDatabase(block *hcl.Block, db *Database) {
	content, diags := block.Body.Content(databaseSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes

	if s, attr, ok := d.oneOf(attrs, "sampler", "Unknown sampler", samplers); ok {
		db.Sampler, db.SamplerRange = s, attr.Expr.Range()
	}
	d.count(attrs, "sample_n", 1, &db.SampleN)
	d.count(attrs, "islands", 1, &db.Islands)
	d.count(attrs, "migration_interval", 1, &db.MigrationInterval)
	d.count(attrs, "grid_bins", 1, &db.GridBins)
	if rate, attr, ok := d.number(attrs, "migration_rate"); ok {
		if rate <= 0 || rate > 1 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"migration_rate\" is the share of an island that migrates: more than 0 and at most 1.")
		} else {
			db.MigrationRate = rate
		}
	}
	if c, attr, ok := d.number(attrs, "exploration"); ok {
		if c < 0 {
			d.errorf(attr.Expr.Range(), "Value out of range", "\"exploration\" must not be negative.")
		} else {
			db.Exploration = c
		}
	}
}

func (d *decoder) decodeCognition(block *hcl.Block, cfg *Config) {
	c := &cfg.Cognition
	content, diags := block.Body.Content(cognitionSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes

	store, storeAttr, storeOK := d.oneOf(attrs, "store", "Unknown cognition store", stores)
	if storeOK {
		c.Store = store
	}
	if u, attr, ok := d.string(attrs, "url"); ok {
		if parsed, err := url.Parse(u); err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			d.errorf(attr.Expr.Range(), "Invalid url", "\"url\" must be an http or https address such as \"http://127.0.0.1:8080\".")
		} else {
			c.URL = u
		}
	}
	if seed, attr, ok := d.strings(attrs, "seed"); ok && d.validGlobs(attr, seed) {
		c.Seed = seed
	}
	d.count(attrs, "top_k", 1, &c.TopK)
	if s, _, ok := d.number(attrs, "min_score"); ok {
		c.MinScore = s
	}
	if attr, ok := attrs["embedder"]; ok {
		c.Embedder = d.modelRef(attr, cfg.Models)
	}
	d.count(attrs, "dimensions", 1, &c.Dimensions)
	if c.Embedder != "" && attrs["dimensions"] == nil {
		d.errorf(attrs["embedder"].Expr.Range(), "Missing embedding dimensions",
			"An embedding model needs the size of its vectors, such as dimensions = 768; the store checks every vector against it.")
	}
	if name, attr, ok := d.string(attrs, "collection"); ok {
		if !collectionName.MatchString(name) {
			d.errorf(attr.Expr.Range(), "Invalid collection name",
				"A Weaviate collection name starts with a capital letter and holds only letters, digits and _, such as \"CirclePacking\".")
		} else {
			c.Collection = name
		}
	}
	if v, attr, ok := d.value(attrs, "share_offline_insights", cty.Bool); ok {
		c.ShareOfflineInsights = v.True()
		if c.Store != StoreWeaviate {
			d.warnf(attr.Expr.Range(), "Setting has no effect",
				"share_offline_insights is for a weaviate store, which other campaigns read. The embedded base is this campaign's own: it keeps the offline analyzer's insights, tagged \"offline\".")
		}
	}
	if storeOK && c.Store == StoreWeaviate && attrs["url"] == nil {
		d.errorf(storeAttr.Expr.Range(), "Missing weaviate url",
			"The weaviate store needs the server's address, such as url = \"http://127.0.0.1:8080\".")
	}
}

func (d *decoder) decodeSandbox(block *hcl.Block, s *Sandbox) {
	content, diags := block.Body.Content(sandboxSchema)
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes

	if mem, ok := d.byteSize(attrs, "memory", minSandboxMemory, maxSandboxMemory); ok {
		s.Memory = mem
	}
	if timeout, ok := d.duration(attrs, "timeout"); ok {
		s.Timeout = timeout
	}
	if limit, ok := d.byteSize(attrs, "output_limit", 1, 1<<31-1); ok {
		s.OutputLimit = int(limit)
	}
	if name, attr, ok := d.string(attrs, "executor"); ok {
		s.Executor, s.ExecutorRange = name, attr.Expr.Range()
		if name == "" {
			d.errorf(attr.Expr.Range(), "Missing sandbox executor",
				"\"executor\" names the executor block that runs sandbox runs, such as \"slurm\"; leave it out to run them on this machine.")
		}
	}
}

// checkSandboxExecutor checks, once every block is read, that the
// sandbox's executor is a type that can run sandbox jobs and that the
// campaign declares a block of it: its settings are the jobs'.
func (d *decoder) checkSandboxExecutor(cfg *Config) {
	s := cfg.Sandbox
	if s.Executor == "" {
		return
	}
	if !slices.Contains(SandboxExecutors, s.Executor) {
		d.errorf(s.ExecutorRange, "Unsupported sandbox executor",
			"Sandbox runs can go to a %s executor only, not %q: a cluster whose nodes run this asi binary on each program. Leave executor out to run them on this machine.",
			strings.Join(SandboxExecutors, " or "), s.Executor)
		return
	}
	for _, ex := range cfg.Executors {
		if ex.Type == s.Executor {
			return
		}
	}
	d.errorf(s.ExecutorRange, "Undeclared sandbox executor",
		"The sandbox runs on the %[1]s executor, but the campaign declares no executor %[1]q block; add one (sandbox runs use its settings, in a \"sandbox\" subdirectory of its shared_dir).",
		s.Executor)
}

// where names a range's file and line for a detail text.
func where(r hcl.Range) string {
	return fmt.Sprintf("%s line %d", r.Filename, r.Start.Line)
}

// isLiteral reports whether expr is written out in the file rather than
// computed (env, functions), so a literal secret can be warned about.
func isLiteral(expr hcl.Expression) bool {
	switch e := expr.(type) {
	case *hclsyntax.LiteralValueExpr:
		return true
	case *hclsyntax.TemplateExpr:
		for _, part := range e.Parts {
			if !isLiteral(part) {
				return false
			}
		}
		return true
	case *hclsyntax.TemplateWrapExpr:
		return isLiteral(e.Wrapped)
	}
	return false
}

// isEnvLookup reports whether expr is env("NAME") with a literal name: safe
// to show, since it names the secret without holding it.
func isEnvLookup(expr hcl.Expression) bool {
	call, ok := expr.(*hclsyntax.FunctionCallExpr)
	return ok && call.Name == "env" && len(call.Args) == 1 && !call.ExpandFinal && isLiteral(call.Args[0])
}
