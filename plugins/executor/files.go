package executor

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

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
// out (the task decides whether that is a failure). The job wrote them: a
// link leading out of dir is refused (asi may be root, and would read what
// the job could not), and so is anything but a regular file (a FIFO would
// block asi). The files read are returned with an error naming the others.
func readOutputs(dir string, names []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	var errs []error
	for _, n := range names {
		if _, err := jobPath(dir, n); err != nil {
			errs = append(errs, err)
			continue
		}
		data, err := readJobFile(dir, n, maxOutputFile)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("result file %s: %w", n, err))
			continue
		}
		out[n] = data
	}
	return out, errors.Join(errs...)
}

// openJobFile opens the regular file rel inside dir, following no link out
// of dir.
func openJobFile(dir, rel string) (*os.File, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.OpenFile(filepath.Clean(rel), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		_ = f.Close()
		if err == nil {
			err = fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
		}
		return nil, err
	}
	return f, nil
}

// readJobFile reads up to limit bytes of the regular file rel in dir.
func readJobFile(dir, rel string, limit int64) ([]byte, error) {
	f, err := openJobFile(dir, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
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
