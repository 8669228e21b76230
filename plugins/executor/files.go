package executor

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/asi-evolve/asi/sdk"
)

// maxOutputFile caps each result file returned by Wait.
const maxOutputFile = 64 << 20

// jobPath resolves a job-relative path inside dir, refusing ones that leave it.
func jobPath(dir, rel string) (string, error) {
	clean := filepath.Clean(rel)
	if rel == "" || filepath.IsAbs(rel) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("%w: path %q leaves the job directory", ErrBadJob, rel)
	}
	return filepath.Join(dir, clean), nil
}

// writeFiles writes a job's input files under dir.
func writeFiles(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, err := jobPath(dir, n)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("job file %s: %w", n, err)
		}
		if err := os.WriteFile(p, files[n], 0o644); err != nil {
			return fmt.Errorf("job file %s: %w", n, err)
		}
	}
	return nil
}

// readOutputs reads the result files a job declared; missing ones are left
// out (the task decides whether that is a failure).
func readOutputs(dir string, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, n := range names {
		p, err := jobPath(dir, n)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("result file %s: %w", n, err)
		}
		data, err := io.ReadAll(io.LimitReader(f, maxOutputFile))
		_ = f.Close()
		if err != nil {
			return nil, fmt.Errorf("result file %s: %w", n, err)
		}
		out[n] = data
	}
	return out, nil
}

// jobEnv is the whole environment a job gets: what it declares plus a
// minimal PATH, HOME, TMPDIR and LANG. Nothing is inherited from asi.
func jobEnv(job sdk.Job, home string, extra map[string]string) []string {
	env := map[string]string{
		"PATH":   "/usr/local/bin:/usr/bin:/bin",
		"HOME":   home,
		"TMPDIR": home,
		"LANG":   "C.UTF-8",
	}
	for k, v := range job.Env {
		env[k] = v
	}
	for k, v := range extra {
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
