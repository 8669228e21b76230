package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// cToolchain builds C with clang for the wasm32-wasi target, linked with
// WASI libc. It needs clang 19 (or a clang on PATH with the target);
// scripts/ci/install-sandbox.sh installs it. Builds are cached in CacheDir
// by the hash of the files, the flags and the clang version.
//
// clang reads whatever files the source names, so the source is checked
// before it is compiled: an #include may reach only the candidate's own
// files and the system headers of the target, and #embed, __has_include
// and inline assembly (whose .incbin would copy a host file into the
// module) are refused.
type cToolchain struct{}

func (cToolchain) Language() string { return "c" }

// cFlags are part of the build cache key; the first three also
// preprocess. -msimd128 lets clang vectorize loops with wasm SIMD, which
// wazero compiles to SSE/NEON: it halves a matrix multiply's time. The
// 1MiB stack matches what programs expect on a host; wasm-ld's default
// is 64KiB.
var cFlags = []string{"--target=wasm32-wasi", "-msimd128", "-std=gnu17", "-O2", "-Wl,-z,stack-size=1048576", "-Wl,--strip-all"}

// maxCSource bounds the total size of the files a C program may have.
const maxCSource = 4 << 20

func (cToolchain) Prepare(ctx context.Context, r *Runtime, files map[string][]byte) (*Program, error) {
	if _, err := Entry(files, ".c"); err != nil {
		return nil, err
	}
	cc, err := findClang()
	if err != nil {
		return nil, err
	}
	total := 0
	for name, b := range files {
		total += len(b)
		if !validGuestPath(name) || strings.Contains(name, "/") {
			return nil, &CompileError{Output: fmt.Sprintf("file name %q: want a plain file name", name)}
		}
		if err := checkCSource(name, b); err != nil {
			return nil, err
		}
	}
	if total > maxCSource {
		return nil, &CompileError{Output: fmt.Sprintf("sources are %d bytes, over the limit of %d", total, maxCSource)}
	}

	h := sha256.New()
	fmt.Fprintf(h, "c\x00%s\x00%s\x00", cc.version, strings.Join(cFlags, " "))
	for _, name := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(files[name]))
		h.Write(files[name])
	}
	cachePath := filepath.Join(r.opt.CacheDir, "cbuild", hex.EncodeToString(h.Sum(nil))+".wasm")
	m, err := r.loadBuild(ctx, "c", cachePath, func() ([]byte, error) { return r.clangBuild(ctx, cc, files) })
	if err != nil {
		return nil, err
	}
	return moduleProgram(m), nil
}

// directive finds preprocessor directives that read files, after line
// splices are removed; "%:" and "??=" are the digraph and trigraph of "#".
var directive = regexp.MustCompile(`(?m)^[ \t]*(?:#|%:|\?\?=)[ \t]*(?:/\*.*?\*/[ \t]*)*([A-Za-z_]+)`)

// checkCSource refuses what would make clang read host files the
// dependency check cannot see, or put them into the module.
func checkCSource(name string, src []byte) error {
	text := strings.ReplaceAll(strings.ReplaceAll(string(src), "\\\r\n", ""), "\\\n", "")
	for _, m := range directive.FindAllStringSubmatch(text, -1) {
		if m[1] == "embed" {
			return &CompileError{Output: name + ": #embed is not allowed"}
		}
	}
	for _, word := range []string{"__has_include", "__has_embed", "__has_include_next"} {
		if strings.Contains(text, word) {
			return &CompileError{Output: fmt.Sprintf("%s: %s is not allowed", name, word)}
		}
	}
	return nil
}

// asmWord finds inline assembly in preprocessed source.
var asmWord = regexp.MustCompile(`\b(?:asm|__asm|__asm__)\b`)

// clangInfo is the clang found on this host.
type clangInfo struct {
	path       string
	version    string
	systemDirs []string // where its system headers are, each ending in "/"
}

var findClang = sync.OnceValues(func() (clangInfo, error) {
	const hint = "install clang-19, lld-19, libclang-rt-19-dev-wasm32 and wasi-libc (scripts/ci/install-sandbox.sh)"
	var path string
	for _, name := range []string{"clang-19", "clang"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		return clangInfo{}, fmt.Errorf("c: no clang on PATH; %s: %w", hint, ErrToolchainMissing)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return clangInfo{}, fmt.Errorf("c: %s --version: %w; %s: %w", path, err, hint, ErrToolchainMissing)
	}
	version, _, _ := strings.Cut(string(out), "\n")
	// The header search list, which -v prints to stderr, tells which
	// directories hold the target's system headers.
	cmd := exec.CommandContext(ctx, path, "--target=wasm32-wasi", "-E", "-v", "-x", "c", "-", "-o", os.DevNull)
	cmd.Stdin = strings.NewReader("#include <stdio.h>\n")
	diag, err := cmd.CombinedOutput()
	if err != nil {
		first, _, _ := strings.Cut(strings.TrimSpace(string(diag)), "\n")
		return clangInfo{}, fmt.Errorf("c: %s has no wasm32-wasi libc (%s); %s: %w",
			path, first, hint, ErrToolchainMissing)
	}
	var dirs []string
	inList := false
	for line := range strings.SplitSeq(string(diag), "\n") {
		switch {
		case strings.HasPrefix(line, "#include <...> search starts here:"):
			inList = true
		case strings.HasPrefix(line, "End of search list."):
			inList = false
		case inList && strings.HasPrefix(line, " /"):
			dir := filepath.Clean(strings.TrimSpace(line))
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			dirs = append(dirs, dir+"/")
		}
	}
	if len(dirs) == 0 {
		return clangInfo{}, fmt.Errorf("c: %s printed no header search list: %w", path, ErrToolchainMissing)
	}
	return clangInfo{path: path, version: version, systemDirs: dirs}, nil
})

