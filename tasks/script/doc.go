// Command asi-task-script is the script task: it runs an evaluator written
// for another system, unchanged, as an asi task. The campaign's task block
// names the evaluator, the initial program (a file or a folder) and the
// contract the evaluator follows:
//
//   - openevolve: evaluator.py defines evaluate(program_path) returning a
//     dict of metrics or an EvaluationResult, and optionally
//     evaluate_stage1..3, which become the cascade's stages;
//   - shinka: evaluate.py --program_path P --results_dir D writes
//     metrics.json and correct.json, usually through run_shinka_eval;
//   - asi-evolve: eval.sh, run in the program's folder, writes results.json
//     with eval_score and success;
//   - json: any command that prints one JSON object of metrics.
//
// asi ships its own small implementation of the modules such evaluators
// import (openevolve.evaluation_result, shinka.core), in runner/.
//
// Each evaluation copies the evaluator's folder into a job, writes the
// candidate's files in place of the initial program, and runs it there:
// as a job of the campaign's executor, in its jail, with the machine's
// Python and the user's packages (isolation = "jail", the default); or in
// the wazero sandbox's CPython, standard library only (isolation =
// "wasm"). The evaluator imports the candidate, so both run together, and
// nothing either does leaves the job.
//
// The metrics are the evaluator's. The candidate runs in the evaluator's
// process and can lie to it; asi keeps the lie inside the job, and
// non-finite metrics are refused, but only an evaluator that runs the
// candidate apart (the json contract with a subprocess, say) can keep its
// verdict from the candidate.
package main
