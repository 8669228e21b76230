package llm

import (
	"regexp"
	"strings"
)

// EstimateTokens guesses a token count as one token per four bytes, rounded
// up. Used when a server reports no usage.
func EstimateTokens(s string) int {
	return (len(s) + 3) / 4
}

// DefaultReplyTokens is the reply length MaxCost assumes for a request
// whose reply limit is unset (neither Request.MaxTokens nor the model's
// max_tokens): a bound only when the model cannot write more, so set
// max_tokens for a hard money cap.
const DefaultReplyTokens = 16384

// messageOverhead bounds the tokens a chat message adds beside its content
// (role and separators; OpenAI documents 3 to 4).
const messageOverhead = 16

// MaxPromptTokens bounds the tokens msgs take: one per byte of content,
// since every token of a byte-level BPE vocabulary (OpenAI's and most open
// models') stands for at least one byte, plus a fixed overhead per message.
// It is about four times EstimateTokens: a bound, not a guess.
func MaxPromptTokens(msgs []Message) int {
	n := messageOverhead
	for _, m := range msgs {
		n += len(m.Role) + len(m.Content) + messageOverhead
	}
	return n
}

// Cost is the price in USD of the given token counts at prices in USD per
// million tokens.
func Cost(promptTokens, completionTokens int, priceIn, priceOut float64) float64 {
	return (float64(promptTokens)*priceIn + float64(completionTokens)*priceOut) / 1e6
}

type modelPrice struct{ in, out float64 }

// prices is approximate list pricing (USD per million input/output tokens)
// for a few OpenAI models, as published when it was written. Prices change
// and discounts (cached input, batch) are ignored: a campaign that sets
// prices overrides this table.
var prices = map[string]modelPrice{
	"gpt-4o":       {2.50, 10.00},
	"gpt-4o-mini":  {0.15, 0.60},
	"gpt-4.1":      {2.00, 8.00},
	"gpt-4.1-mini": {0.40, 1.60},
	"gpt-4.1-nano": {0.10, 0.40},
	"o3":           {2.00, 8.00},
	"o3-mini":      {1.10, 4.40},
	"o4-mini":      {1.10, 4.40},
	"gpt-5":        {1.25, 10.00},
	"gpt-5-mini":   {0.25, 2.00},
	"gpt-5-nano":   {0.05, 0.40},
}

// snapshotSuffix matches dated model snapshots such as "-2024-08-06".
var snapshotSuffix = regexp.MustCompile(`-\d{4}-\d{2}-\d{2}$`)

// Price returns approximate prices in USD per million input and output
// tokens for a known OpenAI model. It accepts dated snapshots
// ("gpt-4o-2024-08-06") and a routing prefix ("openai/gpt-4o"); ok is false
// for any other name. The table is a convenience, not a bill: campaign
// prices override it.
func Price(model string) (in, out float64, ok bool) {
	name := strings.ToLower(strings.TrimSpace(model))
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = snapshotSuffix.ReplaceAllString(name, "")
	p, ok := prices[name]
	return p.in, p.out, ok
}
