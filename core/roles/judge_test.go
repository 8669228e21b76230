package roles

import (
	"errors"
	"testing"
)

func TestParseJudgement(t *testing.T) {
	tests := []struct {
		name    string
		reply   string
		want    float64
		wantErr error
	}{
		{"three criteria", "novelty: 8\nsoundness: 6\ncomplexity: 10", 0.8, nil},
		{"out of ten and bullets", "- novelty: 5/10\n* soundness = 7", 0.6, nil},
		{"out of range ignored", "novelty: 11\nsoundness: 4", 0.4, nil},
		{"prose only", "This is a fine design.", 0, ErrNoJudgement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseJudgement(tt.reply)
			if !errors.Is(err, tt.wantErr) || (err == nil && (got < tt.want-1e-9 || got > tt.want+1e-9)) {
				t.Fatalf("ParseJudgement = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func FuzzParseJudgement(f *testing.F) {
	f.Add("novelty: 8\nsoundness: 6")
	f.Add("x: 10/10")
	f.Fuzz(func(t *testing.T, reply string) {
		got, err := ParseJudgement(reply)
		if err == nil && (got < 0 || got > 1) {
			t.Fatalf("score %v outside [0, 1]", got)
		}
	})
}
