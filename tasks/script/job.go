package main

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/asi-evolve/asi/sdk/bundle"
	"github.com/asi-evolve/asi/tasks/script/runner"
)

// Paths asi adds to a job, out of the evaluator's way.
const (
	runnerDir  = ".asi/"
	runnerPath = runnerDir + "asi_run.py"
	resultPath = runnerDir + "result.json"
	stdoutPath = runnerDir + "stdout.json"
)

// jobSpec is one evaluation laid out: the files of its folder and the
// command that runs in it.
type jobSpec struct {
	files   map[string][]byte
	command []string
	// output is the file the result is read from.
	output string
	// program is the entry file's path in the job.
	program string
}

// programFiles turns a candidate's code into its files by job path. A
// candidate of several files must keep the initial program's file list:
// the evaluator was written for those.
func (c *config) programFiles(code string) (map[string][]byte, error) {
	join := func(name string) string {
		if c.programDir == "" {
			return name
		}
		return c.programDir + "/" + name
	}
	if !c.multi {
		return map[string][]byte{join(c.entry): []byte(code)}, nil
	}
	if !bundle.IsBundle(code) {
		return nil, fmt.Errorf("the program is a folder of files, each begun by its %q line, and this candidate has none", bundle.Header("PATH"))
	}
	files, err := bundle.Split(code)
	if err != nil {
		return nil, err
	}
	want, _ := bundle.Split(c.initial)
	if len(files) != len(want) {
		return nil, fmt.Errorf("the candidate has %d files; the program has %d (%s)", len(files), len(want), filePaths(want))
	}
	out := map[string][]byte{}
	for i, f := range files {
		if f.Path != want[i].Path {
			return nil, fmt.Errorf("the candidate's file %d is %s; the program's is %s (files: %s)", i+1, f.Path, want[i].Path, filePaths(want))
		}
		out[join(f.Path)] = []byte(f.Content)
	}
	return out, nil
}

func filePaths(files []bundle.File) string {
	var p []string
	for _, f := range files {
		p = append(p, f.Path)
	}
	return strings.Join(p, ", ")
}

// job lays out the evaluation of code at stage: the folder, the program's
// files, asi's runner, and the contract's command.
func (c *config) job(code string, stage int) (jobSpec, error) {
	prog, err := c.programFiles(code)
	if err != nil {
		return jobSpec{}, err
	}
	files := make(map[string][]byte, len(c.folder)+len(prog)+8)
	for k, v := range c.folder {
		files[k] = v
	}
	for k, v := range prog {
		files[k] = v
	}
	program := path.Join(c.programDir, c.entry)
	spec := jobSpec{files: files, program: program}
	switch c.contract {
	case contractOpenEvolve, contractShinka:
		if err := runner.Write(files, runnerDir); err != nil {
			return jobSpec{}, err
		}
		spec.command = []string{c.python, "-B", runnerPath, "--contract", c.contract,
			"--evaluator", c.evaluator, "--program", program, "--stage", strconv.Itoa(stage), "--out", resultPath}
		if c.verifying(stage) {
			spec.command = append(spec.command, "--function", c.verify)
		}
		spec.output = resultPath
	case contractASIEvolve:
		// Run as the reference runs it: in the step's folder, which holds
		// the program; its path is the first argument too.
		spec.command = []string{"/bin/bash", c.evaluator, program}
		spec.output = "results.json"
	case contractJSON:
		command := c.command
		if c.verifying(stage) {
			command = c.verifyCommand
		}
		cmd := make([]string, len(command))
		placed := false
		for i, a := range command {
			cmd[i] = strings.ReplaceAll(a, "{program}", program)
			placed = placed || cmd[i] != a
		}
		if !placed {
			cmd = append(cmd, program)
		}
		// The shell keeps stdout for asi; stderr goes to the job's log.
		spec.command = append([]string{"/bin/sh", "-c", `"$@" > ` + stdoutPath, "sh"}, cmd...)
		spec.output = stdoutPath
		files[stdoutPath] = nil
	}
	return spec, nil
}
