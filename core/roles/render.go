package roles

import (
	"slices"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/task"
)

// The researcher's and the analyzer's prompts are written in plain Go, not
// text/template: they are built every step, with kilobytes of code per
// node, and executing a template by reflection cost more than the rest of
// the step's own work. Each function writes its prompt in reading order.

const fence = "```"

// researcherText is the researcher prompt of ResearcherPrompt; files are
// the parent's files when it is a program of several.
func researcherText(desc task.Description, nodes []Node, cognition []string, files []programFile) string {
	var b strings.Builder
	b.Grow(researcherSize(desc, nodes, cognition, files))
	write(&b, ResearcherFraming, "\n\n# Task: ", desc.Name, "\n", desc.Statement, "\n\n",
		"The primary metric is `", desc.Primary, "` (", string(desc.Direction), ").")
	if len(cognition) > 0 {
		b.WriteString("\n\n# What is known (cognition base)\n")
		for i, c := range cognition {
			write(&b, strconv.Itoa(i+1), ". ", c, "\n")
		}
	}
	b.WriteString("\n\n# Context programs\n")
	for i, n := range nodes {
		role := "Reference"
		if i == 0 {
			role = "Parent"
		}
		write(&b, "\n## ", role, " node ", strconv.FormatInt(n.ID, 10), ": ", n.Name)
		if n.Valid {
			write(&b, "\n", desc.Primary, " = ")
			writeScore(&b, n.Score)
		} else {
			b.WriteString("\n(failed evaluation)")
		}
		writeMetrics(&b, n.Metrics)
		if n.Motivation != "" {
			write(&b, "\nMotivation: ", n.Motivation)
		}
		if n.Analysis != "" {
			write(&b, "\nAnalysis: ", n.Analysis)
		}
		write(&b, "\n", fence, desc.Language, "\n", n.Code, "\n", fence)
		for _, o := range n.Outputs {
			write(&b, "\n", o.Label, ":\n", fence, "\n", o.Text, "\n", fence)
		}
		b.WriteString("\n")
	}

	b.WriteString("\n# Your answer\n" +
		"Propose one improvement of the parent program. Only text between the\n" +
		"EVOLVE-BLOCK-START and EVOLVE-BLOCK-END markers may change.")
	if len(files) > 0 {
		write(&b, "\nThe program is ", strconv.Itoa(len(files)), " files, each beginning with its own line `=== file: PATH ===`:\n")
		for _, f := range files {
			access := " (no EVOLVE region: read only)"
			if f.Editable {
				access = " (has EVOLVE regions: you may change it)"
			}
			write(&b, "- ", f.Path, access, "\n")
		}
		b.WriteString("Header lines never change. Put a line `File: PATH` just before each\n" +
			"<<<<<<< SEARCH to name the file that block edits.")
	}
	b.WriteString(" Answer in exactly this form:\n" +
		"\n" +
		"<name>short-kebab-name</name>\n" +
		"<motivation>what you change and why you expect it to help</motivation>\n" +
		"<diff>\n")
	if len(files) > 0 {
		write(&b, "File: ", editablePath(files), "\n")
	}
	b.WriteString("<<<<<<< SEARCH\n" +
		"lines copied exactly from the parent\n" +
		"=======\n" +
		"the new lines\n" +
		">>>>>>> REPLACE\n" +
		"</diff>\n" +
		"\n" +
		"You may give several SEARCH/REPLACE blocks. If the change is large, give the\n" +
		"whole new program in <program>...</program> instead of <diff>.")
	if len(files) > 0 {
		write(&b, " It holds all\n", strconv.Itoa(len(files)), " files, in the order above, each beginning with its header line.")
	}
	b.WriteString("\n")
	return b.String()
}

// editablePath is the first file that may change, for the example edit.
func editablePath(files []programFile) string {
	for _, f := range files {
		if f.Editable {
			return f.Path
		}
	}
	return ""
}

