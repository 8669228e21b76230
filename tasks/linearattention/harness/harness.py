# Trusted harness of the linearattention task. It wraps the candidate's
# Mixer (mixer.py) in a small language model and runs one stage:
#
#   python3 harness.py check   static rules, shapes, parameter budget,
#                              causality, sub-quadratic scaling
#   python3 harness.py train   trains on MQAR + text drawn from the training
#                              seed, saves the weights to model.pt
#   python3 harness.py eval    loads model.pt and measures validation loss
#                              and MQAR accuracy on data drawn from
#                              the seed in eval_seed, which only this job is given
#
# Settings come from config.json (written by the plugin). Every stage writes
# its findings to result.json; the plugin trusts only the eval job's.
import ast
import json
import math
import os
import random
import sys
import time

# One OpenBLAS thread under torch's own (set before torch loads it): the
# two thread pools together slow training down, see jobs.go.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

# ---------------------------------------------------------------- data

# Vocabulary: text characters, then MQAR keys, then MQAR values.
CHARS = " abcdefghijklmnopqrstuvwxyz.,"
N_KEYS = 32
N_VALUES = 32
KEY0 = len(CHARS)
VAL0 = KEY0 + N_KEYS
VOCAB = VAL0 + N_VALUES
IGNORE = -100

# A small grammar for the text half of the mixture: enough structure
# (agreement, repeated names, punctuation) that a better mixer lowers the
# loss, generated here so nothing is downloaded.
NAMES = ["ada", "bo", "cyd", "dee", "eli", "fay", "gus", "hal", "ivy", "jo"]
NOUNS = ["cat", "dog", "bird", "fox", "owl", "hen", "ant", "bee", "cow", "eel"]
VERBS = ["sees", "likes", "finds", "calls", "helps", "meets", "feeds", "hears"]
ADJS = ["red", "big", "old", "shy", "wet", "odd", "tiny", "calm"]
PLACES = ["park", "barn", "lake", "hill", "yard", "shop"]


def sentence(rng, name):
    n = rng.choice(NOUNS)
    forms = [
        lambda: f"{name} {rng.choice(VERBS)} the {rng.choice(ADJS)} {n}.",
        lambda: f"the {n} {rng.choice(VERBS)} {name} at the {rng.choice(PLACES)}.",
        lambda: f"{name} and the {n} go to the {rng.choice(PLACES)}, then {name} {rng.choice(VERBS)} it.",
        lambda: f"a {rng.choice(ADJS)} {n} {rng.choice(VERBS)} a {rng.choice(ADJS)} {rng.choice(NOUNS)}.",
    ]
    return rng.choice(forms)()


def text_batch(rng, batch, seq_len):
    x = torch.empty(batch, seq_len, dtype=torch.long)
    y = torch.empty(batch, seq_len, dtype=torch.long)
    for b in range(batch):
        name = rng.choice(NAMES)  # one protagonist per sequence: recall pays
        s = ""
        while len(s) < seq_len + 1:
            s += sentence(rng, name) + " "
        ids = [CHARS.index(c) for c in s[: seq_len + 1]]
        x[b] = torch.tensor(ids[:-1])
        y[b] = torch.tensor(ids[1:])
    return x, y


def mqar_batch(rng, batch, seq_len, pairs):
    """Multi-query associative recall: pairs of (key, value), then the keys
    again in another order; the model must predict each key's value."""
    assert 4 * pairs <= seq_len
    x = torch.zeros(batch, seq_len, dtype=torch.long)
    y = torch.full((batch, seq_len), IGNORE, dtype=torch.long)
    for b in range(batch):
        keys = rng.sample(range(N_KEYS), pairs)
        vals = [rng.randrange(N_VALUES) for _ in keys]
        seq = []
        for k, v in zip(keys, vals):
            seq += [KEY0 + k, VAL0 + v]
        order = list(range(pairs))
        rng.shuffle(order)
        targets = {}
        for i in order:
            targets[len(seq)] = VAL0 + vals[i]
            seq += [KEY0 + keys[i], VAL0 + vals[i]]
        while len(seq) < seq_len:  # filler text characters
            seq.append(rng.randrange(len(CHARS)))
        x[b] = torch.tensor(seq[:seq_len])
        for pos, t in targets.items():
            y[b, pos] = t
    return x, y


# ---------------------------------------------------------------- model


