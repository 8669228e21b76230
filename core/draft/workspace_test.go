package draft

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWorkspace(t *testing.T) {
	d := Draft{Evaluator: goodEvaluator, Initial: goodInitial, Meta: draftMeta}
	c := Campaign{Name: "t", Description: "d", Timeout: 1}

	t.Run("discarded, nothing is left", func(t *testing.T) {
		parent := t.TempDir()
		ws, err := NewWorkspace(filepath.Join(parent, "task"), false)
		if err != nil {
			t.Fatal(err)
		}
		if err := ws.Write(d, c); err != nil {
			t.Fatal(err)
		}
		ws.Discard()
		assertEmpty(t, parent)
	})
	t.Run("committed", func(t *testing.T) {
		parent := t.TempDir()
		target := filepath.Join(parent, "task")
		ws, err := NewWorkspace(target, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := ws.Write(d, c); err != nil {
			t.Fatal(err)
		}
		if err := ws.Commit(); err != nil {
			t.Fatal(err)
		}
		ws.Discard()
		for _, name := range []string{EvaluatorFile, InitialFile, CampaignFileName} {
			if _, err := os.Stat(filepath.Join(target, name)); err != nil {
				t.Error(err)
			}
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Errorf("%d entries beside the target, want the target alone", len(entries))
		}
	})
	t.Run("a non-empty folder is refused, or replaced with force", func(t *testing.T) {
		parent := t.TempDir()
		target := filepath.Join(parent, "task")
		if err := os.MkdirAll(target, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(target, "mine.txt"), []byte("keep"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := NewWorkspace(target, false); !errors.Is(err, ErrTargetExists) {
			t.Fatalf("NewWorkspace over a non-empty folder: %v, want ErrTargetExists", err)
		}
		ws, err := NewWorkspace(target, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := ws.Write(d, c); err != nil {
			t.Fatal(err)
		}
		if err := ws.Commit(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(target, "mine.txt")); !os.IsNotExist(err) {
			t.Errorf("the replaced folder's file is still there: %v", err)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Errorf("%d entries beside the target, want the target alone", len(entries))
		}
	})
}

func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
}
