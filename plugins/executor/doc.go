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
//   - Where bubblewrap works (probed once), every job of a task runs in a
//     jail (jail.go): its own mount, PID, IPC, UTS, cgroup and network
//     namespaces; /usr, the loader's cache and /etc/alternatives
//     read-only; the directory of its command read-only when outside /usr;
//     a private /tmp and /dev/shm of TmpSize; its own directory
//     read-write at its own path; nothing else (no /etc/passwd, /home,
//     /root, other jobs). As root, it runs as nobody with no capabilities
//     and no_new_privs. On Slurm, each node decides when the job starts.
//     Only NoJail (asi's own trusted jobs) runs a job outside the jail;
//     Require refuses an executor, or fails a Slurm job, below its level.
//   - Every process a local job starts is killed with it: SIGTERM at the
//     deadline (to its process group, or in a jail to every process in
//     the jail's PID namespace), SIGKILL after the grace period, and when
//     the main process ends SIGKILL to the group; a jail's init then
//     takes every process left in the jail with it.
//   - Result files and logs are read without following links out of the
//     job's directory, and only when they are regular files.
//   - Submit with a Key already seen returns the first job (re-attach); the
//     Slurm executor keeps its keys on disk, so this holds across restarts.
//   - nvml is called only after a successful Init. Builds with cgo (the
//     default wherever a C compiler is present) have NVML; builds without
//     it find GPUs with nvidia-smi.
package executor
