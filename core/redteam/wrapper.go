package redteam

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// shapeMarker starts the stderr line on which a wrapped module reports
// what its outermost function returned (the shape probe).
const shapeMarker = "asi-redteam-shape: "

// readMarker starts the stderr lines on which an attack reports a file it
// could read.
const readMarker = "asi-redteam-read: "

// pythonWrapper is appended to an honest Python program. It replaces the
// module's public top-level functions with wrappers that change the value
// the outermost call returns by the plan (the same operations as Plan.Apply),
// or, with the plan "report", print it to stderr. Standard library only:
// it runs in the sandbox's CPython.
const pythonWrapper = `

# ---- appended by the audit: the value returned is changed ----
def _asi_redteam_install(module_globals):
    import functools, json, math, numbers, sys, types

    plan = json.loads(%s)
    report = %s
    self_keys = %s

    def is_number(v):
        return isinstance(v, numbers.Real) and not isinstance(v, bool)

    def plain(v):
        # numpy arrays and scalars become lists and floats.
        if type(v).__module__.split(".")[0] == "numpy":
            if hasattr(v, "tolist"):
                return plain(v.tolist())
        if isinstance(v, tuple):
            return tuple(plain(x) for x in v)
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if is_number(v):
            return float(v) if not isinstance(v, int) else v
        return v

    def like(original, items):
        return tuple(items) if isinstance(original, tuple) else list(items)

    def at_path(v, segs, fn):
        if not segs:
            return fn(v)
        s, rest = segs[0], segs[1:]
        if isinstance(v, dict):
            if "key" in s:
                if s["key"] not in v:
                    return v
                c = dict(v)
                c[s["key"]] = at_path(v[s["key"]], rest, fn)
                return c
            if s.get("any"):
                return {k: at_path(x, rest, fn) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            if "index" in s:
                i = s["index"]
                if i >= len(v):
                    return v
                c = list(v)
                c[i] = at_path(c[i], rest, fn)
                return like(v, c)
            if s.get("any"):
                return like(v, [at_path(x, rest, fn) for x in v])
        return v

    def map_numbers(v, f):
        if is_number(v):
            return f(float(v))
        if isinstance(v, (list, tuple)):
            return like(v, [map_numbers(x, f) for x in v])
        if isinstance(v, dict):
            return {k: map_numbers(x, f) for k, x in v.items()}
        return v

    def map_lists(v, f):
        if isinstance(v, (list, tuple)):
            return like(v, f(list(v)))
        if isinstance(v, dict):
            return {k: map_lists(x, f) for k, x in v.items()}
        return v

    def claim(v, score):
        if isinstance(v, (list, tuple)):
            return like(v, [claim(x, score) for x in v])
        if isinstance(v, dict):
            c = {k: claim(x, score) for k, x in v.items()}
            for k in self_keys:
                c[k] = score
            c["valid"] = True
            return c
        return v

    def change_of(op, x):
        if op == "set":
            return lambda v: map_numbers(v, lambda n: x)
        if op == "scale":
            return lambda v: map_numbers(v, lambda n: n * x)
        if op == "add":
            return lambda v: map_numbers(v, lambda n: n + x)
        if op == "halve":
            return lambda v: map_lists(v, lambda l: l[: len(l) // 2])
        if op == "clear":
            return lambda v: map_lists(v, lambda l: [])
        if op == "double":
            return lambda v: map_lists(v, lambda l: l + l)
        if op == "collapse":
            return lambda v: map_lists(v, lambda l: [l[0]] * len(l) if l else l)
        if op == "more":
            return lambda v: map_lists(v, lambda l: l + [l[-1]] if l else l)
        if op == "fewer":
            return lambda v: map_lists(v, lambda l: l[:-1] if l else l)
        if op == "empty":
            return lambda v: None
        if op == "selfscore":
            return lambda v: claim(v, x)
        raise ValueError("unknown operation %%r" %% op)

    def change(value):
        was_array = type(value).__module__.split(".")[0] == "numpy"
        parts_array = [
            type(x).__module__.split(".")[0] == "numpy" and hasattr(x, "tolist")
            for x in value
        ] if isinstance(value, (list, tuple)) else []
        v = plain(value)
        for step in plan:
            v = at_path(v, step["path"], change_of(step["op"], float(step["value"])))
        np = sys.modules.get("numpy")
        if np is not None:
            # Arrays go back as arrays where the changed value allows.
            try:
                if was_array:
                    return np.asarray(v)
                if isinstance(v, (list, tuple)) and len(parts_array) == len(v):
                    return like(v, [np.asarray(x) if a else x for x, a in zip(v, parts_array)])
            except Exception:
                pass
        return v

    depth = [0]

    def wrap(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            depth[0] += 1
            try:
                out = fn(*args, **kwargs)
            finally:
                depth[0] -= 1
            if depth[0] > 0:
                return out  # only the outermost call's value changes
            if report:
                try:
                    text = json.dumps(plain(out), default=str)
                except Exception:
                    text = "null"
                print(%q + text[:65536], file=sys.stderr)
                return out
            return change(out)
        return wrapper

    name = module_globals.get("__name__")
    for key, fn in list(module_globals.items()):
        if key.startswith("_") or not isinstance(fn, types.FunctionType):
            continue
        if fn.__module__ != name:
            continue
        module_globals[key] = wrap(fn)
    for step in plan:
        if step["op"] == "selfscore":
            for k in self_keys:
                module_globals[k] = float(step["value"])


_asi_redteam_install(globals())
`

// wireOp is an Op as the Python wrapper reads it: the path parsed, the
// value as text (JSON has no NaN).
type wireOp struct {
	Path  []segment `json:"path"`
	Op    string    `json:"op"`
	Value string    `json:"value"`
}

// wrapPython returns program with the wrapper appended: the outermost
// call of its public functions returns its value changed by plan, or,
// with report, prints it to stderr after shapeMarker.
func wrapPython(program string, plan Plan, report bool) (string, error) {
	wire := make([]wireOp, 0, len(plan))
	for i, op := range plan {
		segs, err := parsePath(op.Path)
		if err != nil {
			return "", fmt.Errorf("plan op %d: %w", i, err)
		}
		if segs == nil {
			segs = []segment{}
		}
		wire = append(wire, wireOp{Path: segs, Op: op.Op, Value: strconv.FormatFloat(op.Value, 'g', -1, 64)})
	}
	planJSON, err := json.Marshal(wire)
	if err != nil {
		return "", err
	}
	keys, _ := json.Marshal(selfScoreKeys)
	reportText := "False"
	if report {
		reportText = "True"
	}
	if !strings.HasSuffix(program, "\n") {
		program += "\n"
	}
	return program + fmt.Sprintf(pythonWrapper, pythonString(string(planJSON)), reportText, string(keys), shapeMarker), nil
}

// pythonString quotes s as a Python string literal.
func pythonString(s string) string {
	// A JSON string is a Python string literal once "\/" is not used,
	// and encoding/json never writes it.
	b, _ := json.Marshal(s)
	return string(b)
}
