package backend

import (
	"errors"
	"testing"
)

func TestCheckMarkers(t *testing.T) {
	tests := []struct {
		name string
		code string
		want error
	}{
		{"one region", "a\n// EVOLVE-BLOCK-START\nb\n// EVOLVE-BLOCK-END\n", nil},
		{"none", "a\nb\n", ErrNoMarkers},
		{"never closed", "a\n// EVOLVE-BLOCK-START\nb\n", ErrNoMarkers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := checkMarkers(tt.code); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		name, text string
		n          int
		want       string
	}{
		{"short", "a\nb\n", 3, "a\nb"},
		{"cut", "a\nb\nc\nd\n", 2, "...\nc\nd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastLines(tt.text, tt.n); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
