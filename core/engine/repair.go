package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/asi-evolve/asi/core/llm"
	"github.com/asi-evolve/asi/core/roles"
	"github.com/asi-evolve/asi/core/store"
)

// repair sends a candidate that failed evaluation back to the researcher
// with the error and its code, up to MaxRepairs times, and re-evaluates
// each fix. Every attempt leaves an event and an artifact holding the code
// that failed; the node's repairs metric counts them.
func (e *Engine) repair(ctx context.Context, step int64, res llm.Provider, rng *rand.Rand, node *store.Node, artifacts map[string][]byte, events *[]store.Event) (map[string][]byte, error) {
	attempts := 0
	defer func() {
		if attempts > 0 {
			node.Metrics[MetricRepairs] = float64(attempts)
		}
	}()
	// A node whose evaluation could not run has nothing to repair.
	for attempts < e.cfg.MaxRepairs && node.Code != "" && !node.Valid && node.Status != store.StatusInfraFailed && ctx.Err() == nil {
		req := llm.Request{
			Role: "researcher", Messages: messagesFor(res, func() []llm.Message { return roles.RepairPrompt(e.desc, roleNode(*node)) }),
			Parents: []llm.Parent{{NodeID: 0, Code: node.Code}},
		}
		if !e.budget.affordable(ctx, res, req) {
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair skipped: the money budget cannot afford it", step)})
			break
		}
		attempts++
		failed, failure := node.Code, node.Error
		if artifacts == nil {
			artifacts = map[string][]byte{}
		}
		artifacts[fmt.Sprintf("repair-%d-failed.txt", attempts)] = []byte("error: " + failure + "\n\n" + failed)
		req.Seed = rng.Int64()
		resp, err := e.callAs(ctx, step, "repair", res, req)
		if errors.Is(err, errOverBudget) {
			delete(artifacts, fmt.Sprintf("repair-%d-failed.txt", attempts))
			attempts--
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair skipped: the money budget cannot afford it", step)})
			break
		}
		if err != nil {
			return artifacts, err
		}
		code, _, motivation, why := applyReply(failed, resp.Content)
		if why != "" {
			*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair %d unusable: %s", step, attempts, firstLine(why))})
			continue
		}
		node.Code = code
		if motivation != "" {
			node.Motivation += "\nRepair " + strconv.Itoa(attempts) + ": " + motivation
		}
		for k, v := range e.evaluate(ctx, node) {
			artifacts[k] = v
		}
		outcome := "fixed it"
		if !node.Valid {
			outcome = "still fails: " + firstLine(node.Error)
		}
		*events = append(*events, store.Event{Kind: "repair", Message: fmt.Sprintf("step %d: repair %d of %q (%s) %s", step, attempts, node.Name, firstLine(failure), outcome)})
	}
	return artifacts, nil
}
