package llm

// IsReasoningModel says whether model is of a family that reasons before
// it answers (o1, o3, o4, gpt-5, ...): its hidden reasoning tokens are
// billed as completion tokens, so a forecast from visible replies runs low.
func IsReasoningModel(model string) bool { return isReasoningModel(model) }
