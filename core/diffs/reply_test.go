package diffs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    Reply
		wantErr error
		errText string // substring of the error message
	}{
		{
			name: "diff",
			text: "<name>faster-loop</name>\n<motivation>\n  Unroll it.\n</motivation>\n<diff>\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n</diff>\n",
			want: Reply{
				Name: "faster-loop", Motivation: "Unroll it.",
				Blocks: []Block{{Search: "a\n", Replace: "b\n"}},
				Tags: map[string]string{
					"name": "faster-loop", "motivation": "Unroll it.",
					"diff": "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE",
				},
			},
		},
		{
			name: "blocks without a diff tag",
			text: "<name>n</name>\nHere is my edit:\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n",
			want: Reply{
				Name: "n", Blocks: []Block{{Search: "a\n", Replace: "b\n"}},
				Tags: map[string]string{"name": "n"},
			},
		},
		{
			name: "program without fence",
			text: "<name>n</name><program>\n\nline1\n  line2\n\n</program>",
			want: Reply{
				Name: "n", Program: "line1\n  line2\n",
				Tags: map[string]string{"name": "n", "program": "line1\n  line2"},
			},
		},
		{
			name: "program in a fence keeps first indentation",
			text: "<name>n</name><program>\n```go\n\n  x := 1\ny\n```\n</program>",
			want: Reply{
				Name: "n", Program: "  x := 1\ny\n",
				Tags: map[string]string{"name": "n", "program": "```go\n\n  x := 1\ny\n```"},
			},
		},
		{
			name: "program with merge-like lines is not read as blocks",
			text: "<name>n</name><program>\n<<<<<<< SEARCH\n</program>",
			want: Reply{
				Name: "n", Program: "<<<<<<< SEARCH\n",
				Tags: map[string]string{"name": "n", "program": "<<<<<<< SEARCH"},
			},
		},
		{
			name: "diff and program both kept",
			text: "<name>n</name><diff>\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n</diff><program>p</program>",
			want: Reply{
				Name: "n", Blocks: []Block{{Search: "a\n", Replace: "b\n"}}, Program: "p\n",
				Tags: map[string]string{"name": "n", "diff": "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE", "program": "p"},
			},
		},
		{
			name: "first occurrence wins, other tags kept, prose mention skipped",
			text: "<think>use a <diff> maybe</think>\nThe <name> tag: <name>first</name> <name>second</name>\nvector<int> is fine\n<program>x</program><extra>e</extra>",
			want: Reply{
				Name: "first", Program: "x\n",
				Tags: map[string]string{"think": "use a <diff> maybe", "name": "first", "program": "x", "extra": "e"},
			},
		},
		{
			name: "crlf reply",
			text: "<name>n</name>\r\n<diff>\r\n<<<<<<< SEARCH\r\na\r\n=======\r\nb\r\n>>>>>>> REPLACE\r\n</diff>\r\n",
			want: Reply{
				Name: "n", Blocks: []Block{{Search: "a\n", Replace: "b\n"}},
				Tags: map[string]string{"name": "n", "diff": "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE"},
			},
		},
		{
			name:    "unclosed diff",
			text:    "<name>n</name>\n<diff>\n<<<<<<< SEARCH\na\n",
			wantErr: ErrUnclosedTag,
			errText: "<diff> at reply line 2: tag opened but never closed: the reply ends without </diff>",
		},
		{
			name:    "unclosed name at the end",
			text:    "<program>x</program>\n<name>n",
			wantErr: ErrUnclosedTag,
			errText: "<name> at reply line 2",
		},
		{
			name: "unclosed tag mentioned in prose before and after",
			text: "No <program> this time.\n<name>n</name>\n<diff>\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n</diff>\nThe <diff> above is all.",
			want: Reply{
				Name: "n", Blocks: []Block{{Search: "a\n", Replace: "b\n"}},
				Tags: map[string]string{"name": "n", "diff": "<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE"},
			},
		},
		{
			name:    "malformed block",
			text:    "<name>n</name><diff>\n<<<<<<< SEARCH\na\n>>>>>>> REPLACE\n</diff>",
			wantErr: ErrMalformedBlock,
		},
		{
			name:    "no edit at all",
			text:    "<name>n</name><motivation>m</motivation>",
			wantErr: ErrNoEdit,
		},
		{
			name:    "empty diff",
			text:    "<name>n</name><diff>\nI would change the loop.\n</diff>",
			wantErr: ErrNoEdit,
			errText: "<diff>: reply has neither",
		},
		{
			name:    "empty program",
			text:    "<name>n</name><program>\n```\n```\n</program>",
			wantErr: ErrNoEdit,
			errText: "it is empty",
		},
		{
			name:    "no name",
			text:    "<program>x</program>",
			wantErr: ErrNoName,
			want:    Reply{Program: "x\n", Tags: map[string]string{"program": "x"}},
		},
		{
			name:    "blank name",
			text:    "<name>  </name><program>x</program>",
			wantErr: ErrNoName,
			want:    Reply{Program: "x\n", Tags: map[string]string{"name": "", "program": "x"}},
		},
		{
			name:    "uppercase tags are prose",
			text:    "<NAME>n</NAME><PROGRAM>x</PROGRAM>",
			wantErr: ErrNoEdit,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReply(tt.text)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("ParseReply() error = %v, want %v containing %q", err, tt.wantErr, tt.errText)
				}
				if tt.wantErr != ErrNoName {
					return
				}
			} else if err != nil {
				t.Fatalf("ParseReply() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("reply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseReplyTestdata(t *testing.T) {
	tests := []struct {
		file     string
		wantName string
		wantErr  error
		check    func(t *testing.T, r Reply)
	}{
		{
			file:     "diff_with_prose.txt",
			wantName: "grow-radii",
			check: func(t *testing.T, r Reply) {
				if len(r.Blocks) != 2 || r.Program != "" {
					t.Errorf("blocks = %d, program = %q; want 2 blocks and no program", len(r.Blocks), r.Program)
				}
				if r.Motivation != "Equal radii leave gaps; scale them with the index so small circles fill the gaps." {
					t.Errorf("motivation = %q", r.Motivation)
				}
			},
		},
		{
			file:     "program_fenced.txt",
			wantName: "spiral-centers",
			check: func(t *testing.T, r Reply) {
				if !strings.HasPrefix(r.Program, `"""Circle packing`) || strings.Contains(r.Program, "```") {
					t.Errorf("program not cleaned: %q", r.Program)
				}
				if err := CheckRewrite(readTestdata(t, "program.py"), r.Program); err != nil {
					t.Errorf("CheckRewrite() = %v", err)
				}
			},
		},
		{file: "truncated.txt", wantErr: ErrUnclosedTag},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := ParseReply(readTestdata(t, "replies/"+tt.file))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ParseReply() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != tt.wantName {
				t.Errorf("name = %q, want %q", r.Name, tt.wantName)
			}
			tt.check(t, r)
		})
	}
}

func TestParseTags(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		mustClose []string
		want      map[string]string
		wantErr   bool
	}{
		{name: "none", text: "plain", want: map[string]string{}},
		{
			name: "analysis tags",
			text: "<analysis>\nit worked\n</analysis>\n<insight>cache it</insight>",
			want: map[string]string{"analysis": "it worked", "insight": "cache it"},
		},
		{
			name: "content not searched",
			text: "<outer><inner>x</inner></outer>",
			want: map[string]string{"outer": "<inner>x</inner>"},
		},
		{name: "unclosed prose tag", text: "a <b> c", want: map[string]string{}},
		{name: "unclosed required tag", text: "<insight>cut", mustClose: []string{"insight"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTags(tt.text, tt.mustClose...)
			if tt.wantErr {
				if !errors.Is(err, ErrUnclosedTag) {
					t.Fatalf("ParseTags() error = %v, want ErrUnclosedTag", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
		})
	}
}
