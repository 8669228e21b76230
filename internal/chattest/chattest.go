// Package chattest writes the replies of scripted OpenAI-compatible chat
// servers in tests.
package chattest

import (
	"encoding/json"
	"net/http"
)

// Reply answers a /v1/chat/completions request with one assistant message,
// content, and a small usage record.
func Reply(w http.ResponseWriter, content string) {
	body, _ := json.Marshal(map[string]any{
		"id": "c", "object": "chat.completion", "model": "scripted",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": content}}},
		"usage": map[string]any{"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
	})
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}
