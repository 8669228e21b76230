package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Kinds of plugin, and the prefix of their binaries' names.
const (
	KindTask     = "task"
	KindExecutor = "executor"
)

// BinaryName is the file name a plugin of kind and name is found under.
func BinaryName(kind, name string) string { return "asi-" + kind + "-" + name }

// DirEnv names a directory searched before the standard ones, for tests
// and installs that keep plugins elsewhere.
const DirEnv = "ASI_PLUGIN_DIR"

// Declared is a plugin block of the campaign file.
type Declared struct {
	Path   string // absolute, or relative to the working directory
	SHA256 string // hex; "" checks nothing
}

// Finder finds plugin binaries. The zero value searches nothing; use
// NewFinder.
type Finder struct {
	// Declared are the campaign's plugin blocks by plugin name; they win
	// over every directory.
	Declared map[string]Declared
	// Dirs are searched in order.
	Dirs []string
}

// NewFinder returns a Finder with declared and the standard directories:
// $ASI_PLUGIN_DIR, ./.asi/plugins, $HOME/.asi/plugins and the directory of
// the running executable.
func NewFinder(declared map[string]Declared) Finder {
	var dirs []string
	if d := os.Getenv(DirEnv); d != "" {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, filepath.Join(".asi", "plugins"))
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".asi", "plugins"))
	}
	if exe, err := os.Executable(); err == nil {
		dirs = append(dirs, filepath.Dir(exe))
	}
	return Finder{Declared: declared, Dirs: dirs}
}

// Found is a plugin binary.
type Found struct {
	Kind, Name string
	Path       string
	// Source says where it was found: "plugin block" or the directory.
	Source string
	// SHA256 is the checksum the plugin block demands; "" for none.
	SHA256 string
}

// Find returns the binary of the plugin of kind and name, or an error
// wrapping ErrNotFound (naming where it looked) or ErrChecksum.
func (f Finder) Find(kind, name string) (Found, error) {
	if d, ok := f.Declared[name]; ok {
		found := Found{Kind: kind, Name: name, Path: d.Path, Source: "plugin block", SHA256: d.SHA256}
		if _, err := os.Stat(d.Path); err != nil {
			return Found{}, fmt.Errorf("plugin %q: %w: %w", name, ErrNotFound, err)
		}
		return found, found.Verify()
	}
	var looked []string
	for _, dir := range f.Dirs {
		path := filepath.Join(dir, BinaryName(kind, name))
		if isExecutable(path) {
			return Found{Kind: kind, Name: name, Path: path, Source: dir}, nil
		}
		looked = append(looked, dir)
	}
	return Found{}, fmt.Errorf("plugin %q: %w: no %s in %s", name, ErrNotFound, BinaryName(kind, name), strings.Join(looked, ", "))
}

// All lists every plugin binary of kind: declared ones first, then each
// directory's in search order. A binary hidden by an earlier one of the
// same name is listed with Shadowed set.
func (f Finder) All(kind string) []Listed {
	var out []Listed
	seen := map[string]string{}
	names := make([]string, 0, len(f.Declared))
	for n := range f.Declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := f.Declared[n]
		out = append(out, Listed{Found: Found{Kind: kind, Name: n, Path: d.Path, Source: "plugin block", SHA256: d.SHA256}})
		seen[n] = d.Path
	}
	prefix := BinaryName(kind, "")
	for _, dir := range f.Dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name, ok := strings.CutPrefix(e.Name(), prefix)
			path := filepath.Join(dir, e.Name())
			if !ok || name == "" || e.IsDir() || !isExecutable(path) {
				continue
			}
			l := Listed{Found: Found{Kind: kind, Name: name, Path: path, Source: dir}}
			if prev, dup := seen[name]; dup {
				if samePath(prev, path) {
					continue
				}
				l.Shadowed = prev
			} else {
				seen[name] = path
			}
			out = append(out, l)
		}
	}
	return out
}

// Listed is a binary All found.
type Listed struct {
	Found
	// Shadowed is the path of the binary that wins over this one; "" when
	// this one is used.
	Shadowed string
}

// Verify checks the binary against the plugin block's sha256.
func (p Found) Verify() error {
	if p.SHA256 == "" {
		return nil
	}
	got, err := fileSHA256(p.Path)
	if err != nil {
		return fmt.Errorf("plugin %q: %w", p.Name, err)
	}
	if !strings.EqualFold(got, p.SHA256) {
		return fmt.Errorf("plugin %q: %s has sha256 %s, but the plugin block wants %s: %w",
			p.Name, p.Path, got, p.SHA256, ErrChecksum)
	}
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

func samePath(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