class Block(nn.Module):
    def __init__(self, d, mixer_cls):
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.mixer = mixer_cls(d)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.mixer(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class LM(nn.Module):
    def __init__(self, d, layers, mixer_cls):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        self.blocks = nn.ModuleList([Block(d, mixer_cls) for _ in range(layers)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, VOCAB, bias=False)

    def forward(self, x):
        h = self.embed(x)
        for b in self.blocks:
            h = b(h)
        return self.head(self.norm(h))


# ---------------------------------------------------------------- checks

ALLOWED_IMPORTS = {"math", "torch", "torch.nn", "torch.nn.functional"}
FORBIDDEN_NAMES = {
    "open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars",
    "getattr", "setattr", "delattr", "input", "breakpoint", "memoryview",
}


def static_check(src):
    """Rules the candidate's source must follow: a mixer computes, it does
    not reach into the harness, the file system or the interpreter."""
    tree = ast.parse(src, "mixer.py")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name not in ALLOWED_IMPORTS:
                    return f"line {node.lineno}: import {a.name} is not allowed (only {', '.join(sorted(ALLOWED_IMPORTS))})"
        elif isinstance(node, ast.ImportFrom):
            if node.module not in ALLOWED_IMPORTS:
                return f"line {node.lineno}: from {node.module} import is not allowed (only {', '.join(sorted(ALLOWED_IMPORTS))})"
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            return f"line {node.lineno}: {node.id} is not allowed in a mixer"
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__") and node.attr != "__init__":
            return f"line {node.lineno}: attribute {node.attr} is not allowed in a mixer"
        elif isinstance(node, ast.Global):
            return f"line {node.lineno}: global statements are not allowed in a mixer"
    return None


def load_mixer(src_path="mixer.py"):
    with open(src_path) as f:
        src = f.read()
    problem = static_check(src)
    if problem:
        raise CandidateError(problem)
    scope = {"__name__": "mixer"}
    exec(compile(src, "mixer.py", "exec"), scope)
    cls = scope.get("Mixer")
    if not isinstance(cls, type) or not issubclass(cls, nn.Module):
        raise CandidateError("mixer.py must define class Mixer(nn.Module)")
    return cls


class CandidateError(Exception):
    pass


class WorkCounter(TorchDispatchMode):
    """Counts the elements every aten operation reads and writes. Views
    (select, slice, reshape) move no data and count nothing, so that
    indexing one step of a long tensor costs nothing."""

    def __init__(self):
        super().__init__()
        self.elements = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        if any(r.alias_info is not None for r in func._schema.returns):
            return out
        for t in tree_flatten((args, kwargs, out))[0]:
            if isinstance(t, torch.Tensor):
                self.elements += t.numel()
        return out


def forward_work(m, length, d):
    x = torch.randn(1, length, d)
    with torch.no_grad():
        counter = WorkCounter()
        with counter:
            m(x)
    return max(counter.elements, 1)


def check(cfg):
    d = cfg["d_model"]
    cls = load_mixer()
    torch.manual_seed(0)
    m = cls(d)
    params = sum(p.numel() for p in m.parameters())
    if params > cfg["max_mixer_params"]:
        raise CandidateError(f"the mixer has {params} parameters at d_model={d}; the budget is {cfg['max_mixer_params']}")
    m.eval()
    T = cfg["seq_len"]
    x = torch.randn(2, T, d)
    with torch.no_grad():
        y = m(x)
    if not isinstance(y, torch.Tensor) or tuple(y.shape) != (2, T, d):
        raise CandidateError(f"Mixer(x) with x of shape (2, {T}, {d}) returned {getattr(y, 'shape', type(y).__name__)}, want (2, {T}, {d})")
    if not torch.isfinite(y).all():
        raise CandidateError("Mixer(x) returned NaN or infinite values for x ~ N(0, 1)")
    # Causality: changing the tokens after t must leave outputs up to t alone.
    for t in sorted({1, T // 3, T // 2, T - 2}):
        x2 = x.clone()
        x2[:, t + 1:] = torch.randn(2, T - t - 1, d) * 3
        with torch.no_grad():
            y2 = m(x2)
        diff = (y2[:, : t + 1] - y[:, : t + 1]).abs().max().item()
        if diff > 1e-4 * (1 + y.abs().max().item()):
            raise CandidateError(f"not causal: changing the inputs after position {t} changed the outputs at positions <= {t} (by up to {diff:.3g})")
    # Scaling: count the work of the forward pass at two lengths (elements
    # read and written by every tensor operation, a measure that does not
    # depend on the machine's load); its growth exponent must be clearly
    # below 2.
    t1, t2 = cfg["scale_len"], cfg["scale_len"] * cfg["scale_factor"]
    work = [forward_work(m, L, d) for L in (t1, t2)]
    exponent = math.log(work[1] / work[0]) / math.log(t2 / t1)
    result = {"params": params, "scaling_exponent": exponent, "work_short": work[0], "work_long": work[1]}
    if exponent > cfg["max_scaling_exponent"]:
        raise CandidateError(
            f"cost grows too fast with sequence length: {work[0]:.3g} tensor elements touched at T={t1}, {work[1]:.3g} at T={t2} "
            f"(exponent {exponent:.2f}, the limit is {cfg['max_scaling_exponent']}); quadratic attention is not allowed")
    return result


# ---------------------------------------------------------------- train / eval


def device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def train(cfg):
    dev = device()
    rng = random.Random(cfg["train_seed"])  # data drawn before the candidate is loaded
    batches = []
    for step in range(cfg["steps"]):
        if step % 2 == 0:
            batches.append(mqar_batch(rng, cfg["batch"], cfg["seq_len"], cfg["pairs"]))
        else:
            batches.append(text_batch(rng, cfg["batch"], cfg["seq_len"]))
    cls = load_mixer()
    torch.manual_seed(cfg["train_seed"])
    model = LM(cfg["d_model"], cfg["layers"], cls).to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg["lr"], total_steps=cfg["steps"], pct_start=0.1)
    start = time.time()
    last = float("nan")
    for step, (x, y) in enumerate(batches):
        x, y = x.to(dev), y.to(dev)
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1), ignore_index=IGNORE)
        if not torch.isfinite(loss):
            raise CandidateError(f"training diverged at step {step}: loss {loss.item()}")
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        last = loss.item()
        if step % 50 == 0:
            print(f"step {step} loss {last:.4f} {time.time() - start:.1f}s", flush=True)
    # Half precision keeps a 20M-parameter model under the executor's cap
    # on result files; eval casts it back.
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}, "model.pt")
    return {"params": n_params, "train_loss": last, "train_s": time.time() - start}


