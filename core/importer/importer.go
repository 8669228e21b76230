package importer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"go.yaml.in/yaml/v3"
)

// Kinds of folder Import reads.
const (
	OpenEvolve = "openevolve"
	Shinka     = "shinka"
	ASIEvolve  = "asi-evolve"
)

// Kinds lists what Import reads.
var Kinds = []string{OpenEvolve, Shinka, ASIEvolve}

// ErrNotAFolder is wrapped when the folder lacks what its kind needs.
var ErrNotAFolder = errors.New("not a folder of this kind")

// Options change what Import writes.
type Options struct {
	// Offline writes the folder's models as comments, so the campaign runs
	// with the offline operator until they are uncommented.
	Offline bool
}

// Campaign is an imported campaign file.
type Campaign struct {
	Name string
	Text string // the campaign file
	// Unmapped names the settings that have no counterpart (each is a
	// comment in Text).
	Unmapped []string
}

// Import reads dir as a folder of kind and writes the campaign file that
// runs it, to live in dir (its paths are relative to dir).
func Import(kind, dir string, opts Options) (Campaign, error) {
	var (
		spec folder
		err  error
	)
	switch kind {
	case OpenEvolve:
		spec, err = readOpenEvolve(dir)
	case Shinka:
		spec, err = readShinka(dir)
	case ASIEvolve:
		spec, err = readASIEvolve(dir)
	default:
		return Campaign{}, fmt.Errorf("unknown kind %q: asi imports %s", kind, strings.Join(Kinds, ", "))
	}
	if err != nil {
		return Campaign{}, err
	}
	if spec.name == "" {
		abs, _ := filepath.Abs(dir)
		spec.name = filepath.Base(abs)
	}
	spec.name = campaignName(spec.name)
	text := string(hclwrite.Format([]byte(spec.render(kind, opts))))
	return Campaign{Name: spec.name, Text: text, Unmapped: spec.unmapped}, nil
}

// folder is what a kind's reader found, in asi's terms.
type folder struct {
	name       string
	contract   string
	evaluator  string
	initial    string
	statement  string
	steps      int
	seed       *int
	workers    int
	timeout    int // seconds
	thresholds []float64
	sampler    string
	sampleN    int
	islands    int
	migration  int
	rate       float64
	models     []model
	choice     string // researcher_choice
	baseURL    string
	// notes are comments for settings with no counterpart, by section.
	notes    map[string][]string
	unmapped []string
}

type model struct {
	name        string
	weight      float64
	temperature *float64
	maxTokens   int
}

// note records a setting with no counterpart.
func (f *folder) note(section, key string, value any, why string) {
	if f.notes == nil {
		f.notes = map[string][]string{}
	}
	f.notes[section] = append(f.notes[section], fmt.Sprintf("%s = %s: %s", short(key), short(value), why))
	f.unmapped = append(f.unmapped, key)
}

func short(v any) string {
	s := strings.TrimSpace(fmt.Sprint(v))
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 { // by runes: a cut rune is not UTF-8
		s = string(r[:57]) + "..."
	}
	return s
}

// readYAML reads the first of names found in dir; nil when none is there.
func readYAML(dir string, names ...string) (map[string]any, string, error) {
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, "", fmt.Errorf("%s: %w", n, err)
		}
		if m == nil {
			m = map[string]any{}
		}
		return m, n, nil
	}
	return nil, "", nil
}

// need checks that dir holds file.
func need(dir, file, kind string) error {
	if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
		return fmt.Errorf("%s: no %s (an %s folder has one): %w", dir, file, kind, ErrNotAFolder)
	}
	return nil
}

var evolveMarker = regexp.MustCompile(`EVOLVE-BLOCK-START`)

// findProgram returns the one file of dir, other than skip, that holds an
// EVOLVE block.
func findProgram(dir string, skip ...string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var found []string
	for _, e := range entries {
		if !e.Type().IsRegular() || slices.Contains(skip, e.Name()) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err == nil && evolveMarker.Match(data) {
			found = append(found, e.Name())
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%s: want one program with an EVOLVE-BLOCK-START marker, found %d (%s): %w", dir, len(found), strings.Join(found, ", "), ErrNotAFolder)
	}
	return found[0], nil
}

// Reading YAML values of any type.

func get(m map[string]any, path ...string) (any, bool) {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case float64:
		return int(x), x == float64(int(x))
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func asString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

var nameChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// campaignName makes s a campaign label.
func campaignName(s string) string {
	s = strings.Trim(nameChars.ReplaceAllString(s, "-"), "-.")
	if s == "" {
		return "imported"
	}
	return s
}

// modelLabel makes a model name a block label.
func modelLabel(name string) string {
	l := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9_]+`).ReplaceAllString(name, "_"), "_")
	if l == "" || (l[0] >= '0' && l[0] <= '9') {
		l = "m_" + l
	}
	return l
}

func quote(s string) string { return strconv.Quote(s) }
