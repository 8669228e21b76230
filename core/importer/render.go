package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// hclString quotes s for HCL, using only the escapes HCL knows (\n, \r,
// \t, \", \\ and \uNNNN; Go's \a, \f, \v and \xNN are not HCL), with
// HCL's template sequences "${" and "%{" escaped so text is never read as
// an expression. Bytes that are not UTF-8 become U+FFFD.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || !unicode.IsPrint(r) && r <= 0xFFFF:
			fmt.Fprintf(&b, `\u%04X`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	q := strings.ReplaceAll(b.String(), "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// render writes the campaign file.
func (f *folder) render(kind string, opts Options) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	notes := func(section string) {
		for _, n := range f.notes[section] {
			w("  # not imported: %s\n", n)
		}
	}
	w("# Written by `asi import %s` from this folder's files; asi runs its\n", kind)
	w("# evaluator unchanged through the script task. Run it with:\n#\n#   asi apply %s\n#\n", "campaign.hcl")
	if len(f.models) > 0 && opts.Offline {
		w("# The folder's models are below, commented out: until they are back,\n# every role is asi's offline operator (no key, no network).\n")
	} else if len(f.models) == 0 {
		w("# No models were configured: every role is asi's offline operator.\n")
	}
	for _, n := range f.notes[""] {
		w("# not imported: %s\n", n)
	}
	w("\ncampaign %s {\n", hclString(f.name))
	w("  task    = \"script\"\n")
	w("  workers = %d\n", max(f.workers, 1))
	if f.seed != nil {
		w("  seed    = %d\n", *f.seed)
	}
	w("\n  budget {\n")
	if f.steps > 0 {
		w("    steps = %d\n", f.steps)
	} else {
		w("    steps = 100 # the folder set no limit\n")
	}
	w("  }\n}\n\n")

	w("task {\n")
	w("  contract  = %s\n", hclString(f.contract))
	w("  evaluator = %s\n", hclString(f.evaluator))
	w("  initial   = %s\n", hclString(f.initial))
	if f.timeout > 0 {
		w("  timeout   = \"%ds\"\n", f.timeout)
	}
	if len(f.thresholds) > 0 {
		var parts []string
		for _, t := range f.thresholds {
			parts = append(parts, strconv.FormatFloat(t, 'g', -1, 64))
		}
		w("  thresholds = [%s] # after each evaluate_stageN, the combined_score needed to go on\n", strings.Join(parts, ", "))
	}
	if f.statement != "" {
		w("  statement = %s\n", hclString(strings.TrimSpace(f.statement)))
	}
	notes("evaluator")
	notes("prompt")
	w("}\n\n")

	f.renderDatabase(w, notes)
	f.renderModels(w, notes, opts)
	if len(f.notes["novelty"]) > 0 {
		w("# novelty {\n#   # asi sends back repeats of stored programs; uncomment to turn it on.\n# }\n")
		for _, n := range f.notes["novelty"] {
			w("# not imported: %s\n", n)
		}
		w("\n")
	}

	w("# Each evaluation is a job here: a jail with no network and its own /tmp;\n")
	w("# the evaluator and the program it imports may write only their folder.\n")
	w("executor \"local\" {\n  slots = %d\n}\n", max(f.workers, 1))
	return b.String()
}

func (f *folder) renderDatabase(w func(string, ...any), notes func(string)) {
	if f.islands <= 1 && f.sampleN == 0 && f.sampler == "" && len(f.notes["database"]) == 0 {
		return
	}
	w("database {\n")
	switch {
	case f.islands > 1:
		w("  sampler  = \"island\"\n  islands  = %d\n", f.islands)
		if f.migration > 0 {
			w("  migration_interval = %d\n", f.migration)
		}
		if f.rate > 0 && f.rate <= 1 {
			w("  migration_rate = %s\n", strconv.FormatFloat(f.rate, 'g', -1, 64))
		}
	case f.sampler != "":
		w("  sampler  = %s\n", hclString(f.sampler))
	}
	if f.sampleN > 0 {
		w("  sample_n = %d\n", f.sampleN)
	}
	notes("database")
	w("}\n\n")
}

func (f *folder) renderModels(w func(string, ...any), notes func(string), opts Options) {
	if len(f.models) == 0 {
		return
	}
	prefix := ""
	if opts.Offline {
		prefix = "# "
	}
	line := func(format string, args ...any) { w(prefix+format, args...) }
	var labels []string
	seen := map[string]bool{}
	for _, m := range f.models {
		label := modelLabel(m.name)
		for seen[label] {
			label += "_"
		}
		seen[label] = true
		labels = append(labels, "model."+label)
		line("model %s {\n", hclString(label))
		line("  provider = \"openai\"\n")
		if f.baseURL != "" {
			line("  base_url = %s\n", hclString(f.baseURL))
		} else {
			line("  base_url = env(\"OPENAI_BASE_URL\")\n")
		}
		line("  api_key  = env(\"OPENAI_API_KEY\")\n")
		line("  name     = %s\n", hclString(m.name))
		if len(f.models) > 1 {
			line("  weight   = %s\n", strconv.FormatFloat(m.weight, 'g', -1, 64))
		}
		if m.temperature != nil {
			line("  temperature = %s\n", strconv.FormatFloat(*m.temperature, 'g', -1, 64))
		}
		if m.maxTokens > 0 {
			line("  max_tokens  = %d\n", m.maxTokens)
		}
		line("}\n")
		w("\n")
	}
	line("roles {\n")
	if len(labels) == 1 {
		line("  researcher = %s\n", labels[0])
	} else {
		line("  researcher = [%s]\n", strings.Join(labels, ", "))
		if f.choice != "" {
			line("  researcher_choice = %s\n", hclString(f.choice))
		}
	}
	line("  analyzer   = %s\n", labels[0])
	line("}\n")
	for _, n := range append(f.notes["llm"], f.notes["roles"]...) {
		w("# not imported: %s\n", n)
	}
	w("\n")
}
