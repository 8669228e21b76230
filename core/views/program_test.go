package views

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/asi-evolve/asi/core/store"
)

const twoFiles = "=== file: solver/model.py ===\nw = 1\nb = 2\n=== file: run.py ===\nimport solver\n"

func TestBestText(t *testing.T) {
	tests := []struct {
		name, code, want string
	}{
		// `asi best > best.py` gets the code itself, byte for byte.
		{"one file", "package main\n", "package main\n"},
		{"one file, no final newline", "x = 1", "x = 1\n"},
		{"several files: the joined text", twoFiles, twoFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (View{W: &b}).Best(store.Node{ID: 3, Code: tt.code}); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Fatalf("best printed %q, want %q", b.String(), tt.want)
			}
		})
	}
}

func TestBestJSONFiles(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		want    []ProgramFile
		wantErr string
	}{
		{"one file: no files key", "package main\n", nil, ""},
		{"several files", twoFiles, []ProgramFile{{"solver/model.py", "w = 1\nb = 2\n"}, {"run.py", "import solver\n"}}, ""},
		{"path escaping the folder", "=== file: ../evil.py ===\nx = 1\n", nil, "../evil.py"},
		{"absolute path", "=== file: /etc/evil ===\nx = 1\n", nil, "/etc/evil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := (View{W: &b, JSON: true}).Best(store.Node{ID: 3, Code: tt.code})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || b.Len() != 0 {
					t.Fatalf("err = %v, output %q; want an error naming %q and no output", err, b.String(), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Code  string
				Files []ProgramFile `json:"files"`
			}
			if err := json.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Code != tt.code {
				t.Errorf("code = %q, want it whole", got.Code)
			}
			if diff := cmp.Diff(tt.want, got.Files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if tt.want == nil && strings.Contains(b.String(), `"files"`) {
				t.Errorf("a program of one file gained a files key:\n%s", b.String())
			}
		})
	}
}

func TestNodeCodeSection(t *testing.T) {
	tests := []struct {
		name string
		code string
		want string // the output after the evaluation line
	}{
		{"one file", "package main\n", "\nCode:\npackage main\n"},
		{"several files", twoFiles + "=== file: empty.txt ===\n",
			"\nFiles (3):\n  solver/model.py  2 lines\n  run.py           1 line\n  empty.txt        0 lines\n" +
				"\nsolver/model.py:\nw = 1\nb = 2\n\nrun.py:\nimport solver\n\nempty.txt:\n(empty)\n"},
		{"bad path: the text whole", "=== file: a/../b ===\nx\n",
			"\nCode:\n=== file: a/../b ===\nx\n\n(not split into files: line 1: invalid program files: path \"a/../b\" must be relative and clean, inside the program's folder)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := (View{W: &b}).Node(NodeDetail{Node: store.Node{ID: 2, Code: tt.code}}, "score"); err != nil {
				t.Fatal(err)
			}
			_, got, ok := strings.Cut(b.String(), "evaluation: 0s\n")
			if !ok || got != tt.want {
				t.Fatalf("show printed\n%s\nwant after the evaluation line:\n%s", b.String(), tt.want)
			}
		})
	}
}

func TestNodeJSONFiles(t *testing.T) {
	for _, code := range []string{"package main\n", twoFiles} {
		var b bytes.Buffer
		if err := (View{W: &b, JSON: true}).Node(NodeDetail{Node: store.Node{ID: 2, Code: code}}, "score"); err != nil {
			t.Fatal(err)
		}
		var got NodeDetail
		if err := json.Unmarshal(b.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 0, true: 2}[code == twoFiles]; len(got.Files) != want || got.Code != code {
			t.Fatalf("show -json of %q: %d files, want %d:\n%s", code, len(got.Files), want, b.String())
		}
	}
}

func TestExportJSONLFiles(t *testing.T) {
	ns := []store.Node{
		{ID: 1, Code: "package main\n"},
		{ID: 2, Code: twoFiles},
		{ID: 3, Code: "=== file: ../x ===\n"}, // exported, without files
	}
	var b bytes.Buffer
	if err := Export(&b, ns, "jsonl"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, want := range [][]ProgramFile{nil, {{"solver/model.py", "w = 1\nb = 2\n"}, {"run.py", "import solver\n"}}, nil} {
		var got exportRecord
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Files); diff != "" || got.Code != ns[i].Code {
			t.Errorf("node %d: code %q, files (-want +got):\n%s", ns[i].ID, got.Code, diff)
		}
		if want == nil && strings.Contains(lines[i], `"files"`) {
			t.Errorf("node %d: a files key: %s", ns[i].ID, lines[i])
		}
	}
}