// clangBuild preprocesses the files, checks what they included and that no
// inline assembly is left, then compiles and links the preprocessed code.
func (r *Runtime) clangBuild(ctx context.Context, cc clangInfo, files map[string][]byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "asi-cbuild-")
	if err != nil {
		return nil, fmt.Errorf("sandbox: build dir: %w", err)
	}
	defer os.RemoveAll(dir)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	var sources []string
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return nil, fmt.Errorf("sandbox: write %s: %w", name, err)
		}
		if strings.HasSuffix(name, ".c") {
			sources = append(sources, name)
		}
	}
	slices.Sort(sources)

	buildCtx, cancel := context.WithTimeout(ctx, r.opt.BuildTimeout)
	defer cancel()
	clang := func(args ...string) error {
		cmd := exec.CommandContext(buildCtx, cc.path, args...)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C"}
		killProcessGroup(cmd)
		out, err := cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("sandbox: clang: %w", ctx.Err())
		case buildCtx.Err() != nil:
			return &CompileError{Output: fmt.Sprintf("clang took longer than %s", r.opt.BuildTimeout)}
		}
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return fmt.Errorf("sandbox: clang: %w", err)
		}
		return &CompileError{Output: cleanBuildOutput(string(out), dir)}
	}

	var preprocessed []string
	for _, src := range sources {
		pre := strings.TrimSuffix(src, ".c") + ".i"
		// No source snippets in the preprocessor's messages: an #include of
		// a host file that fails to preprocess must not quote its lines.
		args := append(slices.Clone(cFlags[:3]), "-fno-caret-diagnostics", "-E", "-MD", "-MF", src+".d", src, "-o", pre)
		if err := clang(args...); err != nil {
			var ce *CompileError
			if errors.As(err, &ce) {
				ce.Output = hideForeignDiagnostics(ce.Output, cc.systemDirs)
			}
			return nil, err
		}
		if err := checkCDeps(filepath.Join(dir, src+".d"), dir, cc.systemDirs); err != nil {
			return nil, err
		}
		text, err := os.ReadFile(filepath.Join(dir, pre))
		if err != nil {
			return nil, fmt.Errorf("sandbox: read %s: %w", pre, err)
		}
		if loc := asmWord.FindIndex(stripCLines(text)); loc != nil {
			return nil, &CompileError{Output: src + ": inline assembly is not allowed"}
		}
		preprocessed = append(preprocessed, pre)
	}
	args := append(slices.Clone(cFlags), "-o", "guest.wasm")
	args = append(args, preprocessed...)
	if err := clang(args...); err != nil {
		return nil, err
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "guest.wasm"))
	if err != nil {
		return nil, fmt.Errorf("sandbox: read build output: %w", err)
	}
	return wasm, nil
}

// hideForeignDiagnostics replaces a preprocessor message that points into
// a file outside the program and the C library (which only an include the
// dependency check would refuse can reach) with one naming the file only.
func hideForeignDiagnostics(out string, systemDirs []string) string {
	for line := range strings.SplitSeq(out, "\n") {
		line = strings.TrimPrefix(line, "In file included from ")
		path, _, ok := strings.Cut(line, ":")
		if !ok || !filepath.IsAbs(path) {
			continue
		}
		allowed := false
		for _, sys := range systemDirs {
			allowed = allowed || strings.HasPrefix(filepath.Clean(path), sys)
		}
		if !allowed {
			return fmt.Sprintf("#include %q: only the program's own files and the C library's headers may be included", path)
		}
	}
	return out
}

// stripCLines drops the "# 12 file" line markers of preprocessed output,
// whose file names could hold the word asm.
func stripCLines(text []byte) []byte {
	var out bytes.Buffer
	for line := range bytes.SplitSeq(text, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("# ")) {
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// checkCDeps refuses a build that read any file outside the build
// directory and the system header directories.
func checkCDeps(depFile, dir string, systemDirs []string) error {
	b, err := os.ReadFile(depFile)
	if err != nil {
		return fmt.Errorf("sandbox: read dependencies: %w", err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	_, deps, _ := strings.Cut(text, ": ")
	for _, dep := range strings.Fields(deps) {
		p := dep
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		p = filepath.Clean(p)
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		ok := strings.HasPrefix(p, dir+"/")
		for _, sys := range systemDirs {
			ok = ok || strings.HasPrefix(p, sys)
		}
		if !ok {
			return &CompileError{Output: fmt.Sprintf("#include %q: only the program's own files and the C library's headers may be included", dep)}
		}
	}
	return nil
}
