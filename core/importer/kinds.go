package importer

import (
	"fmt"
	"path/filepath"
	"slices"
)

// readOpenEvolve reads initial_program.py, evaluator.py and config.yaml.
func readOpenEvolve(dir string) (folder, error) {
	f := folder{contract: OpenEvolve, evaluator: "evaluator.py", initial: "initial_program.py"}
	for _, n := range []string{f.evaluator, f.initial} {
		if err := need(dir, n, "OpenEvolve"); err != nil {
			return f, err
		}
	}
	cfg, _, err := readYAML(dir, "config.yaml", "config.yml")
	if err != nil || cfg == nil {
		return f, err
	}
	for _, key := range sortedKeys(cfg) {
		v := cfg[key]
		switch key {
		case "max_iterations":
			f.steps, _ = asInt(v)
		case "random_seed":
			if n, ok := asInt(v); ok {
				f.seed = &n
			}
		case "llm":
			f.readLLM(v)
		case "prompt":
			f.readSection("prompt", v, map[string]func(any){
				"system_message":   func(v any) { f.statement, _ = asString(v) },
				"num_top_programs": func(v any) { f.sampleN, _ = asInt(v) },
			})
		case "database":
			f.readSection("database", v, map[string]func(any){
				"num_islands":        func(v any) { f.islands, _ = asInt(v) },
				"migration_interval": func(v any) { f.migration, _ = asInt(v) },
				"migration_rate":     func(v any) { f.rate, _ = asFloat(v) },
				"population_size": func(v any) {
					f.note("database", "population_size", v, "asi keeps every node; samplers choose among them")
				},
				"archive_size": func(v any) { f.note("database", "archive_size", v, "asi keeps every node; samplers choose among them") },
			})
		case "evaluator":
			f.readSection("evaluator", v, map[string]func(any){
				"timeout":              func(v any) { f.timeout, _ = asInt(v) },
				"cascade_thresholds":   func(v any) { f.thresholds = floats(v) },
				"parallel_evaluations": func(v any) { f.workers, _ = asInt(v) },
				"cascade_evaluation": func(v any) {
					if b, ok := v.(bool); ok && !b {
						f.note("evaluator", "cascade_evaluation", v, "asi runs the stages the evaluator defines; leave out evaluate_stage1..3 for one stage")
					}
				},
			})
		default:
			f.note("", key, v, "no counterpart in asi")
		}
	}
	return f, nil
}

// readLLM reads OpenEvolve's llm section.
func (f *folder) readLLM(v any) {
	var temperature *float64
	maxTokens := 0
	f.readSection("llm", v, map[string]func(any){
		"api_base": func(v any) { f.baseURL, _ = asString(v) },
		"temperature": func(v any) {
			if t, ok := asFloat(v); ok {
				temperature = &t
			}
		},
		"max_tokens": func(v any) { maxTokens, _ = asInt(v) },
		"models": func(v any) {
			list, _ := v.([]any)
			for _, item := range list {
				m, _ := item.(map[string]any)
				name, _ := asString(m["name"])
				if name == "" {
					continue
				}
				w, ok := asFloat(m["weight"])
				if !ok || w <= 0 {
					w = 1
				}
				f.models = append(f.models, model{name: name, weight: w})
			}
		},
		"evaluator_models": func(v any) {
			f.note("llm", "evaluator_models", short(v), "the LLM judge is its own block in asi (judge { model = ... })")
		},
	})
	for i := range f.models {
		f.models[i].temperature, f.models[i].maxTokens = temperature, maxTokens
	}
}

// readSection hands each key of a section to its reader and notes the
// others.
func (f *folder) readSection(section string, v any, readers map[string]func(any)) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for _, key := range sortedKeys(m) {
		if read, ok := readers[key]; ok {
			read(m[key])
			continue
		}
		f.note(section, section+"."+key, m[key], "no counterpart in asi")
	}
}

func floats(v any) []float64 {
	list, _ := v.([]any)
	var out []float64
	for _, x := range list {
		if n, ok := asFloat(x); ok {
			out = append(out, n)
		}
	}
	return out
}

