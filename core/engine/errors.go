package engine

import "errors"

// ErrTaskFailing: evaluations kept failing to run (Config.MaxInfraFailures
// in a row), so Run stopped rather than spend the budget on them.
var ErrTaskFailing = errors.New("the task keeps failing")

// ErrInitialFailed: the task's initial program failed its evaluation, so
// no step has a program to start from. Run stops before claiming a step;
// the error carries the initial node's error and feedback.
var ErrInitialFailed = errors.New("the initial program failed")

// errOverBudget stops a step before a call that the money budget cannot
// afford: the step is handed back and the campaign stops with StopUSD.
var errOverBudget = errors.New("the next call would exceed the money budget")
