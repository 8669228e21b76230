package campaign

import (
	"math"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Research holds the settings of the machinery around the LLM calls:
// cascade thresholds, the judge, the novelty check and the manager. Every
// piece is off unless its block is in the file (repairs are set in roles).
type Research struct {
	// Thresholds override the task's stage thresholds, by stage name
	// (cascade { thresholds = { quick = 0.5 } }).
	Thresholds map[string]float64
	Judge      Judge
	Novelty    Novelty
	Manager    Manager
}

// Judge is the judge block: a model that scores each valid candidate's
// design with a rubric, blended into the fitness the sampler sees.
type Judge struct {
	Enabled bool
	Model   string  // model label; required
	Weight  float64 // in [0, 1]; default 0.2
	Rubric  string  // "" uses the built-in rubric (novelty, soundness, complexity)
}

// Novelty is the novelty block: a candidate that repeats a stored node goes
// back to the researcher once. A repeat is the same program once comments
// and spacing are set aside; when Threshold is set, a program whose code
// embedding is within Threshold of a stored node's is one too.
type Novelty struct {
	Enabled   bool
	Threshold float64 // cosine similarity in (0, 1]; 0 (the default) compares programs only
	Confirm   string  // model label asked to confirm a twin; "" trusts the check
}

// Manager is the manager block: a model that rewrites the researcher's and
// analyzer's guidance from the task statement once per campaign, and every
// Every steps writes meta-recommendations from recent analyses.
type Manager struct {
	Enabled bool
	Model   string // model label; required
	Every   int    // steps between recommendations; default 10, 0 never
}

const (
	defaultJudgeWeight  = 0.2
	defaultManagerEvery = 10
)

// ResearcherChoices are the ways a list of researcher models is chosen from.
var ResearcherChoices = []string{"weights", "ucb"}

var cascadeSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "thresholds"}}}

var judgeSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "model", Required: true}, {Name: "weight"}, {Name: "rubric"},
}}

var noveltySchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "threshold"}, {Name: "confirm"}}}

var managerSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "model", Required: true}, {Name: "every"}}}

// decodeResearch decodes the cascade, judge, novelty and manager blocks;
// models are decoded by then.
func (d *decoder) decodeResearch(blocks []*hcl.Block, cfg *Config) {
	r := &cfg.Research
	for _, block := range blocks {
		switch block.Type {
		case "cascade":
			content, diags := block.Body.Content(cascadeSchema)
			d.diags = append(d.diags, diags...)
			if val, attr, ok := d.value(content.Attributes, "thresholds", cty.Map(cty.Number)); ok {
				r.Thresholds = map[string]float64{}
				for it := val.ElementIterator(); it.Next(); {
					k, v := it.Element()
					if v.IsNull() {
						d.errorf(attr.Expr.Range(), "Incorrect attribute value type", "Each threshold must be a number.")
						continue
					}
					f, _ := v.AsBigFloat().Float64()
					if math.IsInf(f, 0) || math.IsNaN(f) {
						d.errorf(attr.Expr.Range(), "Value out of range", "The threshold of stage %q must be a finite number.", k.AsString())
						continue
					}
					r.Thresholds[k.AsString()] = f
				}
			}
		case "judge":
			content, diags := block.Body.Content(judgeSchema)
			d.diags = append(d.diags, diags...)
			r.Judge = Judge{Enabled: true, Weight: defaultJudgeWeight}
			if attr, ok := content.Attributes["model"]; ok {
				r.Judge.Model = d.modelRef(attr, cfg.Models)
			}
			if w, attr, ok := d.number(content.Attributes, "weight"); ok {
				if w < 0 || w > 1 {
					d.errorf(attr.Expr.Range(), "Value out of range", "\"weight\" must be between 0 and 1.")
				} else {
					r.Judge.Weight = w
				}
			}
			r.Judge.Rubric, _, _ = d.string(content.Attributes, "rubric")
		case "novelty":
			content, diags := block.Body.Content(noveltySchema)
			d.diags = append(d.diags, diags...)
			r.Novelty = Novelty{Enabled: true}
			if t, attr, ok := d.number(content.Attributes, "threshold"); ok {
				if t <= 0 || t > 1 {
					d.errorf(attr.Expr.Range(), "Value out of range", "\"threshold\" is a cosine similarity: more than 0, at most 1.")
				} else {
					r.Novelty.Threshold = t
				}
			}
			if attr, ok := content.Attributes["confirm"]; ok {
				r.Novelty.Confirm = d.modelRef(attr, cfg.Models)
			}
		case "manager":
			content, diags := block.Body.Content(managerSchema)
			d.diags = append(d.diags, diags...)
			r.Manager = Manager{Enabled: true, Every: defaultManagerEvery}
			if attr, ok := content.Attributes["model"]; ok {
				r.Manager.Model = d.modelRef(attr, cfg.Models)
			}
			d.count(content.Attributes, "every", 0, &r.Manager.Every)
		}
	}
}

// decodeResearchers reads roles.researcher when it is a list of model
// references, [model.a, model.b]; it reports whether it was one.
func (d *decoder) decodeResearchers(attr *hcl.Attribute, cfg *Config) bool {
	tuple, ok := attr.Expr.(*hclsyntax.TupleConsExpr)
	if !ok {
		return false
	}
	if len(tuple.Exprs) == 0 {
		d.errorf(attr.Expr.Range(), "Empty researcher list", "List at least one model, such as [model.main, model.cheap], or leave researcher out to run offline.")
		return true
	}
	for _, expr := range tuple.Exprs {
		label := d.modelRef(&hcl.Attribute{Name: attr.Name, Expr: expr, Range: expr.Range()}, cfg.Models)
		if label == "" {
			continue
		}
		if slices.Contains(cfg.Roles.Researchers, label) {
			d.errorf(expr.Range(), "Duplicate researcher model", "model.%s is listed twice.", label)
			continue
		}
		cfg.Roles.Researchers = append(cfg.Roles.Researchers, label)
	}
	if len(cfg.Roles.Researchers) > 0 {
		cfg.Roles.Researcher = cfg.Roles.Researchers[0]
	}
	return true
}

// usedModels are the labels some role or setting refers to.
func (cfg *Config) usedModels() []string {
	used := append([]string{cfg.Roles.Researcher, cfg.Roles.Analyzer, cfg.Cognition.Embedder,
		cfg.Research.Judge.Model, cfg.Research.Novelty.Confirm, cfg.Research.Manager.Model, cfg.Prompts.Model, cfg.Audit.Judge, cfg.Audit.Adversary}, cfg.Roles.Researchers...)
	return used
}
