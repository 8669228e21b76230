// The asi dashboard: plain JavaScript, no dependencies, no network access
// beyond this server. Pages are chosen from location.pathname.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";

// h builds an element: h("a", {href: "/"}, "text", child...). Text is
// always set as text, never parsed as HTML.
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === undefined || kid === null) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

// fill replaces an element's children, flattening nested lists and
// dropping empty ones.
function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false)
    .map((k) => (k instanceof Node ? k : document.createTextNode(String(k)))));
  return el;
}

async function getJSON(url, opts) {
  const r = await fetch(url, opts);
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
  return body;
}

const fmt = (v) => (v === null || v === undefined ? "—" : Number(v).toPrecision(6).replace(/\.?0+($|e)/, "$1"));
const usd = (v) => "$" + Number(v || 0).toFixed(4);
const esc = encodeURIComponent;
const app = () => document.getElementById("app");

function setHeader(name, tab) {
  const crumb = document.getElementById("crumb");
  const tabs = document.getElementById("tabs");
  fill(crumb);
  fill(tabs);
  if (!name) return;
  crumb.append(h("a", { href: "/c/" + esc(name) }, name));
  const base = "/c/" + esc(name);
  for (const [label, path, key] of [["Live", "", "live"], ["Lineage", "/tree", "tree"], ["Grid", "/grid", "grid"], ["Cognition", "/cognition", "cognition"]]) {
    tabs.append(h("a", { href: base + path, class: tab === key ? "on" : "", id: "tab-" + key }, label));
  }
}

function showError(err) {
  fill(app(), h("p", { class: "error" }, String(err.message || err)));
}

// Colours: viridis stops for scores, a qualitative palette for islands.
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function ramp(t) {
  t = Math.max(0, Math.min(1, t));
  const x = t * (VIRIDIS.length - 1), i = Math.min(Math.floor(x), VIRIDIS.length - 2), f = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + f * (VIRIDIS[i + 1][k] - a)));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
const ISLANDS = ["#e45756", "#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#eeca3b", "#72b7b2"];
const islandColour = (i) => ISLANDS[((i % ISLANDS.length) + ISLANDS.length) % ISLANDS.length];

// scoreScale maps a score to [0, 1] with 1 the best, over the valid nodes.
function scoreScale(nodes, direction) {
  const scores = nodes.filter((n) => n.valid).map((n) => n.score);
  const lo = Math.min(...scores), hi = Math.max(...scores);
  return (v) => {
    if (!(hi > lo)) return 1;
    const t = (v - lo) / (hi - lo);
    return direction === "minimize" ? 1 - t : t;
  };
}

// ---------- syntax highlighting (comments, strings, numbers, keywords) ----------
const KEYWORDS = new Set(("break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var " +
  "def class lambda elif while try except finally with as from in is not and or pass yield raise True False None self " +
  "let function new this null undefined true false nil int float string bool").split(" "));
const TOKEN = /(\/\/.*$|#.*$)|("(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`[^`]*`?)|(\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_]\w*)/g;
function highlight(line) {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    let cls = null;
    if (m[1]) cls = "tok-com";
    else if (m[2]) cls = "tok-str";
    else if (m[3]) cls = "tok-num";
    else if (m[4] && KEYWORDS.has(m[4])) cls = "tok-kw";
    if (!cls) continue;
    if (m.index > last) frag.append(line.slice(last, m.index));
    frag.append(h("span", { class: cls }, m[0]));
    last = m.index + m[0].length;
  }
  if (last < line.length) frag.append(line.slice(last));
  return frag;
}

// ---------- charts ----------
// scoreChart draws every node's score, failures on the bottom edge and the
// best score so far as a step line.
function scoreChart(nodes, direction, onPick) {
  const W = 900, H = 300, L = 60, R = 16, T = 14, B = 34;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", id: "score-chart" });
  const sorted = [...nodes].sort((a, b) => a.step - b.step);
  const valid = sorted.filter((n) => n.valid);
  if (!sorted.length) return svg;
  const maxStep = Math.max(1, sorted[sorted.length - 1].step);
  let lo = Math.min(...valid.map((n) => n.score)), hi = Math.max(...valid.map((n) => n.score));
  if (!valid.length) { lo = 0; hi = 1; }
  if (hi === lo) { hi += Math.abs(hi) * 0.05 || 1; lo -= Math.abs(lo) * 0.05 || 1; }
  const pad = (hi - lo) * 0.06; lo -= pad; hi += pad;
  const x = (st) => L + (st / maxStep) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  for (let i = 0; i <= 4; i++) {
    const v = lo + (i / 4) * (hi - lo);
    svg.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#eaeef2" }));
    svg.append(s("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end" }, Number(v.toPrecision(4))));
  }
  for (let i = 0; i <= 5; i++) {
    const st = Math.round((i / 5) * maxStep);
    svg.append(s("text", { x: x(st), y: H - 16, "text-anchor": "middle" }, st));
  }
  svg.append(s("text", { x: (L + W - R) / 2, y: H - 2, "text-anchor": "middle" }, "step"));
  let best = null, path = "";
  for (const n of sorted) {
    if (n.valid && (best === null || (direction === "minimize" ? n.score < best : n.score > best))) {
      path += (path ? `H${x(n.step)}V${y(n.score)}` : `M${x(n.step)},${y(n.score)}`);
      best = n.score;
    }
  }
  if (path) svg.append(s("path", { d: path + `H${x(maxStep)}`, fill: "none", stroke: "#e45756", "stroke-width": 2, class: "best-line" }));
  for (const n of sorted) {
    const title = s("title", {}, `node ${n.id} · step ${n.step} · ${n.name} · ${n.valid ? fmt(n.score) : "failed: " + n.error}`);
    const g = n.valid
      ? s("circle", { cx: x(n.step), cy: y(n.score), r: 3.5, fill: "#4c78a8", "fill-opacity": 0.75, class: "pt" }, title)
      : s("path", { d: `M${x(n.step) - 3},${H - B - 3}l6,6m0,-6l-6,6`, stroke: "#cf222e", "stroke-width": 1.5, class: "pt fail" }, title);
    if (onPick) { g.addEventListener("click", () => onPick(n)); g.style.cursor = "pointer"; }
    svg.append(g);
  }
  return svg;
}

