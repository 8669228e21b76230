package campaign

import (
	"errors"
	"testing"
)

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    uint64
		wantErr bool
	}{
		{name: "plain bytes", in: "4096", want: 4096},
		{name: "binary unit", in: "256MiB", want: 256 << 20},
		{name: "decimal unit", in: "1GB", want: 1_000_000_000},
		{name: "lower case and space", in: " 64 kib ", want: 64 << 10},
		{name: "bytes unit", in: "12B", want: 12},
		{name: "fraction", in: "1.5GiB", want: 3 << 29},
		{name: "zero", in: "0", want: 0},
		{name: "fraction of a byte", in: "0.5B", wantErr: true},
		{name: "unknown unit", in: "256 megs", wantErr: true},
		{name: "no number", in: "MiB", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "negative", in: "-1MiB", wantErr: true},
		{name: "two points", in: "1.2.3KB", wantErr: true},
		{name: "trailing point", in: "1.KB", wantErr: true},
		{name: "too large", in: "99999999999TiB", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseByteSize(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalidByteSize) {
					t.Errorf("ParseByteSize(%q) error = %v, want ErrInvalidByteSize", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseByteSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		})
	}
}
