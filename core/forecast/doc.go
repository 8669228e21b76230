// Package forecast estimates what a campaign will cost before it runs:
// LLM calls, tokens and dollars by role and model, wall time, and the step
// at which a usd, tokens or wall cap would end it. `asi plan` prints it.
//
// Rules kept here:
//   - Every number says where it comes from: the campaign's own history
//     when its store holds steps, otherwise the task's real prompts
//     rendered for its initial program and the assumptions named in this
//     package (failure rates, reply sizes, model speed).
//   - A model whose price is unknown (no price_input/price_output and not
//     in the built-in list) is reported as such, never as $0.
//   - Roles played offline make no calls and cost nothing.
//   - A store that cannot be read leaves the forecast to the assumptions,
//     and the forecast says why.
package forecast
