package plugins_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/plugins"
)

func writeBinary(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
}

func TestFinderOrder(t *testing.T) {
	root := t.TempDir()
	first, second := filepath.Join(root, "first"), filepath.Join(root, "second")
	declared := filepath.Join(root, "elsewhere", "my-build")
	writeBinary(t, filepath.Join(second, "asi-task-a"), 0o755)
	writeBinary(t, filepath.Join(first, "asi-task-a"), 0o755)
	writeBinary(t, filepath.Join(second, "asi-task-b"), 0o755)
	writeBinary(t, filepath.Join(first, "asi-task-c"), 0o644) // not executable
	writeBinary(t, declared, 0o755)
	f := plugins.Finder{
		Declared: map[string]plugins.Declared{"b": {Path: declared}},
		Dirs:     []string{first, second},
	}
	tests := []struct {
		name     string
		want     string
		wantErr  error
		fromWhat string
	}{
		{name: "a", want: filepath.Join(first, "asi-task-a"), fromWhat: first},
		{name: "b", want: declared, fromWhat: "plugin block"},
		{name: "c", wantErr: plugins.ErrNotFound},
		{name: "d", wantErr: plugins.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.Find(plugins.KindTask, tt.name)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got.Path != tt.want || (err == nil && got.Source != tt.fromWhat) {
				t.Errorf("found %s from %s, want %s from %s", got.Path, got.Source, tt.want, tt.fromWhat)
			}
		})
	}

	type row struct{ Name, Path, Shadowed string }
	var rows []row
	for _, l := range f.All(plugins.KindTask) {
		rows = append(rows, row{l.Name, l.Path, l.Shadowed})
	}
	want := []row{
		{"b", declared, ""},
		{"a", filepath.Join(first, "asi-task-a"), ""},
		{"a", filepath.Join(second, "asi-task-a"), filepath.Join(first, "asi-task-a")},
		{"b", filepath.Join(second, "asi-task-b"), declared},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
}

func TestNewFinderHonoursDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(plugins.DirEnv, dir)
	f := plugins.NewFinder(nil)
	if len(f.Dirs) < 3 || f.Dirs[0] != dir || f.Dirs[1] != filepath.Join(".asi", "plugins") {
		t.Errorf("dirs = %v, want %s, .asi/plugins, then the others", f.Dirs, dir)
	}
}
