package redteam

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/core/diffs"
)

// Constants of the generic attacks.
const (
	// hugeValue is finite, so a task that refuses only NaN and infinities
	// lets it through.
	hugeValue = 1e300
	// claimedScore is what a self-reporting program says it scored: huge
	// but finite, so it survives a check for finite metrics.
	claimedScore = 1e12
	// impossibleFactor makes every number of a right-shaped output
	// impossible.
	impossibleFactor = 10
)

// planned is an attack and, for output attacks, the plan its program
// delivers.
type planned struct {
	attack Attack
	plan   Plan // nil for the text attacks
}

// delivery turns a plan into a program of the target's language.
type delivery interface {
	program(p Plan) (string, error)
	// shape is where the output's numbers and items are.
	shape() shape
	// describe says how the changed output reaches the evaluator.
	describe() string
}

// printed delivers a changed output as a program that prints it.
type printed struct {
	language string
	out      output
	sh       shape
	// host, when set, is the honest Python program whose editable region
	// begins at the top level: the printing goes at its start, so that a
	// task which checks the code outside the region still runs it.
	host string
}

func (d printed) program(p Plan) (string, error) {
	v, err := p.Apply(d.out.value)
	if err != nil {
		return "", err
	}
	text := d.out.render(v)
	if d.host != "" {
		return insertInRegion(d.host, "import sys as _asi_sys\n_asi_sys.stdout.write("+pythonString(text)+")\n_asi_sys.stdout.flush()\nraise SystemExit(0)\n"), nil
	}
	return printProgram(d.language, text)
}

func (d printed) shape() shape { return d.sh }
func (d printed) describe() string {
	if d.host != "" {
		return "the honest program printing the changed output from its editable region, and stopping"
	}
	return "a " + d.language + " program that prints the changed output"
}

// topLevelRegion matches the line that starts an editable region at the
// top level of a Python program.
var topLevelRegion = regexp.MustCompile(`(?m)^#[^\n]*` + diffs.StartMarker + `[^\n]*\n`)

// insertInRegion puts code at the start of program's first editable
// region; program must have one at the top level.
func insertInRegion(program, code string) string {
	loc := topLevelRegion.FindStringIndex(program)
	return program[:loc[1]] + code + program[loc[1]:]
}

// wrapped delivers a changed output as the honest Python program whose
// functions return it changed.
type wrapped struct {
	honest string
	sh     shape
}

func (d wrapped) program(p Plan) (string, error) { return wrapPython(d.honest, p, false) }
func (d wrapped) shape() shape                   { return d.sh }
func (d wrapped) describe() string {
	return "the honest program, its functions' return values changed"
}

// printers are the languages a printed output can be delivered in.
var printers = map[string]func(text string) string{
	"python": func(text string) string {
		return "import sys\nsys.stdout.write(" + pythonString(text) + ")\n"
	},
	"go": func(text string) string {
		return "package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Stdout.WriteString(" + strconv.Quote(text) + ")\n}\n"
	},
	"c": func(text string) string {
		return "#include <stdio.h>\n\nint main(void) {\n\tfputs(" + cString(text) + ", stdout);\n\treturn 0;\n}\n"
	},
	"javascript": func(text string) string {
		lit, _ := json.Marshal(strings.TrimSuffix(text, "\n"))
		if text == "" {
			return "// prints nothing\n"
		}
		return "console.log(" + string(lit) + ");\n"
	},
}

// printProgram is a program in language that prints text and nothing else.
func printProgram(language, text string) (string, error) {
	p, ok := printers[language]
	if !ok {
		return "", fmt.Errorf("no printer for %s programs", language)
	}
	return p(text), nil
}

// cString quotes s as a C string literal.
func cString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20 || c >= 0x7f || c == '?':
			fmt.Fprintf(&b, "\\%03o", c) // octal: never runs into the next character
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// deliveryFor picks how output attacks reach t's evaluator: printed when
// the task keeps what the program printed, wrapped for Python programs an
// evaluator imports. probed is a wrapped program's return value when a
// shape probe saw it (nil when not). With no way, it returns nil and a
// note that says why.
func deliveryFor(t Target, probed any) (delivery, string) {
	if stdout := t.Honest.Artifacts["stdout"]; len(stdout) > 0 {
		if _, ok := printers[t.Language]; !ok {
			return nil, fmt.Sprintf("no output attacks: the task keeps what the program prints, but the audit cannot write a %s program that prints it", t.Language)
		}
		out := parseOutput(string(stdout))
		d := printed{language: t.Language, out: out, sh: shapeOf(out.value)}
		if t.Language == "python" && topLevelRegion.MatchString(t.Program) {
			d.host = t.Program
		}
		return d, ""
	}
	if t.Language == "python" {
		sh := shape{lists: []string{"$"}, scale: 1}
		if probed != nil {
			sh = shapeOf(probed)
		}
		return wrapped{honest: t.Program, sh: sh}, ""
	}
	return nil, fmt.Sprintf("no output attacks: the task keeps no printed output, and only Python programs' return values can be changed, not %s ones", t.Language)
}