// readShinka reads initial.<ext>, evaluate.py and an optional shinka.yaml
// (EvolutionConfig under evo_config, DatabaseConfig under db_config, or
// both flat).
func readShinka(dir string) (folder, error) {
	f := folder{contract: Shinka, evaluator: "evaluate.py"}
	if err := need(dir, f.evaluator, "ShinkaEvolve"); err != nil {
		return f, err
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "initial.*"))
	if len(matches) != 1 {
		return f, fmt.Errorf("%s: want one initial.<ext> program, found %d: %w", dir, len(matches), ErrNotAFolder)
	}
	f.initial = filepath.Base(matches[0])
	cfg, _, err := readYAML(dir, "shinka.yaml", "shinka.yml", "config.yaml")
	if err != nil || cfg == nil {
		return f, err
	}
	sections := []map[string]any{cfg} // flat: every key at the top
	evo, hasEvo := cfg["evo_config"].(map[string]any)
	db, hasDB := cfg["db_config"].(map[string]any)
	if hasEvo || hasDB {
		sections = []map[string]any{evo, db}
		for _, key := range sortedKeys(cfg) {
			if key != "evo_config" && key != "db_config" {
				f.note("", key, cfg[key], "no counterpart in asi")
			}
		}
	}
	for _, sec := range sections {
		for _, key := range sortedKeys(sec) {
			f.readShinkaKey(key, sec[key])
		}
	}
	return f, nil
}

func (f *folder) readShinkaKey(key string, v any) {
	switch key {
	case "num_generations":
		f.steps, _ = asInt(v)
	case "max_parallel_jobs":
		f.workers, _ = asInt(v)
	case "llm_models":
		list, _ := v.([]any)
		for _, x := range list {
			if name, ok := asString(x); ok {
				f.models = append(f.models, model{name: name, weight: 1})
			}
		}
	case "llm_dynamic_selection":
		if s, _ := asString(v); s == "ucb" || s == "ucb1" {
			f.choice = "ucb"
		} else if v != nil {
			f.note("roles", key, v, `asi chooses among researchers by "weights" or "ucb"`)
		}
	case "task_sys_msg":
		f.statement, _ = asString(v)
	case "num_islands":
		f.islands, _ = asInt(v)
	case "migration_interval":
		f.migration, _ = asInt(v)
	case "migration_rate":
		f.rate, _ = asFloat(v)
	case "language":
		// Taken from the program's extension.
	case "patch_types":
		f.note("roles", key, v, "asi's researcher answers with SEARCH/REPLACE edits or a whole program, as it sees fit")
	case "embedding_model", "code_embed_sim_threshold":
		f.note("novelty", key, v, "asi's novelty block sends back repeats; its embedding threshold is novelty { threshold = ... }")
	case "archive_size":
		f.note("database", key, v, "asi keeps every node; samplers choose among them")
	default:
		f.note("", key, v, "no counterpart in asi")
	}
}

// readASIEvolve reads eval.sh, the program it scores (the one file with
// an EVOLVE block) and an optional config.yaml.
func readASIEvolve(dir string) (folder, error) {
	f := folder{contract: ASIEvolve, evaluator: "eval.sh"}
	if err := need(dir, f.evaluator, "ASI-Evolve"); err != nil {
		return f, err
	}
	prog, err := findProgram(dir, "eval.sh", "campaign.hcl")
	if err != nil {
		return f, err
	}
	f.initial = prog
	cfg, _, err := readYAML(dir, "config.yaml", "config.yml")
	if err != nil || cfg == nil {
		return f, err
	}
	for _, key := range sortedKeys(cfg) {
		v := cfg[key]
		switch key {
		case "experiment_name":
			f.name, _ = asString(v)
		case "max_steps", "steps":
			f.steps, _ = asInt(v)
		case "sample_n":
			f.sampleN, _ = asInt(v)
		case "sampler":
			if s, _ := asString(v); slices.Contains([]string{"ucb1", "greedy", "random", "island"}, s) {
				f.sampler = s
			} else {
				f.note("database", key, v, "asi's samplers are ucb1, greedy, random, island and map_elites")
			}
		case "eval_timeout", "timeout":
			f.timeout, _ = asInt(v)
		case "workers", "num_workers":
			f.workers, _ = asInt(v)
		case "seed":
			if n, ok := asInt(v); ok {
				f.seed = &n
			}
		default:
			f.note("", key, v, "no counterpart in asi")
		}
	}
	return f, nil
}
