package main

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/asi-evolve/asi/sdk"
	"github.com/asi-evolve/asi/sdk/bundle"
)

// The contracts an evaluator may follow.
const (
	contractOpenEvolve = "openevolve"
	contractShinka     = "shinka"
	contractASIEvolve  = "asi-evolve"
	contractJSON       = "json"
)

var contracts = []string{contractOpenEvolve, contractShinka, contractASIEvolve, contractJSON}

// Where evaluations run.
const (
	isolationJail = "jail"
	isolationWasm = "wasm"
)

// Limits on the folder copied into every job: an evaluator's folder is
// code and small data, not a dataset (a job of its own fetches those).
const (
	maxFileSize   = 8 << 20
	maxFolderSize = 32 << 20
	maxFiles      = 2000
)

// settings is the task block's schema.
var settings = []sdk.Setting{
	{Name: "contract", Type: sdk.TypeString, Required: true, Description: "the evaluator's contract: " + strings.Join(contracts, ", ")},
	{Name: "evaluator", Type: sdk.TypeString, Description: "the evaluator file (evaluator.py, evaluate.py, eval.sh), relative to the campaign file; every contract but json"},
	{Name: "command", Type: sdk.TypeStringList, Description: "json contract: the command that prints a JSON object of metrics; {program} is replaced by the candidate's path"},
	{Name: "initial", Type: sdk.TypeString, Required: true, Description: "the initial program: a file, or a folder whose files are all evolved together"},
	{Name: "folder", Type: sdk.TypeString, Description: "the folder copied into every evaluation (default: the evaluator's folder)"},
	{Name: "entry", Type: sdk.TypeString, Description: "for a folder program, the file the evaluator is given (default main.py, initial.py or initial_program.py)"},
	{Name: "language", Type: sdk.TypeString, Description: "the candidates' language (default: from the entry file's extension)"},
	{Name: "statement", Type: sdk.TypeString, Description: "the problem, as the researcher reads it (OpenEvolve's system message)"},
	{Name: "primary", Type: sdk.TypeString, Description: "the metric to improve (default combined_score; eval_score for asi-evolve; score for json)"},
	{Name: "direction", Type: sdk.TypeString, Default: "maximize", Description: "maximize or minimize the primary metric"},
	{Name: "metrics", Type: sdk.TypeStringList, Default: []any{}, Description: "other metrics the evaluator reports, for the researcher and the dashboard"},
	{Name: "thresholds", Type: sdk.TypeNumberList, Default: []any{}, Description: "openevolve: the primary score a candidate needs after stage N to go on to stage N+1 (OpenEvolve's cascade_thresholds)"},
	{Name: "isolation", Type: sdk.TypeString, Default: isolationJail, Description: `where evaluations run: "jail" (a job of the campaign's executor, the machine's Python) or "wasm" (the sandbox's CPython, standard library only)`},
	{Name: "python", Type: sdk.TypeString, Description: "the Python that runs evaluators in the jail, such as a virtual environment's bin/python (default /usr/bin/python3)"},
	{Name: "timeout", Type: sdk.TypeString, Default: "5m", Description: "how long one evaluation may run"},
	{Name: "cpus", Type: sdk.TypeNumber, Default: 1.0, Description: "CPUs an evaluation job asks for"},
	{Name: "executor", Type: sdk.TypeString, Default: "", Description: "which of the campaign's executors runs evaluations (default: the only one)"},
	{Name: "verify", Type: sdk.TypeString, Description: "openevolve: a function of the evaluator, called like evaluate, that scores the program on held-out checks; a held-out stage only the campaign's audit runs"},
	{Name: "verify_command", Type: sdk.TypeStringList, Description: "json: a command that scores the program on held-out checks, printing JSON like command; a held-out stage only the campaign's audit runs"},
}

// config is the task block, checked, with the folder read.
type config struct {
	contract  string
	isolation string
	language  string
	statement string
	primary   string
	direction sdk.Direction
	metrics   []string
	stages    []sdk.Stage
	python    string
	timeout   time.Duration
	cpus      int
	executor  string
	command   []string // json contract
	// verify is the evaluator's held-out function (openevolve) and
	// verifyCommand the held-out command (json); either adds a held-out
	// stage after the others.
	verify        string
	verifyCommand []string

	// evaluator is the evaluator's path in the job ("" for json).
	evaluator string
	// folder is every file copied into a job, by job path, the initial
	// program's left out.
	folder map[string][]byte
	// programDir is where the program's files go in the job ("" for the
	// job's top); entry is the file the evaluator is given, relative to
	// programDir.
	programDir, entry string
	// initial is the initial program: one file's text, or a bundle.
	initial string
	// multi is true when the program is a folder (candidates are bundles).
	multi bool
	// sources names the campaign's files, for the statement.
	evaluatorName, initialName string
}