// analyzerText is the analyzer prompt of LLMAnalyzer.Request.
func analyzerText(desc task.Description, node Node, best *Node) string {
	var b strings.Builder
	b.Grow(analyzerSize(desc, node, best))
	write(&b, "You are the analyzer of an automated research campaign. Explain what an experiment showed.\n",
		"\n",
		"# Task: ", desc.Name, " (primary metric `", desc.Primary, "`, ", string(desc.Direction), ")\n",
		"\n",
		"# The experiment: node ", strconv.FormatInt(node.ID, 10), ` "`, node.Name, "\"\n",
		"Motivation: ", node.Motivation, "\n",
		"Result: ")
	if node.Valid {
		write(&b, desc.Primary, " = ")
		writeScore(&b, node.Score)
	} else {
		b.WriteString("failed")
	}
	writeMetrics(&b, node.Metrics)
	if node.Feedback != "" {
		write(&b, "\nEvaluator feedback:\n", node.Feedback)
	}
	write(&b, "\n", fence, desc.Language, "\n", node.Code, "\n", fence, "\n")
	if best != nil {
		write(&b, "\n# The best context node ", strconv.FormatInt(best.ID, 10), ` "`, best.Name, `": `, desc.Primary, " = ")
		writeScore(&b, best.Score)
		write(&b, "\n", fence, desc.Language, "\n", best.Code, "\n", fence, "\n")
	}
	b.WriteString("\n" +
		"Write at most 150 words: what worked or failed and why, what to try next,\n" +
		"and one reusable insight on a line starting with \"Insight:\".\n")
	return b.String()
}

// writeMetrics writes "\nMetrics: name=value ..." in name order, nothing
// for no metrics.
func writeMetrics(b *strings.Builder, metrics map[string]float64) {
	if len(metrics) == 0 {
		return
	}
	names := make([]string, 0, len(metrics))
	for name := range metrics {
		names = append(names, name)
	}
	slices.Sort(names)
	b.WriteString("\nMetrics:")
	for _, name := range names {
		write(b, " ", name, "=")
		writeScore(b, metrics[name])
	}
}

// writeScore writes v as fmt's "%.6g" does, without its reflection:
// strconv writes the same digits, and "+Inf" and "NaN" alike.
func writeScore(b *strings.Builder, v float64) {
	var buf [32]byte
	b.Write(strconv.AppendFloat(buf[:0], v, 'g', 6, 64))
}

// write writes parts in turn.
func write(b *strings.Builder, parts ...string) {
	for _, p := range parts {
		b.WriteString(p)
	}
}

// Size estimates, in bytes: the texts a prompt copies, plus room for its
// fixed lines and numbers, so that a prompt is written without growing
// its buffer.
const (
	researcherFixed = 1400 // the framing, headings and the answer form
	nodeFixed       = 120  // a node's heading, score and fences
	itemFixed       = 40   // a metric's, an output's or a file's own text
)

func researcherSize(desc task.Description, nodes []Node, cognition []string, files []programFile) int {
	n := researcherFixed + len(desc.Name) + len(desc.Statement) + len(desc.Primary)
	for _, c := range cognition {
		n += len(c) + itemFixed
	}
	for _, node := range nodes {
		n += nodeFixed + len(node.Name) + len(desc.Primary) + len(node.Motivation) + len(node.Analysis) + len(desc.Language) + len(node.Code)
		for name := range node.Metrics {
			n += len(name) + itemFixed
		}
		for _, o := range node.Outputs {
			n += len(o.Label) + len(o.Text) + itemFixed
		}
	}
	for _, f := range files {
		n += 2*len(f.Path) + itemFixed // its line, and the example's File line
	}
	return n
}

func analyzerSize(desc task.Description, node Node, best *Node) int {
	const fixed = 400 // the framing, headings and the closing request
	n := fixed + len(desc.Name) + 2*len(desc.Primary) + len(node.Name) + len(node.Motivation) + len(node.Feedback) + len(desc.Language) + len(node.Code)
	for name := range node.Metrics {
		n += len(name) + itemFixed
	}
	if best != nil {
		n += nodeFixed + len(best.Name) + len(desc.Primary) + len(desc.Language) + len(best.Code)
	}
	return n
}
