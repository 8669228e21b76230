// Package llm owns asi's access to language models: the Provider interface
// the roles call, its implementations, and token and cost accounting. It
// holds providers only; the offline search operator, which needs no model,
// is roles.Offline and is recognised here as ModelFree (IsOffline).
//
// Providers:
//
//   - OpenAI talks to any OpenAI-compatible /chat/completions endpoint
//     through go-openai. Each attempt has its own timeout; rate limits
//     (429), server errors (5xx), network errors, timeouts and malformed
//     JSON are retried with exponential backoff and full jitter, waiting
//     what Retry-After asks for (at most a minute). Requests the server
//     rejects (400, 401, 403, 404) fail at once with a *StatusError that
//     says what the server said. A reply without choices or content is
//     ErrEmptyReply. Cancelling the context stops a call at once, also
//     while it waits to retry.
//   - Recorder wraps a provider and appends every successful exchange to a
//     JSON-lines file; Replayer answers from such a file by ReplayKey, so a
//     campaign can be rerun without a server.
//
// Rules kept here:
//
//   - The API key never appears in an error, a log or a recording: errors
//     carry the server's words with the key replaced by "(redacted)", and
//     recordings keep only role, messages, seed and the reply.
//   - Usage comes from the server; when it reports none, tokens are
//     estimated with EstimateTokens. Cost is tokens times the configured
//     price per million, or the approximate Price table when the campaign
//     sets none; the table is a convenience and campaign prices win.
//   - MaxCost bounds a request's cost before it is sent (CostBounder):
//     the prompt at one token per byte (MaxPromptTokens), the reply at its
//     limit or DefaultReplyTokens. The money budget books it.
//   - Every provider is safe for concurrent use.
package llm