// stageFunction finds OpenEvolve's cascade functions in an evaluator.
var stageFunction = regexp.MustCompile(`(?m)^def\s+evaluate_stage([1-9])\s*\(`)

// languages by the entry file's extension.
var languages = map[string]string{
	".py": "python", ".go": "go", ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".js": "javascript",
	".rs": "rust", ".jl": "julia", ".sh": "bash", ".cu": "cuda", ".ts": "typescript",
}

// configure checks the settings and reads the files they name, relative
// to the working directory (the campaign file's folder). Every problem is
// a *sdk.ConfigError naming its attribute.
func configure(s sdk.Settings) (*config, error) {
	var errs []error
	str := func(name string) string {
		if _, ok := s[name]; !ok {
			return ""
		}
		v, err := s.String(name)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	c := &config{
		contract: str("contract"), isolation: str("isolation"), language: str("language"),
		statement: str("statement"), primary: str("primary"), python: str("python"), executor: str("executor"),
		direction: sdk.Direction(str("direction")),
	}
	if !slices.Contains(contracts, c.contract) {
		errs = append(errs, sdk.Errorf([]string{"contract"}, "Unknown contract", "%q is not a contract asi runs; use one of %s.", c.contract, strings.Join(contracts, ", ")))
	}
	if c.isolation != isolationJail && c.isolation != isolationWasm {
		errs = append(errs, sdk.Errorf([]string{"isolation"}, "Unknown isolation", `%q: use "jail" (a job of the campaign's executor) or "wasm" (the sandbox's CPython).`, c.isolation))
	}
	if c.direction != sdk.Maximize && c.direction != sdk.Minimize {
		errs = append(errs, sdk.Errorf([]string{"direction"}, "Unknown direction", `%q: use "maximize" or "minimize".`, c.direction))
	}
	if c.isolation == isolationWasm && (c.contract == contractASIEvolve || c.contract == contractJSON) {
		errs = append(errs, sdk.Errorf([]string{"isolation"}, "No sandbox for this contract", `the %s contract runs a shell command, which the wasm sandbox cannot; use isolation = "jail".`, c.contract))
	}
	var err error
	if c.timeout, err = s.Duration("timeout"); err != nil {
		errs = append(errs, err)
	} else if c.timeout <= 0 {
		errs = append(errs, sdk.Errorf([]string{"timeout"}, "Invalid timeout", "the timeout must be positive."))
	}
	if c.cpus, err = s.Int("cpus"); err != nil {
		errs = append(errs, err)
	}
	if c.metrics, err = s.Strings("metrics"); err != nil {
		errs = append(errs, err)
	}
	thresholds, err := s.Floats("thresholds")
	if err != nil {
		errs = append(errs, err)
	}
	if _, ok := s["command"]; ok {
		if c.command, err = s.Strings("command"); err != nil {
			errs = append(errs, err)
		}
	}
	c.verify = str("verify")
	if _, ok := s["verify_command"]; ok {
		if c.verifyCommand, err = s.Strings("verify_command"); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, c.checkVerify(s)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.readFiles(str("evaluator"), str("initial"), str("folder"), str("entry")); err != nil {
		return nil, err
	}
	if err := c.fillDefaults(thresholds); err != nil {
		return nil, err
	}
	return c, nil
}

// readFiles reads the evaluator's folder and the initial program.
func (c *config) readFiles(evaluator, initial, folder, entry string) error {
	switch {
	case c.contract == contractJSON && len(c.command) == 0:
		return sdk.Errorf([]string{"command"}, "Missing command", "the json contract needs the command that prints the metrics, such as command = [\"python3\", \"score.py\", \"{program}\"].")
	case c.contract != contractJSON && evaluator == "":
		return sdk.Errorf([]string{"evaluator"}, "Missing evaluator", "the %s contract needs the evaluator file, such as evaluator = %q.", c.contract, defaultEvaluator[c.contract])
	}
	if folder == "" {
		folder = "."
		if evaluator != "" {
			folder = filepath.Dir(evaluator)
		}
	}
	info, err := os.Stat(initial)
	if err != nil {
		return sdk.Errorf([]string{"initial"}, "Initial program not found", "%v (relative paths start at the campaign file's folder).", err)
	}
	files, err := readFolder(folder)
	if err != nil {
		return sdk.Errorf([]string{"folder"}, "Folder not readable", "%v.", err)
	}
	if evaluator != "" {
		rel, ok := inside(folder, evaluator)
		if !ok {
			return sdk.Errorf([]string{"evaluator"}, "Evaluator outside the folder", "%s is not inside %s, the folder copied into each evaluation.", evaluator, folder)
		}
		if _, found := files[rel]; !found {
			return sdk.Errorf([]string{"evaluator"}, "Evaluator not found", "no file %s in %s.", rel, folder)
		}
		c.evaluator, c.evaluatorName = rel, filepath.Base(evaluator)
	}
	c.initialName = filepath.Base(initial)
	if !info.IsDir() {
		return c.readInitialFile(folder, initial, files)
	}
	return c.readInitialFolder(folder, initial, entry, files)
}

// readInitialFile takes a program of one file; its place in the job is
// its place in the folder, or the job's top when it lies elsewhere.
func (c *config) readInitialFile(folder, initial string, files map[string][]byte) error {
	data, err := os.ReadFile(initial)
	if err != nil {
		return sdk.Errorf([]string{"initial"}, "Initial program not readable", "%v.", err)
	}
	rel, ok := inside(folder, initial)
	if !ok {
		rel = filepath.Base(initial)
	}
	delete(files, rel)
	c.programDir, c.entry = path.Dir(rel), path.Base(rel)
	if c.programDir == "." {
		c.programDir = ""
	}
	c.initial, c.folder = string(data), files
	return nil
}

// readInitialFolder takes a program of several files: every file of the
// folder is part of it.
func (c *config) readInitialFolder(folder, initial, entry string, files map[string][]byte) error {
	prog, err := readFolder(initial)
	if err != nil {
		return sdk.Errorf([]string{"initial"}, "Initial program not readable", "%v.", err)
	}
	names := slices.Sorted(maps.Keys(prog))
	if len(names) == 0 {
		return sdk.Errorf([]string{"initial"}, "Empty initial program", "%s holds no files.", initial)
	}
	if entry == "" {
		for _, n := range []string{"main.py", "initial.py", "initial_program.py"} {
			if _, ok := prog[n]; ok {
				entry = n
				break
			}
		}
		if entry == "" && len(names) == 1 {
			entry = names[0]
		}
		if entry == "" {
			return sdk.Errorf([]string{"entry"}, "Which file is the program?", "%s holds %s; name the one the evaluator is given with entry = \"...\".", initial, strings.Join(names, ", "))
		}
	}
	if _, ok := prog[entry]; !ok {
		return sdk.Errorf([]string{"entry"}, "Entry not found", "%s has no file %s; it holds %s.", initial, entry, strings.Join(names, ", "))
	}
	// The entry first: it is the file a reader starts with.
	names = append([]string{entry}, slices.DeleteFunc(names, func(n string) bool { return n == entry })...)
	var bf []bundle.File
	for _, n := range names {
		bf = append(bf, bundle.File{Path: n, Content: string(prog[n])})
	}
	text, err := bundle.Join(bf)
	if err != nil {
		return sdk.Errorf([]string{"initial"}, "Initial program not usable", "%v.", err)
	}
	rel, ok := inside(folder, initial)
	if !ok {
		rel = filepath.Base(initial)
	}
	if rel == "." {
		return sdk.Errorf([]string{"initial"}, "Initial program is the whole folder", "the program's folder must be a folder inside %s, not the folder itself, so that the evaluator stays fixed.", folder)
	}
	for n := range files {
		if n == rel || strings.HasPrefix(n, rel+"/") {
			delete(files, n)
		}
	}
	c.programDir, c.entry, c.initial, c.multi, c.folder = rel, entry, text, true, files
	return nil
}

// defaultEvaluator names each contract's usual evaluator file.
var defaultEvaluator = map[string]string{contractOpenEvolve: "evaluator.py", contractShinka: "evaluate.py", contractASIEvolve: "eval.sh"}

// fillDefaults sets what the settings left out from the contract and the
// files: the language, the primary metric, the statement and the stages.
func (c *config) fillDefaults(thresholds []float64) error {
	if c.language == "" {
		c.language = languages[path.Ext(c.entry)]
		if c.language == "" {
			c.language = "text"
		}
	}
	if c.primary == "" {
		c.primary = map[string]string{contractASIEvolve: "eval_score", contractJSON: "score"}[c.contract]
		if c.primary == "" {
			c.primary = "combined_score"
		}
	}
	if c.python == "" {
		c.python = defaultPython()
	}
	if c.isolation == isolationWasm && c.language != "python" {
		return sdk.Errorf([]string{"isolation"}, "No sandbox for this language", "the wasm sandbox runs Python evaluators with Python candidates; this program is %s. Use isolation = \"jail\".", c.language)
	}
	n := 1
	if c.contract == contractOpenEvolve {
		found := stageFunction.FindAllStringSubmatch(string(c.folder[c.evaluator]), -1)
		for k := 1; k <= 9; k++ {
			if !slices.ContainsFunc(found, func(m []string) bool { return m[1] == fmt.Sprint(k) }) {
				break
			}
			n = k
		}
	}
	if len(thresholds) > 0 && len(thresholds) > n-1 {
		if n == 1 {
			return sdk.Errorf([]string{"thresholds"}, "No cascade", "%s defines no evaluate_stage1 and evaluate_stage2, so there is no stage to hold back; remove thresholds.", c.evaluatorName)
		}
		thresholds = thresholds[:n-1]
	}
	for k := range n {
		st := sdk.Stage{Name: "evaluate"}
		if n > 1 {
			st.Name = fmt.Sprintf("evaluate_stage%d", k+1)
		}
		if k < len(thresholds) {
			st.Threshold = &thresholds[k]
		}
		c.stages = append(c.stages, st)
	}
	if c.hasVerify() {
		if c.verify != "" && !definesFunction(c.folder[c.evaluator], c.verify) {
			return sdk.Errorf([]string{"verify"}, "Verify function not found", "%s defines no function %s(program_path); the held-out stage calls it as OpenEvolve calls evaluate.", c.evaluatorName, c.verify)
		}
		c.stages = append(c.stages, sdk.Stage{Name: "verify", HeldOut: true})
	}
	return nil
}

func (c *config) hasVerify() bool { return c.verify != "" || len(c.verifyCommand) > 0 }

// verifying says whether stage is the held-out stage, the last one.
func (c *config) verifying(stage int) bool { return c.hasVerify() && stage == len(c.stages)-1 }

// pythonName is what a verify function may be called.
var pythonName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkVerify checks the held-out settings against the contract.
func (c *config) checkVerify(s sdk.Settings) []error {
	var errs []error
	if _, ok := s["verify"]; ok {
		switch {
		case c.contract != contractOpenEvolve:
			errs = append(errs, sdk.Errorf([]string{"verify"}, "No verify function for this contract", "verify names a function of an openevolve evaluator; the %s contract has none (the json contract takes verify_command).", c.contract))
		case !pythonName.MatchString(c.verify):
			errs = append(errs, sdk.Errorf([]string{"verify"}, "Invalid function name", "%q is not a Python function name, such as \"evaluate_verify\".", c.verify))
		}
	}
	if _, ok := s["verify_command"]; ok {
		switch {
		case c.contract != contractJSON:
			errs = append(errs, sdk.Errorf([]string{"verify_command"}, "No verify command for this contract", "verify_command is the json contract's held-out command; an openevolve evaluator takes verify = \"FUNCTION\"."))
		case len(c.verifyCommand) == 0:
			errs = append(errs, sdk.Errorf([]string{"verify_command"}, "Empty verify command", "give the command, such as [\"python3\", \"verify.py\", \"{program}\"], or leave verify_command out."))
		}
	}
	return errs
}

// definesFunction says whether Python source src defines a top-level
// function name.
func definesFunction(src []byte, name string) bool {
	return regexp.MustCompile(`(?m)^(async\s+)?def\s+` + regexp.QuoteMeta(name) + `\s*\(`).Match(src)
}

// defaultPython is the machine's Python: Debian's, whose packages the jail
// sees, before whatever PATH finds (a pyenv shim would not work there).
func defaultPython() string {
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	return "python3"
}

// inside returns p relative to dir, slash-separated, when p lies in dir.
func inside(dir, p string) (string, bool) {
	absDir, err1 := filepath.Abs(dir)
	absP, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(absDir, absP)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// readFolder reads the regular files under dir by slash path, leaving out
// hidden files and folders, Python caches and asi's own state. Links are
// not followed: a job holds copies, never a way out.
func readFolder(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	total := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != dir && (strings.HasPrefix(name, ".") || name == "__pycache__") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "campaign.hcl" || strings.HasSuffix(rel, ".db") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() > maxFileSize {
			return fmt.Errorf("%s is %d MiB; files copied into each evaluation may be %d MiB at most", rel, info.Size()>>20, maxFileSize>>20)
		}
		if total += int(info.Size()); total > maxFolderSize || len(files) >= maxFiles {
			return fmt.Errorf("%s holds more than %d MiB or %d files; give the evaluator a folder of its own (folder = \"...\")", dir, maxFolderSize>>20, maxFiles)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	return files, err
}

// heldOut are the held-out stages among stages.
func heldOut(stages []sdk.Stage) []sdk.Stage {
	var out []sdk.Stage
	for _, s := range stages {
		if s.HeldOut {
			out = append(out, s)
		}
	}
	return out
}
