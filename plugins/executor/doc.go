// Package executor holds asi's built-in executors, which run heavy
// experiments (training, RL) outside the wazero sandbox: Local (a child
// process with limits on this machine), GPU (Local plus NVIDIA device
// placement) and Slurm (batch jobs on a cluster), and Router, which the host
// serves to task plugins as the asi.executor.v1 Executor service.
//
// Every executor implements sdk.Executor, the same interface an executor
// plugin serves over asi.executor.v1; the built-in ones run inside asi and
// the gRPC layer in sdk stays a translation layer.
//
// Rules:
//   - A job sees only the environment it declares, plus PATH, HOME, TMPDIR
//     and LANG; nothing of asi's environment (API keys) reaches it.
//   - Every process a local job starts is in the job's process group and is
//     killed with it: SIGTERM at the deadline, SIGKILL after the grace
//     period, and SIGKILL to the group when the main process ends.
//   - Submit with a Key already seen returns the first job (re-attach); the
//     Slurm executor keeps its keys on disk, so this holds across restarts.
//   - nvml is called only after a successful Init, and only in builds with
//     the nvml tag and cgo.
package executor
