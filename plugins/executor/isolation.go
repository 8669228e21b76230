package executor

// Isolation is how far an executor keeps its jobs from the machine, from
// most to least. The wazero sandbox ("wasm") is stronger than any of them.
type Isolation string

const (
	// IsolationJail: bubblewrap gives the job its own mount, PID, IPC and
	// network namespaces; it sees /usr (and what its interpreter needs)
	// read-only, its own directory read-write and a private /tmp, and runs
	// as an unprivileged user when asi is root.
	IsolationJail Isolation = "jail"
	// IsolationUser: asi is root without bubblewrap; the job runs as
	// another user (nobody) with its own network namespace and rlimits, but
	// sees the machine's files and processes.
	IsolationUser Isolation = "user"
	// IsolationLimits: the job runs as asi's own user with rlimits, a
	// scrubbed environment and a process-group kill only.
	IsolationLimits Isolation = "rlimits"
)

// rank orders the levels; unknown levels rank lowest.
func (i Isolation) rank() int {
	switch i {
	case IsolationJail:
		return 3
	case IsolationUser:
		return 2
	case IsolationLimits:
		return 1
	}
	return 0
}

// AtLeast says whether i isolates at least as much as min.
func (i Isolation) AtLeast(min Isolation) bool { return i.rank() >= min.rank() }

// ParseIsolation reads a level as a campaign writes it.
func ParseIsolation(s string) (Isolation, bool) {
	i := Isolation(s)
	return i, i.rank() > 0
}

// SlurmIsolation is what a Slurm executor requiring require gives its
// jobs, known before any job runs: a node decides for itself whether it can
// jail a job.
func SlurmIsolation(require Isolation) (Isolation, string) {
	return (&Slurm{cfg: SlurmConfig{Require: require}}).Isolation()
}