// frontChart plots a Pareto front on its first two objectives, better
// towards the top right whatever each objective's direction; the
// preferred member is ringed.
function frontChart(front, onPick) {
  const W = 900, H = 300, L = 60, R = 16, T = 24, B = 40;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, id: "pareto-front" });
  const [ox, oy] = front.objectives;
  const pts = front.members.map((m) => ({ m, a: m.values[0], b: m.values[1] }));
  const range = (vals, o) => {
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { hi += Math.abs(hi) * 0.05 || 1; lo -= Math.abs(lo) * 0.05 || 1; }
    const pad = (hi - lo) * 0.08;
    return o.direction === "minimize" ? [hi + pad, lo - pad] : [lo - pad, hi + pad];
  };
  const [x0, x1] = range(pts.map((p) => p.a), ox), [y0, y1] = range(pts.map((p) => p.b), oy);
  const x = (v) => L + ((v - x0) / (x1 - x0)) * (W - L - R);
  const y = (v) => T + (1 - (v - y0) / (y1 - y0)) * (H - T - B);
  for (let i = 0; i <= 3; i++) {
    const vx = x0 + (i / 3) * (x1 - x0), vy = y0 + (i / 3) * (y1 - y0);
    svg.append(s("text", { x: x(vx), y: H - 22, "text-anchor": "middle" }, Number(vx.toPrecision(3))));
    svg.append(s("text", { x: L - 6, y: y(vy) + 4, "text-anchor": "end" }, Number(vy.toPrecision(3))));
  }
  const arrow = (o) => o.metric + (o.direction === "minimize" ? " ↓" : " ↑");
  svg.append(s("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, arrow(ox)));
  svg.append(s("text", { x: L, y: 12, "text-anchor": "start" }, arrow(oy)));
  const sorted = [...pts].sort((p, q) => x(p.a) - x(q.a));
  if (sorted.length > 1) svg.append(s("path", { d: sorted.map((p, i) => `${i ? "L" : "M"}${x(p.a)},${y(p.b)}`).join(""), fill: "none", stroke: "#d0d7de" }));
  for (const p of pts) {
    const dot = s("circle", { cx: x(p.a), cy: y(p.b), r: p.m.id === front.preferred ? 6 : 4, fill: "#4c78a8", stroke: p.m.id === front.preferred ? "#e45756" : "none",
      "stroke-width": 2, class: "pt front-pt" }, s("title", {}, `node ${p.m.id} · ${p.m.name} · ${front.objectives.map((o, k) => o.metric + " " + fmt(p.m.values[k])).join(" · ")}`));
    if (onPick) { dot.addEventListener("click", () => onPick(p.m)); dot.style.cursor = "pointer"; }
    svg.append(dot);
  }
  return svg;
}

// hypervolumeChart draws the hypervolume after each stored node.
function hypervolumeChart(curve) {
  const W = 900, H = 160, L = 60, R = 16, T = 10, B = 30;
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${W} ${H}`, id: "hypervolume-chart" });
  svg.style.height = H + "px";
  if (!curve.length) return svg;
  const maxStep = Math.max(1, curve[curve.length - 1].step), hi = Math.max(...curve.map((p) => p.hypervolume)) || 1;
  const x = (st) => L + (st / maxStep) * (W - L - R), y = (v) => T + (1 - v / hi) * (H - T - B);
  svg.append(s("text", { x: L - 6, y: y(hi) + 4, "text-anchor": "end" }, Number(hi.toPrecision(4))));
  svg.append(s("text", { x: L - 6, y: y(0) + 4, "text-anchor": "end" }, 0));
  svg.append(s("text", { x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle" }, "step"));
  svg.append(s("path", { d: curve.map((p, i) => (i ? `H${x(p.step)}V${y(p.hypervolume)}` : `M${x(p.step)},${y(p.hypervolume)}`)).join(""),
    fill: "none", stroke: "#e45756", "stroke-width": 2 }));
  return svg;
}

// frontPanel shows a campaign's Pareto front: the plot, the hypervolume
// over steps and a table of the members.
function frontPanel(name, front) {
  const open = (m) => navigate(`/c/${esc(name)}/node/${m.id}`);
  const hv = front.hypervolume === null ? "unknown (no reference point)" : fmt(front.hypervolume);
  return [h("h2", {}, `Pareto front: ${front.members.length} node(s), hypervolume ${hv}`),
    front.objectives.length >= 2 && front.members.length ? frontChart(front, open) : null,
    h("h2", {}, "Hypervolume vs step"), hypervolumeChart(front.hypervolume_curve),
    h("table", { id: "front-table" }, h("tr", {}, ["node", "name", ...front.objectives.map((o) => o.metric + (o.direction === "minimize" ? " ↓" : " ↑"))].map((t) => h("th", {}, t))),
      front.members.map((m) => h("tr", { class: m.id === front.preferred ? "preferred" : "" }, h("td", {}, h("a", { href: `/c/${esc(name)}/node/${m.id}` }, m.id)), h("td", {}, m.name),
        m.values.map((v) => h("td", { class: "num" }, fmt(v)))))),
    h("p", { class: "muted" }, "The valid nodes no other node beats on every objective. Ringed: the one `asi best` prints (the largest weighted sum of the objectives scaled to the front).")];
}

// activityChart: nodes stored per minute over the last 30 minutes.
function activityChart(nodes) {
  const W = 300, H = 80, now = Date.now(), bins = new Array(30).fill(0);
  for (const n of nodes) {
    const age = Math.floor((now - new Date(n.created).getTime()) / 60000);
    if (age >= 0 && age < 30) bins[29 - age]++;
  }
  const top = Math.max(1, ...bins);
  const svg = s("svg", { class: "chart bars", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", id: "activity" });
  svg.style.height = "80px";
  bins.forEach((c, i) => {
    const bh = (c / top) * (H - 4);
    svg.append(s("rect", { x: i * (W / 30) + 1, y: H - bh, width: W / 30 - 2, height: bh }, s("title", {}, `${c} node(s), ${29 - i} min ago`)));
  });
  return svg;
}

// ---------- pages ----------
async function pageList() {
  setHeader(null);
  const list = await getJSON("/api/campaigns");
  const rows = list.map((c) => h("tr", {},
    h("td", {}, h("a", { href: "/c/" + esc(c.name), class: "campaign-link" }, c.name)),
    h("td", {}, c.task), h("td", { class: "num" }, c.done + (c.budget ? " / " + c.budget : "")),
    h("td", { class: "num" }, c.best ? fmt(c.best.score) : "—"), h("td", {}, c.primary + (c.direction === "minimize" ? " ↓" : " ↑")),
    h("td", { class: "num" }, c.failures), h("td", { class: "num" }, c.running), h("td", { class: "num" }, usd(c.cost_usd)),
    h("td", { class: "muted" }, c.updated && !c.updated.startsWith("0001") ? new Date(c.updated).toLocaleString() : "")));
  fill(app(), h("h1", {}, "Campaigns"),
    list.length ? h("table", { id: "campaigns" }, h("tr", {}, ["campaign", "task", "steps", "best", "metric", "failed", "running", "spend", "last node"].map((t) => h("th", {}, t))), rows)
      : h("p", { class: "muted" }, "No campaign here yet: run `asi apply FILE`, then reload."));
}

let liveSource = null;
function stopLive() {
  if (liveSource) { liveSource.close(); liveSource = null; }
  document.getElementById("live").className = "live";
  document.getElementById("live").textContent = "";
}

// live keeps a campaign's nodes current through Server-Sent Events.
function live(name, state, render) {
  stopLive();
  const after = state.nodes.length ? state.nodes[state.nodes.length - 1].id : 0;
  liveSource = new EventSource(`/api/campaigns/${esc(name)}/stream?after=${after}`);
  const badge = document.getElementById("live");
  liveSource.addEventListener("open", () => { badge.className = "live on"; badge.textContent = "live"; });
  liveSource.addEventListener("error", () => { badge.className = "live"; badge.textContent = "reconnecting…"; });
  liveSource.addEventListener("update", (ev) => {
    const v = JSON.parse(ev.data);
    const known = new Set(state.nodes.map((n) => n.id));
    for (const n of v.nodes) if (!known.has(n.id)) state.nodes.push(n);
    state.summary = v.summary; state.events = v.events; state.failures = v.failures;
    state.front = v.front;
    state.audit = v.audit;
    state.redteam = v.redteam;
    render();
  });
}

// redteamPanel lists the red team's findings: programs the evaluator
// scored valid and past a bound no honest program reaches.
function redteamPanel(name, rt, primary) {
  if (!rt.findings.length) return [h("h2", {}, "Red team"), h("p", { class: "muted" }, `${rt.passes} pass(es) attacked the evaluator; no finding.`)];
  const where = (f) => f.node > 0 ? h("a", { href: `/c/${esc(name)}/node/${f.node}` }, f.where) : f.where;
  return [h("h2", {}, "Red team"),
    h("p", { class: "bad" }, `The evaluator scored ${rt.findings.length} attack program(s) past a bound no honest program reaches: it has a hole.`),
    h("table", { id: "redteam" }, h("tr", {}, ["attacked", "attack", "kind", primary, "bound", "past it", "what it did"].map((t) => h("th", {}, t))),
      rt.findings.map((f) => h("tr", { class: "flagged" }, h("td", {}, where(f)), h("td", {}, f.attack), h("td", {}, f.kind), h("td", { class: "num" }, fmt(f.score)),
        h("td", { class: "num", title: f.bound_is }, fmt(f.bound)), h("td", { class: "num" }, Math.round(100 * f.excess) + "%"), h("td", {}, f.description || ""))))];
}

async function loadCampaign(name) {
  return getJSON(`/api/campaigns/${esc(name)}`);
}

async function pageLive(name) {
  setHeader(name, "live");
  const state = await loadCampaign(name);
  const chartBox = h("div", { class: "panel" });
  const cards = h("div", { class: "cards", id: "cards" });
  const side = h("div", {});
  const failures = h("div", {});
  const top = h("div", {});
  const frontBox = h("div", { class: "panel", id: "front-panel" });
  const redteamBox = h("div", { id: "redteam-panel" });
  const render = () => {
    const sm = state.summary, done = sm.done;
    const rate = done ? Math.round((100 * sm.failures) / done) + "%" : "—";
    const card = (k, v, id) => h("div", { class: "card" }, h("span", { class: "k" }, k), h("span", { class: "v", id }, v));
    fill(cards,
      card("steps", done + (sm.budget ? " / " + sm.budget : ""), "steps"),
      card("best " + sm.primary, sm.best ? fmt(sm.best.score) : "none", "best-score"),
      card("initial", sm.initial && sm.initial.valid ? fmt(sm.initial.score) : "—"),
      card("failures", sm.failures + " (" + rate + ")", "failures"),
      sm.infra_failures ? card("not evaluated (plugin failed)", sm.infra_failures, "infra-failures") : null,
      card("spend", usd(sm.cost_usd), "spend"),
      sm.llm_calls || !sm.offline_roles.length
        ? card("tokens", (sm.prompt_tokens + sm.completion_tokens).toLocaleString(), "tokens")
        : card("llm", "no model called", "llm"),
      sm.offline_roles.length ? card("offline (no model)", sm.offline_roles.join(", "), "offline") : null,
      card("workers busy", sm.running, "running"),
      state.audit ? card("flagged by audit", `${state.audit.flagged.length} of ${state.audit.audited}`, "audit-flagged") : null,
      state.redteam ? card("red team findings", `${state.redteam.findings.length} in ${state.redteam.passes} pass(es)`, "redteam-findings") : null);
    fill(chartBox, h("h2", {}, `Best ${sm.primary} vs step`), scoreChart(state.nodes, sm.direction, (n) => navigate(`/c/${esc(name)}/node/${n.id}`)),
      h("p", { class: "muted" }, "Dots: every valid node. Crosses: failed nodes. Line: best so far. Click a dot to open its node."));
    fill(side, h("h2", {}, "Activity"), h("div", { class: "muted" }, `${sm.running} step(s) running; nodes stored per minute, last 30 minutes:`), activityChart(state.nodes),
      h("h2", {}, "Events"), h("div", { class: "events", id: "events" }, [...state.events].reverse().map((e) =>
        h("div", { class: e.kind === "failed" || e.kind === "infra_failed" ? "bad" : "" }, h("span", { class: "muted" }, new Date(e.time).toLocaleTimeString() + " "),
          e.node ? h("a", { href: `/c/${esc(name)}/node/${e.node}` }, e.message) : e.message))));
    fill(failures, h("h2", {}, "Failures"), state.failures.length
      ? h("table", {}, h("tr", {}, h("th", {}, "reason"), h("th", { class: "num" }, "nodes"), h("th", {}, "latest")),
        state.failures.map((f) => h("tr", {}, h("td", {}, f.reason), h("td", { class: "num" }, f.count), h("td", {}, h("a", { href: `/c/${esc(name)}/node/${f.example}` }, "node " + f.example)))))
      : h("p", { class: "muted" }, "No failure."));
    const best = state.nodes.filter((n) => n.valid).sort((a, b) => sm.direction === "minimize" ? a.score - b.score : b.score - a.score).slice(0, 10);
    const flagged = new Map((state.audit ? state.audit.flagged : []).map((f) => [f.id, f]));
    fill(top, h("h2", {}, "Top 10"), h("table", { id: "top" }, h("tr", {}, ["node", "step", "name", sm.primary, "island"].map((t) => h("th", {}, t))),
      best.map((n) => h("tr", { class: flagged.has(n.id) ? "flagged" : "" }, h("td", {}, h("a", { href: `/c/${esc(name)}/node/${n.id}` }, n.id)), h("td", {}, n.step),
        h("td", {}, n.name, flagged.has(n.id) ? h("span", { class: "bad", title: flagged.get(n.id).reason || "" }, " ⚠ flagged by audit") : null), h("td", { class: "num" }, fmt(n.score)), h("td", {}, n.island)))));
    redteamBox.hidden = !state.redteam;
    if (state.redteam) fill(redteamBox, redteamPanel(name, state.redteam, sm.primary));
    frontBox.hidden = !state.front;
    if (state.front) fill(frontBox, frontPanel(name, state.front));
  };
  render();
  fill(app(), h("h1", {}, name, h("span", { class: "muted" }, ` · ${state.summary.task} · ${state.summary.primary} (${state.summary.direction})`)),
    cards, h("div", { class: "grid2" }, h("div", {}, chartBox, frontBox, top, redteamBox, failures), side));
  live(name, state, render);
}

async function pageTree(name) {
  setHeader(name, "tree");
  const state = await loadCampaign(name);
  const wrap = h("div", { class: "tree-wrap" });
  const islandSel = h("select", { id: "island-filter" }, h("option", { value: "" }, "all islands"));
  const legend = h("span", { class: "legend" });
  const info = h("span", { class: "muted", id: "tree-info" });
  let view = null;
  const draw = () => {
    const nodes = state.nodes, sm = state.summary;
    const islands = [...new Set(nodes.map((n) => n.island))].sort((a, b) => a - b);
    if (islandSel.options.length !== islands.length + 1) {
      fill(islandSel, h("option", { value: "" }, "all islands"), islands.map((i) => h("option", { value: i }, "island " + i)));
    }
    fill(legend, h("span", {}, "worse"), h("span", { class: "ramp" }), h("span", {}, "better"),
      islands.map((i) => { const sw = h("span", { class: "swatch" }); sw.style.borderColor = islandColour(i); return h("span", { class: "legend" }, sw, "island " + i); }),
      h("span", { class: "legend" }, h("span", { class: "swatch fail-swatch" }), "failed"));
    info.textContent = `${nodes.length} nodes · best ${sm.best ? fmt(sm.best.score) + " (node " + sm.best.id + ")" : "none"}`;
    const old = view;
    view = lineageTree(name, nodes, sm, islandSel.value === "" ? null : Number(islandSel.value));
    if (old && old.viewBox) view.setViewBox(old.viewBox());
    fill(wrap, view.svg);
  };
  islandSel.addEventListener("change", draw);
  fill(app(), h("h1", {}, "Lineage"),
    h("div", { class: "toolbar" }, h("button", { onclick: () => view.zoom(1 / 1.3), id: "zoom-in" }, "+"), h("button", { onclick: () => view.zoom(1.3) }, "−"),
      h("button", { onclick: () => view.fit() }, "fit"), islandSel, legend, info),
    wrap, h("p", { class: "muted" }, "Each node hangs under the parent it edited. Wheel to zoom, drag to pan, click a node to open it. The best node's line of descent is drawn thicker."));
  draw();
  live(name, state, draw);
}

// lineageTree lays the nodes out as a tree (parent = first parent), leaves
// side by side, and returns the SVG with zoom and pan.
function lineageTree(name, nodes, sm, onlyIsland) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const kids = new Map();
  const roots = [];
  for (const n of nodes) {
    const p = n.parents.length ? n.parents[0] : null;
    if (p !== null && byId.has(p)) { if (!kids.has(p)) kids.set(p, []); kids.get(p).push(n); } else roots.push(n);
  }
  const pos = new Map();
  let leaf = 0, depthMax = 0;
  const DX = 26, DY = 64;
  // Iterative post-order, so a long chain cannot overflow the stack.
  for (const root of roots) {
    const stack = [[root, 0, false]];
    while (stack.length) {
      const [n, d, seen] = stack.pop();
      const cs = kids.get(n.id) || [];
      depthMax = Math.max(depthMax, d);
      if (!seen && cs.length) {
        stack.push([n, d, true]);
        for (let i = cs.length - 1; i >= 0; i--) stack.push([cs[i], d + 1, false]);
        continue;
      }
      const x = cs.length ? (pos.get(cs[0].id).x + pos.get(cs[cs.length - 1].id).x) / 2 : (leaf++) * DX;
      pos.set(n.id, { x, y: d * DY });
    }
  }
  const onBest = new Set();
  if (sm.best) for (let cur = byId.get(sm.best.id); cur; cur = cur.parents.length ? byId.get(cur.parents[0]) : null) { if (onBest.has(cur.id)) break; onBest.add(cur.id); }
  const scale = scoreScale(nodes, sm.direction);
  const width = Math.max(leaf * DX, 200), height = Math.max(depthMax * DY, 100);
  const svg = s("svg", { class: "tree", id: "tree" });
  const g = s("g", {});
  svg.append(g);
  for (const n of nodes) {
    const p = n.parents.length ? pos.get(n.parents[0]) : null, c = pos.get(n.id);
    if (!p || !c) continue;
    const thick = onBest.has(n.id) && onBest.has(n.parents[0]);
    g.append(s("path", { d: `M${p.x},${p.y}C${p.x},${(p.y + c.y) / 2} ${c.x},${(p.y + c.y) / 2} ${c.x},${c.y}`, fill: "none", stroke: thick ? "#e45756" : "#c4cad1", "stroke-width": thick ? 3 : 1.2 }));
  }
  for (const n of nodes) {
    const c = pos.get(n.id);
    const dim = onlyIsland !== null && n.island !== onlyIsland;
    const node = s("g", { class: "node" + (n.valid ? "" : " failed") + (sm.best && sm.best.id === n.id ? " best" : ""), "data-id": n.id, transform: `translate(${c.x},${c.y})`, opacity: dim ? 0.15 : 1 },
      s("title", {}, `node ${n.id} · step ${n.step} · island ${n.island}\n${n.name}\n${n.valid ? sm.primary + " = " + fmt(n.score) : "failed: " + n.error}`),
      s("circle", { r: sm.best && sm.best.id === n.id ? 11 : 8, fill: n.valid ? ramp(scale(n.score)) : "#d0d7de", stroke: islandColour(n.island), "stroke-width": 2.2 }),
      n.valid ? null : s("path", { d: "M-4,-4L4,4M4,-4L-4,4", stroke: "#cf222e", "stroke-width": 2 }),
      s("text", { y: -13, "text-anchor": "middle" }, n.id));
    node.addEventListener("click", () => { if (!dragged) navigate(`/c/${esc(name)}/node/${n.id}`); });
    g.append(node);
  }
  // Zoom and pan by changing the viewBox.
  let vb = [-40, -40, width + 80, height + 80];
  const apply = () => svg.setAttribute("viewBox", vb.join(" "));
  let dragged = false, drag = null;
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const r = svg.getBoundingClientRect();
    const fx = (ev.clientX - r.left) / r.width, fy = (ev.clientY - r.top) / r.height;
    zoomAt(ev.deltaY > 0 ? 1.15 : 1 / 1.15, fx, fy);
  }, { passive: false });
  svg.addEventListener("pointerdown", (ev) => { drag = { x: ev.clientX, y: ev.clientY, vb: [...vb] }; dragged = false; });
  svg.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    const dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) { dragged = true; svg.classList.add("dragging"); }
    if (!dragged) return;
    const k = Math.max(drag.vb[2] / r.width, drag.vb[3] / r.height);
    vb = [drag.vb[0] - dx * k, drag.vb[1] - dy * k, drag.vb[2], drag.vb[3]];
    apply();
  });
  const end = () => { drag = null; svg.classList.remove("dragging"); };
  svg.addEventListener("pointerup", end);
  svg.addEventListener("pointerleave", end);
  function zoomAt(k, fx, fy) {
    const [x, y, w, hh] = vb;
    vb = [x + w * fx * (1 - k), y + hh * fy * (1 - k), w * k, hh * k];
    apply();
  }
  apply();
  return {
    svg,
    zoom: (k) => zoomAt(k, 0.5, 0.5),
    fit: () => { vb = [-40, -40, width + 80, height + 80]; apply(); },
    viewBox: () => vb,
    setViewBox: (v) => { vb = [...v]; apply(); },
  };
}

async function pageNode(name, id) {
  setHeader(name, "");
  stopLive();
  const n = await getJSON(`/api/campaigns/${esc(name)}/nodes/${id}`);
  const link = (x) => h("a", { href: `/c/${esc(name)}/node/${x.id}` }, `node ${x.id} (${x.name}, ${x.valid ? fmt(x.score) : "failed"})`);
  const section = (title, ...body) => [h("h2", {}, title), ...body];
  const text = (t, empty) => (t ? h("pre", { class: "wrap" }, t) : h("p", { class: "muted" }, empty));
  const metrics = Object.keys(n.metrics || {}).sort();
  const diff = h("div", { class: "diff", id: "diff" });
  if (!n.parent) diff.append(h("div", { class: "ln hunk" }, h("span", { class: "code" }, "No parent: this is where the campaign started. The whole program is below.")));
  else if (!n.diff.length) diff.append(h("div", { class: "ln hunk" }, h("span", { class: "code" }, "Same program as its parent.")));
  for (const d of n.diff) {
    // A program of several files: each file opens with a heading line.
    if (d.change) { diff.append(h("div", { class: "ln file " + d.change }, h("span", { class: "code" }, d.text))); continue; }
    const cls = { "+": "add", "-": "del", "@": "hunk", " ": "ctx" }[d.op];
    diff.append(h("div", { class: "ln diff-line " + cls }, h("span", { class: "no" }, d.old || ""), h("span", { class: "no" }, d.new || ""),
      h("span", { class: "code" }, d.op === "@" ? d.text : highlight(d.text))));
  }
  const code = h("pre", { id: "code" });
  n.code.split("\n").forEach((line, i) => { code.append(highlight(line), "\n"); });
  const notesBox = h("div", { class: "notes", id: "notes" });
  const renderNotes = (list) => {
    fill(notesBox, list.length ? h("div", {}, list.map((e) => h("p", {}, h("span", { class: "muted" }, new Date(e.time).toLocaleString() + " "), e.message))) : h("p", { class: "muted" }, "No note."));
    if (!n.writable) { notesBox.append(h("p", { class: "muted" }, "This dashboard is read-only (start `asi ui -token …` to leave notes).")); return; }
    const token = h("input", { type: "password", placeholder: "token", id: "note-token", value: sessionStorage.getItem("asi-token") || "" });
    const ta = h("textarea", { id: "note-text", placeholder: "a note on this node" });
    const msg = h("span", { class: "muted" });
    notesBox.append(ta, h("div", { class: "toolbar" }, token, h("button", { id: "note-save", onclick: async () => {
      sessionStorage.setItem("asi-token", token.value);
      try {
        const list2 = await getJSON(`/api/campaigns/${esc(name)}/nodes/${id}/notes`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: "Bearer " + token.value }, body: JSON.stringify({ text: ta.value }) });
        renderNotes(list2);
      } catch (e) { msg.textContent = e.message; }
    } }, "add note"), msg));
  };
  renderNotes(n.notes);
  const cognition = !n.cognition_recorded
    ? h("p", { class: "muted", id: "cognition" }, "This campaign's store does not record which cognition items were retrieved for a step.")
    : n.cognition.length ? h("ul", { id: "cognition" }, n.cognition.map((c) => h("li", {}, c))) : h("p", { class: "muted", id: "cognition" }, "No cognition item was retrieved for this step.");
  fill(app(),
    h("h1", { id: "node-title" }, `Node ${n.id} · ${n.name}`),
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("span", { class: "k" }, n.primary), h("span", { class: "v " + (n.valid ? "good" : "bad"), id: "node-score" }, n.valid ? fmt(n.score) : "failed")),
      h("div", { class: "card" }, h("span", { class: "k" }, "step"), h("span", { class: "v" }, n.step)),
      h("div", { class: "card" }, h("span", { class: "k" }, "island"), h("span", { class: "v" }, n.island)),
      h("div", { class: "card" }, h("span", { class: "k" }, "evaluation"), h("span", { class: "v" }, (n.eval_ms / 1000).toFixed(2) + " s"))),
    h("p", {}, "Parent: ", n.parent ? link(n.parent) : "none", n.parents.length > 1 ? h("span", { class: "muted" }, " · other context: " + n.parents.slice(1).join(", ")) : null),
    n.children.length ? h("p", {}, "Children: ", n.children.map((c, i) => [i ? ", " : "", link(c)])) : null,
    n.full_error ? h("p", { class: "error" }, n.full_error) : null,
    section("Motivation", text(n.motivation, "None given.")),
    section("Analysis", text(n.analysis, "No analysis.")),
    section("Metrics", metrics.length ? h("table", { id: "metrics" }, metrics.map((k) => h("tr", {}, h("td", {}, k), h("td", { class: "num" }, fmt(n.metrics[k]))))) : h("p", { class: "muted" }, "No metric.")),
    section("Evaluator feedback", text(n.feedback, "None.")),
    section("Change against its parent", diff),
    h("details", {}, h("summary", {}, "Whole program"), code),
    section("Cognition items retrieved", cognition),
    section(`LLM exchanges (${n.calls.length})`, n.calls.length ? n.calls.map((c) => h("details", { class: "call" },
      h("summary", {}, `${c.role} · ${c.provider}${c.model ? "/" + c.model : ""} · ${c.prompt_tokens}+${c.completion_tokens} tokens · ${usd(c.cost_usd)} · ${c.latency_ms} ms`, c.error ? h("span", { class: "bad" }, " · " + c.error) : null),
      h("h3", {}, "Prompt"), h("pre", { class: "wrap" }, c.prompt), h("h3", {}, "Reply"), h("pre", { class: "wrap" }, c.reply)))
      : h("p", { class: "muted" }, "No LLM call (the initial program).")),
    section("Artifacts", n.artifacts && n.artifacts.length ? h("ul", {}, n.artifacts.map((a) => h("li", {}, a))) : h("p", { class: "muted" }, "None.")),
    section("Notes", notesBox));
}

async function pageGrid(name) {
  setHeader(name, "grid");
  const state = await loadCampaign(name);
  const dims = Math.max(0, ...state.nodes.map((n) => (n.features || []).length));
  const box = h("div", {});
  const xSel = h("select", { id: "grid-x" }), ySel = h("select", { id: "grid-y" }), binSel = h("select", {}, [5, 8, 10, 12, 16].map((b) => h("option", { value: b, selected: b === 10 }, b + " bins")));
  const featureName = (d) => (state.summary.features || [])[d] || "feature " + d;
  for (let d = 0; d < dims; d++) { xSel.append(h("option", { value: d }, featureName(d))); ySel.append(h("option", { value: d, selected: d === 1 }, featureName(d))); }
  const draw = () => {
    const sm = state.summary, valid = state.nodes.filter((n) => n.valid && n.features && n.features.length);
    if (!dims || !valid.length) { fill(box, h("p", { class: "muted" }, "This campaign's task declares no feature dimensions, so there is no MAP-Elites grid.")); return; }
    const dx = Number(xSel.value), dy = dims > 1 ? Number(ySel.value) : -1, bins = Number(binSel.value);
    const range = (d) => { const v = valid.map((n) => n.features[d]); return [Math.min(...v), Math.max(...v)]; };
    const [x0, x1] = range(dx), [y0, y1] = dy >= 0 ? range(dy) : [0, 0];
    const bin = (v, lo, hi) => (hi > lo ? Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins)) : 0);
    const rows = dy >= 0 ? bins : 1, cells = new Map();
    const better = (a, b) => (sm.direction === "minimize" ? a < b : a > b);
    for (const n of valid) {
      const key = bin(n.features[dx], x0, x1) + "," + (dy >= 0 ? bin(n.features[dy], y0, y1) : 0);
      const cur = cells.get(key);
      if (!cur || better(n.score, cur.score)) cells.set(key, n);
    }
    const scale = scoreScale(valid, sm.direction);
    const table = h("table", { class: "map", id: "map" });
    for (let r = rows - 1; r >= 0; r--) {
      const tr = h("tr", {}, h("th", {}, dy >= 0 ? fmt(y0 + ((r + 0.5) * (y1 - y0)) / bins) : ""));
      for (let c = 0; c < bins; c++) {
        const n = cells.get(c + "," + r), td = h("td", {});
        if (n) { td.style.background = ramp(scale(n.score)); td.append(h("a", { href: `/c/${esc(name)}/node/${n.id}`, title: `node ${n.id}: ${n.name}` }, fmt(n.score))); }
        tr.append(td);
      }
      table.append(tr);
    }
    table.append(h("tr", {}, h("th", {}), [...Array(bins).keys()].map((c) => h("th", {}, fmt(x0 + ((c + 0.5) * (x1 - x0)) / bins)))));
    fill(box, h("p", { class: "muted" }, `${cells.size} of ${bins * rows} cells filled; each shows its best node. Columns: ${featureName(dx)}${dy >= 0 ? "; rows: " + featureName(dy) : ""}.`), table);
  };
  for (const el of [xSel, ySel, binSel]) el.addEventListener("change", draw);
  fill(app(), h("h1", {}, "MAP-Elites grid"), h("div", { class: "toolbar" }, "x:", xSel, dims > 1 ? ["y:", ySel] : null, binSel), box);
  draw();
  live(name, state, draw);
}

async function pageCognition(name) {
  setHeader(name, "cognition");
  stopLive();
  const c = await getJSON(`/api/campaigns/${esc(name)}/cognition`);
  const search = h("input", { type: "search", placeholder: "search items", id: "cognition-search" });
  const box = h("div", {});
  const draw = () => {
    const q = search.value.toLowerCase();
    const items = c.items.filter((it) => it.item.toLowerCase().includes(q));
    fill(box, items.length
      ? h("table", { id: "cognition-items" }, h("tr", {}, h("th", {}, "item"), ["used", "valid", "mean gain vs parent"].map((t) => h("th", { class: "num" }, t)), h("th", {}, "nodes")),
        items.map((it) => h("tr", {}, h("td", {}, it.item), h("td", { class: "num" }, it.uses), h("td", { class: "num" }, it.valid),
          h("td", { class: "num " + (it.mean_delta > 0 ? "good" : it.mean_delta < 0 ? "bad" : "") }, it.mean_delta === null ? "—" : fmt(it.mean_delta)),
          h("td", {}, it.nodes.slice(0, 12).map((id, i) => [i ? " " : "", h("a", { href: `/c/${esc(name)}/node/${id}` }, id)])))))
      : h("p", { class: "muted" }, !c.recorded ? "This campaign's store does not record which cognition items were retrieved per step." : c.items.length ? "No item matches." : "No node of this campaign was designed with cognition items (the campaign has no cognition block, or its base is empty)."));
  };
  search.addEventListener("input", draw);
  fill(app(), h("h1", {}, "Cognition items used"), h("p", { class: "muted" }, "Which items the researcher was shown, how often, and how the nodes that used them scored against their parents."), h("div", { class: "toolbar" }, search), box);
  draw();
}

// navigate changes page without a reload.
function navigate(path) {
  history.pushState(null, "", path);
  route();
}

async function route() {
  const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] !== "c" || parts.length < 2) { stopLive(); return await pageList(); }
    const name = parts[1];
    switch (parts[2]) {
      case undefined: return await pageLive(name);
      case "tree": return await pageTree(name);
      case "grid": return await pageGrid(name);
      case "cognition": return await pageCognition(name);
      case "node": return await pageNode(name, Number(parts[3]));
    }
    throw new Error("no such page: " + location.pathname);
  } catch (err) {
    showError(err);
  }
}

// Same-origin links change page in place (the live stream is replaced).
document.addEventListener("click", (ev) => {
  const a = ev.target.closest && ev.target.closest("a[href^='/']");
  if (!a || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
  ev.preventDefault();
  navigate(a.getAttribute("href"));
});
window.addEventListener("popstate", route);
route();
