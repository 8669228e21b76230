// Package backend opens what one run of a campaign needs, from a decoded
// campaign.Config: the campaign directory's lock, the store, the sandbox
// runtime, the plugin log, the executors, the task plugin, the model
// providers, the sampler, the cognition base and the engine. Verbs parse
// a file, call Open, run the engine and hand the results to a view; none
// of them needs to know how a run is wired.
//
// It also answers the questions asked of a campaign before any run: does
// its task plugin accept the task block (CheckTask), what runs each role
// (DescribeRole), would apply start or resume (ResumeState); and it opens
// what the other verbs share with a run: a campaign's cognition base
// (OpenCognition), its plugin finder (Finder), the dashboard (OpenDashboard).
//
// Rules kept here:
//   - Defaults are never set here: the decoded campaign carries them all
//     (core/campaign sets each default once).
//   - A Run is closed with one Close, which closes what Open opened in the
//     reverse order; Open closes what it opened when it fails part way.
//   - One campaign directory is run by one process at a time: Open takes an
//     exclusive lock on it, released by Close or by the process's death.
//   - A campaign directory belongs to one campaign and one task: Open
//     refuses a directory another campaign or task has claimed.
//   - Nothing here writes to the user: what the header says is returned in
//     Description, for a view to print.
package backend