def evaluate(cfg):
    dev = device()
    # The seed comes in a file that is read and deleted before the
    # candidate's code is loaded.
    with open("eval_seed") as f:
        seed = int(f.read())
    os.remove("eval_seed")
    rng = random.Random(seed)
    n = cfg["eval_batches"]
    mqar = [mqar_batch(rng, cfg["batch"], cfg["seq_len"], cfg["pairs"]) for _ in range(n)]
    text = [text_batch(rng, cfg["batch"], cfg["seq_len"]) for _ in range(n)]
    cls = load_mixer()
    model = LM(cfg["d_model"], cfg["layers"], cls).to(dev)
    state = torch.load("model.pt", map_location=dev)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in state.items()})
    model.eval()
    correct = total = 0
    loss_sum = tokens = 0.0
    with torch.no_grad():
        for x, y in mqar:
            x, y = x.to(dev), y.to(dev)
            pred = model(x).argmax(-1)
            mask = y != IGNORE
            correct += (pred[mask] == y[mask]).sum().item()
            total += mask.sum().item()
        for x, y in text:
            x, y = x.to(dev), y.to(dev)
            logits = model(x)
            loss_sum += F.cross_entropy(logits.reshape(-1, VOCAB), y.reshape(-1), reduction="sum").item()
            tokens += y.numel()
    return {"mqar_acc": correct / total, "val_loss": loss_sum / tokens}


def main():
    stage = sys.argv[1]
    with open("config.json") as f:
        cfg = json.load(f)
    torch.set_num_threads(max(1, int(cfg.get("threads", 1))))
    start = time.time()
    try:
        out = {"check": check, "train": train, "eval": evaluate}[stage](cfg)
        out["ok"] = True
    except CandidateError as e:
        out = {"ok": False, "reason": str(e)}
    except Exception as e:  # the candidate's own failure: report it
        import traceback
        tb = traceback.format_exc(limit=-3)
        out = {"ok": False, "reason": f"{type(e).__name__}: {e}\n{tb}"}
    out["seconds"] = time.time() - start
    with open("result.json", "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
