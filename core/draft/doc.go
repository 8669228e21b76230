// Package draft has a model write a task for the script task: an
// OpenEvolve evaluator, an initial program and the problem statement, in
// one reply (see Format), and checks the draft before anyone relies on it.
//
// The rules inside it:
//   - a drafted evaluator is untrusted code: it runs only through the
//     script task in the wasm sandbox (isolation = "wasm"), started by the
//     caller's StartFunc; never on the host, never in this process;
//   - the model writes files and a few metadata values, never the campaign
//     file: asi writes campaign.hcl itself (CampaignFile), so a model
//     cannot choose the isolation, a plugin or an executor;
//   - every failed check goes back to the model with its reason, for a
//     bounded number of rounds;
//   - a draft lands at its target only when every check passed, by one
//     rename of a folder written beside it (Workspace); otherwise nothing
//     is left there.
package draft
