package dashboard

import (
	"bytes"
	"encoding/json"
	"strings"
)

// minSecretLen keeps short values ("1", "true") from being redacted everywhere.
const minSecretLen = 8

// EnvSecrets returns the values of the environment variables (KEY=VALUE
// strings, as os.Environ gives them) whose names say they hold a secret:
// names containing KEY, TOKEN, SECRET, PASSWORD or CREDENTIAL.
func EnvSecrets(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || len(value) < minSecretLen {
			continue
		}
		upper := strings.ToUpper(name)
		for _, word := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL"} {
			if strings.Contains(upper, word) {
				out = append(out, value)
				break
			}
		}
	}
	return out
}

// redactor replaces known secrets in response bodies.
type redactor struct{ secrets [][]byte }

func newRedactor(secrets []string) redactor {
	var r redactor
	for _, s := range secrets {
		if len(s) < minSecretLen {
			continue
		}
		r.secrets = append(r.secrets, []byte(s))
		// Also the form it takes inside a JSON string.
		if q, err := json.Marshal(s); err == nil && string(q[1:len(q)-1]) != s {
			r.secrets = append(r.secrets, q[1:len(q)-1])
		}
	}
	return r
}

var redacted = []byte("[redacted]")

func (r redactor) apply(b []byte) []byte {
	for _, s := range r.secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, redacted)
		}
	}
	return b
}
