package testenv

import (
	"os"
	"testing"
)

// RequireAllEnv, set to 1, makes every suite required outside CI too.
const RequireAllEnv = "ASI_REQUIRE_ALL"

// RequireAll reports whether a missing tool fails a test instead of
// skipping it: under CI (CI=true or CI=1) or with ASI_REQUIRE_ALL=1.
func RequireAll() bool {
	switch os.Getenv("CI") {
	case "true", "1":
		return true
	}
	return os.Getenv(RequireAllEnv) == "1"
}

// Skipf skips tb for a missing requirement described by the message, or
// fails it with the same message when RequireAll is true. The message
// should name what is missing and how to install it.
func Skipf(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if RequireAll() {
		tb.Fatalf("required suite cannot run (CI=true or "+RequireAllEnv+"=1): "+format, args...)
	}
	tb.Skipf(format, args...)
}

// Optional skips tb for hardware this project's machines need not have
// (a GPU), whatever RequireAll says.
func Optional(tb testing.TB, format string, args ...any) {
	tb.Helper()
	tb.Skipf(format, args...)
}