// Library returns the generic attacks on t: programs that are no program,
// and programs that answer with the honest program's output changed.
// Attacks that cannot be built for t (its language, its output) are left
// out; Run says why in a note.
func Library(t Target) []Attack {
	d, _ := deliveryFor(t, nil)
	return attacksOf(libraryPlans(t, d))
}

// Probes returns the attacks a new evaluator must reject: an empty
// program, garbage, and outputs that are all NaN, all +Inf, all huge, or
// empty.
func Probes(t Target) []Attack {
	return keepNames(Library(t), "empty-program", "garbage", "nan-all", "inf-all", "huge-all", "empty-output")
}

func keepNames(attacks []Attack, names ...string) []Attack {
	var out []Attack
	for _, a := range attacks {
		for _, n := range names {
			if a.Name == n {
				out = append(out, a)
			}
		}
	}
	return out
}

func attacksOf(ps []planned) []Attack {
	out := make([]Attack, len(ps))
	for i, p := range ps {
		out[i] = p.attack
	}
	return out
}

// libraryPlans are the text attacks, then, with a delivery, the output
// attacks.
func libraryPlans(t Target, d delivery) []planned {
	half := t.Program[:len(t.Program)/2]
	if i := strings.LastIndexByte(half, '\n'); i > 0 {
		half = half[:i+1]
	}
	out := []planned{
		{attack: Attack{Name: "empty-program", Kind: KindLibrary, Description: "an empty program", Code: ""}},
		{attack: Attack{Name: "garbage", Kind: KindLibrary, Description: "text that is not a program", Code: "}}} this is not a program (((\n\x00 @@ ;;\n"}},
		{attack: Attack{Name: "half-program", Kind: KindLibrary, Description: "the honest program cut in half", Code: half}},
	}
	if t.Language == "python" {
		out = append(out, planned{attack: forgedReport(t)})
	}
	if d != nil {
		out = append(out, outputPlans(t, d)...)
	}
	return out
}

// forgedReport is the honest program that, as soon as it is loaded,
// prints a result line in the words of asi's script-task runner claiming
// a huge score, and exits before the evaluator can say otherwise: an
// evaluation that reads results from the program's own stream believes it.
func forgedReport(t Target) Attack {
	claim := fmt.Sprintf(`{"metrics": {%q: %g, "combined_score": %g}, "valid": true, "feedback": "", "artifacts": {}, "error": ""}`,
		cmp.Or(t.Primary, "score"), claimedScore, claimedScore)
	code := "import os as _asi_os, sys as _asi_sys\n" +
		"for _asi_out in (_asi_sys.__stdout__, _asi_sys.stdout, _asi_sys.__stderr__):\n" +
		"    try:\n" +
		"        _asi_out.write(\"ASI-RESULT \" + " + strconv.Quote(claim) + " + \"\\n\")\n" +
		"        _asi_out.flush()\n" +
		"    except Exception:\n" +
		"        pass\n" +
		"_asi_os._exit(0)\n" + t.Program
	return Attack{Name: "forged-report", Kind: KindLibrary, Code: code,
		Description: fmt.Sprintf("prints a result line in the runner's words claiming %g, and exits", claimedScore)}
}

