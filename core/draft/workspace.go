package draft

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrTargetExists: the target folder exists and is not empty.
var ErrTargetExists = errors.New("the folder exists and is not empty")

// Workspace is the folder a draft is written and checked in: hidden,
// beside its target, so that Commit is one rename on the same file
// system. Until Commit, nothing is at the target; Discard removes the
// workspace (after Commit it does nothing).
type Workspace struct {
	Dir    string // the workspace
	Target string // where Commit puts it
	force  bool
	done   bool
}

// NewWorkspace checks target (absent, an empty folder, or with force any
// folder) and makes the workspace beside it. The parent must exist.
func NewWorkspace(target string, force bool) (*Workspace, error) {
	target, err := filepath.Abs(target)
	if err != nil {
		return nil, err
	}
	if err := checkTarget(target, force); err != nil {
		return nil, err
	}
	parent := filepath.Dir(target)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%s: the folder to write into does not exist", parent)
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(target)+".draft-")
	if err != nil {
		return nil, fmt.Errorf("make the draft's folder: %w", err)
	}
	return &Workspace{Dir: dir, Target: target, force: force}, nil
}

func checkTarget(target string, force bool) error {
	fi, err := os.Lstat(target)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: exists and is not a folder", target)
	}
	entries, err := os.ReadDir(target)
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("%s: %w; name another with -o, or replace it with -force", target, ErrTargetExists)
	}
	return nil
}

// Write replaces the workspace's files with the draft's and the campaign
// file asi writes for it.
func (w *Workspace) Write(d Draft, c Campaign) error {
	files := map[string][]byte{
		EvaluatorFile:    []byte(d.Evaluator),
		InitialFile:      []byte(d.Initial),
		CampaignFileName: CampaignFile(c, d.Meta),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(w.Dir, name), data, 0o644); err != nil {
			return fmt.Errorf("write the draft: %w", err)
		}
	}
	return nil
}

// WriteFile writes one more file into the workspace.
func (w *Workspace) WriteFile(name string, data []byte) error {
	if err := os.WriteFile(filepath.Join(w.Dir, name), data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// CampaignFile is the path of the workspace's campaign file.
func (w *Workspace) CampaignFile() string { return filepath.Join(w.Dir, CampaignFileName) }

// Commit moves the workspace to the target. A folder already there (empty,
// or any with force) is replaced: moved aside, the workspace renamed in,
// then removed.
func (w *Workspace) Commit() error {
	if err := checkTarget(w.Target, w.force); err != nil {
		return err
	}
	var old string
	if _, err := os.Lstat(w.Target); err == nil {
		old = w.Dir + ".old"
		if err := os.Rename(w.Target, old); err != nil {
			return fmt.Errorf("move %s aside: %w", w.Target, err)
		}
	}
	if err := os.Rename(w.Dir, w.Target); err != nil {
		if old != "" {
			_ = os.Rename(old, w.Target)
		}
		return fmt.Errorf("move the draft to %s: %w", w.Target, err)
	}
	w.done = true
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("remove the folder replaced: %w", err)
		}
	}
	return nil
}

// Discard removes the workspace unless it was committed.
func (w *Workspace) Discard() {
	if !w.done {
		_ = os.RemoveAll(w.Dir)
	}
}
