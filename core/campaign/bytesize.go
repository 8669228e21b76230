package campaign

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// byteUnits maps a lower-cased unit to its size in bytes. Binary (KiB) and
// decimal (KB) units are both accepted because people write both.
var byteUnits = map[string]uint64{
	"":    1,
	"b":   1,
	"kb":  1000,
	"mb":  1000 * 1000,
	"gb":  1000 * 1000 * 1000,
	"tb":  1000 * 1000 * 1000 * 1000,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
	"tib": 1 << 40,
}

// ParseByteSize parses a size such as "256MiB", "1.5GB", "64 KiB" or "4096"
// (plain bytes). Units are case-insensitive: B, KB, MB, GB, TB (powers of
// 1000) and KiB, MiB, GiB, TiB (powers of 1024). A fraction is allowed when
// the result is a whole number of bytes. Errors wrap ErrInvalidByteSize.
func ParseByteSize(s string) (uint64, error) {
	text := strings.TrimSpace(s)
	end := 0
	for end < len(text) && (text[end] >= '0' && text[end] <= '9' || text[end] == '.') {
		end++
	}
	number, unit := text[:end], strings.ToLower(strings.TrimSpace(text[end:]))
	if number == "" || strings.Count(number, ".") > 1 || number[0] == '.' || number[len(number)-1] == '.' {
		return 0, fmt.Errorf("byte size %q: %w: want a number and a unit such as 256MiB", s, ErrInvalidByteSize)
	}
	scale, ok := byteUnits[unit]
	if !ok {
		return 0, fmt.Errorf("byte size %q: %w: unknown unit %q (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, ErrInvalidByteSize, text[end:])
	}
	value, ok := new(big.Rat).SetString(number)
	if !ok {
		return 0, fmt.Errorf("byte size %q: %w: bad number %q", s, ErrInvalidByteSize, number)
	}
	value.Mul(value, new(big.Rat).SetInt(new(big.Int).SetUint64(scale)))
	if !value.IsInt() {
		return 0, fmt.Errorf("byte size %q: %w: not a whole number of bytes", s, ErrInvalidByteSize)
	}
	bytes := value.Num()
	if !bytes.IsUint64() || bytes.Uint64() > math.MaxInt64 {
		return 0, fmt.Errorf("byte size %q: %w: too large", s, ErrInvalidByteSize)
	}
	return bytes.Uint64(), nil
}
