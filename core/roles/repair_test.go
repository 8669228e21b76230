package roles

import (
	"strings"
	"testing"

	"github.com/asi-evolve/asi/core/task"
)

func TestRepairPromptShowsErrorAndCode(t *testing.T) {
	msg := RepairPrompt(task.Description{Name: "t", Language: "go"}, Node{Name: "x", Feedback: "undefined: y", Code: "package main"})
	if !strings.Contains(msg[0].Content, "undefined: y") || !strings.Contains(msg[0].Content, "package main") {
		t.Fatalf("repair prompt = %q", msg[0].Content)
	}
}