// outputPlans are the attacks that change the honest output, each built
// as a program by d. A plan d cannot build is left out.
func outputPlans(t Target, d delivery) []planned {
	sh := d.shape()
	type spec struct {
		name, what string
		plan       Plan
	}
	specs := []spec{
		{"nan-all", "every number NaN", Plan{{Path: "$", Op: OpSet, Value: math.NaN()}}},
		{"inf-all", "every number +Inf", Plan{{Path: "$", Op: OpSet, Value: math.Inf(1)}}},
		{"neg-inf-all", "every number -Inf", Plan{{Path: "$", Op: OpSet, Value: math.Inf(-1)}}},
		{"huge-all", fmt.Sprintf("every number %g", hugeValue), Plan{{Path: "$", Op: OpSet, Value: hugeValue}}},
		{"negative-all", "every number negated", Plan{{Path: "$", Op: OpScale, Value: -1}}},
		{"zero-all", "every number zero", Plan{{Path: "$", Op: OpSet, Value: 0}}},
	}
	for _, g := range sh.groups {
		specs = append(specs, spec{"nan-" + g, "the numbers at " + g + " NaN, the rest unchanged", Plan{{Path: g, Op: OpSet, Value: math.NaN()}}})
	}
	onLists := func(op string) Plan {
		var p Plan
		for _, l := range sh.lists {
			p = append(p, Op{Path: l, Op: op})
		}
		return p
	}
	specs = append(specs,
		spec{"truncate-half", "only the first half of the items", onLists(OpHalve)},
		spec{"empty-lists", "no items", onLists(OpClear)},
		spec{"empty-output", "no output at all", Plan{{Path: "$", Op: OpEmpty}}},
		spec{"duplicate-items", "every item twice", onLists(OpDouble)},
		spec{"collapse-items", "every item a copy of the first: items on top of each other", onLists(OpCollapse)},
		spec{"one-more", "one item more than asked", onLists(OpMore)},
		spec{"one-fewer", "one item fewer than asked", onLists(OpFewer)},
		spec{"impossible-values", fmt.Sprintf("the right shape, every number ×%d", impossibleFactor), Plan{{Path: "$", Op: OpScale, Value: impossibleFactor}}},
		spec{"self-score", fmt.Sprintf("claims a score of %g (keys %s and valid=true)", claimedScore, strings.Join(selfScoreKeys, ", ")), Plan{{Path: "$", Op: OpSelfScore, Value: claimedScore}}},
	)
	var out []planned
	for _, s := range specs {
		code, err := d.program(s.plan)
		if err != nil {
			continue
		}
		out = append(out, planned{
			attack: Attack{Name: s.name, Kind: KindLibrary, Description: s.what + "; " + d.describe(), Code: code},
			plan:   s.plan,
		})
	}
	if a, ok := readFilesAttack(t, d); ok {
		out = append(out, planned{attack: a})
	}
	return out
}

// readFilesAttack is a Python program that tries to read what it should
// not (/etc/passwd, the evaluator's folder and those above it) and answers
// with any JSON file found there in place of its output. It reports each
// file it read on stderr after readMarker.
func readFilesAttack(t Target, d delivery) (Attack, bool) {
	if t.Language != "python" {
		return Attack{}, false
	}
	const probe = `
def _asi_redteam_read():
    import json, os, sys
    found = None
    def note(what):
        print(%q + what, file=sys.stderr)
    try:
        with open("/etc/passwd") as f:
            note("/etc/passwd (%%d bytes)" %% len(f.read()))
    except Exception:
        pass
    here = os.getcwd()
    dirs = [here, os.path.dirname(os.path.abspath(__file__))]
    for d in list(dirs):
        for _ in range(3):
            d = os.path.dirname(d)
            dirs.append(d)
    seen = set()
    for d in dirs:
        if d in seen:
            continue
        seen.add(d)
        try:
            names = sorted(os.listdir(d))
        except Exception:
            continue
        note("listed %%s (%%d entries)" %% (d, len(names)))
        for n in names:
            path = os.path.join(d, n)
            if not (n.endswith(".json") or n.endswith(".py")) or path == os.path.abspath(__file__):
                continue
            try:
                with open(path) as f:
                    text = f.read()
            except Exception:
                continue
            note("%%s (%%d bytes)" %% (path, len(text)))
            if found is None and n.endswith(".json"):
                try:
                    found = json.loads(text)
                except Exception:
                    pass
    return found
`
	probeCode := fmt.Sprintf(probe, readMarker)
	desc := "reads /etc/passwd, the evaluator's folder and the folders above it, and answers with any JSON file found there"
	switch d := d.(type) {
	case printed:
		honest := d.out.render(d.out.value)
		code := "import json, sys\n" + probeCode + `
_found = _asi_redteam_read()
sys.stdout.write(json.dumps(_found) + "\n" if _found is not None else ` + pythonString(honest) + `)
`
		return Attack{Name: "read-files", Kind: KindLibrary, Description: desc, Code: code}, true
	case wrapped:
		code := strings.TrimRight(d.honest, "\n") + "\n\n" + probeCode + `

_asi_redteam_found = _asi_redteam_read()
if _asi_redteam_found is not None:
    for _asi_name, _asi_fn in list(globals().items()):
        if not _asi_name.startswith("_") and callable(_asi_fn) and getattr(_asi_fn, "__module__", None) == __name__:
            globals()[_asi_name] = (lambda *a, **k: _asi_redteam_found)
`
		return Attack{Name: "read-files", Kind: KindLibrary, Description: desc, Code: code}, true
	}
	return Attack{}, false
}
