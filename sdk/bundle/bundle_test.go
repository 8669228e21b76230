package bundle

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJoinSplitRoundTrip(t *testing.T) {
	files := []File{
		{Path: "pkg/model.py", Content: "# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n"},
		{Path: "main.py", Content: "import pkg.model\nprint(pkg.model.x)"},
	}
	code, err := Join(files)
	if err != nil {
		t.Fatal(err)
	}
	want := "=== file: pkg/model.py ===\n# EVOLVE-BLOCK-START\nx = 1\n# EVOLVE-BLOCK-END\n=== file: main.py ===\nimport pkg.model\nprint(pkg.model.x)\n"
	if code != want {
		t.Fatalf("Join:\n%s\nwant:\n%s", code, want)
	}
	if !IsBundle(code) {
		t.Fatal("IsBundle = false for a joined text")
	}
	got, err := Split(code)
	if err != nil {
		t.Fatal(err)
	}
	files[1].Content += "\n" // Join ends every file with a newline
	if diff := cmp.Diff(files, got); diff != "" {
		t.Fatalf("Split (-want +got):\n%s", diff)
	}
	secs, _ := Sections(code)
	if secs[1].HeaderLine != 5 || code[secs[0].Start:secs[0].End] != files[0].Content {
		t.Fatalf("sections = %+v", secs)
	}
}

func TestSingleFileIsNotABundle(t *testing.T) {
	code := "print(1)\n=== file: a.py ===\n"
	if IsBundle(code) {
		t.Fatal("a program whose first line is not a header read as several files")
	}
	got, err := Split(code)
	if err != nil || len(got) != 1 || got[0].Content != code || got[0].Path != "" {
		t.Fatalf("Split = %+v, %v", got, err)
	}
}

func TestJoinRefuses(t *testing.T) {
	tests := []struct {
		name  string
		files []File
	}{
		{"none", nil},
		{"empty path", []File{{Path: "", Content: "x"}}},
		{"absolute", []File{{Path: "/etc/passwd", Content: "x"}}},
		{"escapes", []File{{Path: "../x.py", Content: "x"}}},
		{"unclean", []File{{Path: "a/./b.py", Content: "x"}}},
		{"space", []File{{Path: "a b.py", Content: "x"}}},
		{"twice", []File{{Path: "a.py"}, {Path: "a.py"}}},
		{"header inside", []File{{Path: "a.py", Content: "x\n=== file: b.py ===\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Join(tt.files); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Join = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestSectionsRefuseRepeatedPath(t *testing.T) {
	_, err := Sections("=== file: a.py ===\nx\n=== file: a.py ===\ny\n")
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Sections = %v, want ErrInvalid", err)
	}
}
